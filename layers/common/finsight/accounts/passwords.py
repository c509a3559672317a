"""Password rules (API.md) and bcrypt hashing."""

from __future__ import annotations

import re

import bcrypt

from finsight.platform.config import get_settings

MIN_LENGTH = 8
MAX_BYTES = 72  # bcrypt reads at most 72 bytes; longer passwords are refused, never truncated

# A hash of a random password at the default cost, verified when an email is unknown so that
# login takes as long as for a real account (no user enumeration by timing).
_DUMMY_HASHES = {12: b"$2b$12$l0EpXKFtFWkhgm9Y0bid5e9xp3PM81OOvOyJZOJh1sKL6u4BPkwHW"}


def password_problem(password: str) -> str | None:
    """Why a new password is not acceptable, or None when it is."""
    if len(password) < MIN_LENGTH:
        return f"Password must be at least {MIN_LENGTH} characters long."
    if len(password.encode("utf-8")) > MAX_BYTES:
        return f"Password must be at most {MAX_BYTES} bytes long (UTF-8)."
    if not re.search(r"[A-Z]", password):
        return "Password must contain an upper-case letter."
    if not re.search(r"\d", password):
        return "Password must contain a digit."
    if not re.search(r"[^A-Za-z0-9\s]", password):
        return "Password must contain a special character."
    return None


def hash_password(password: str) -> str:
    """A bcrypt hash at the configured cost (BCRYPT_ROUNDS, 12 by default)."""
    salt = bcrypt.gensalt(rounds=get_settings().bcrypt_rounds)
    return bcrypt.hashpw(password.encode("utf-8"), salt).decode("ascii")


def verify_password(password: str, password_hash: str | None) -> bool:
    """True when `password` matches; with no hash (unknown account) spends the same time and says no."""
    candidate = password.encode("utf-8")
    if len(candidate) > MAX_BYTES:
        candidate = candidate[:MAX_BYTES]  # such a password was never accepted; still spend the time
    if password_hash is None:
        bcrypt.checkpw(candidate, _dummy_hash())
        return False
    return bcrypt.checkpw(candidate, password_hash.encode("ascii"))


def _dummy_hash() -> bytes:
    rounds = get_settings().bcrypt_rounds
    if rounds not in _DUMMY_HASHES:
        _DUMMY_HASHES[rounds] = bcrypt.hashpw(b"not-a-real-password", bcrypt.gensalt(rounds=rounds))
    return _DUMMY_HASHES[rounds]
