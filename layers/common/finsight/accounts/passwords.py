"""bcrypt hashing of passwords (the rules a new one follows: `finsight.accounts.password_policy`)."""

from __future__ import annotations

import bcrypt

from finsight.accounts.password_policy import MAX_BYTES
from finsight.accounts.settings import account_settings

# A hash of a random password at the default cost, verified when an email is unknown so that
# login takes as long as for a real account (no user enumeration by timing).
_DUMMY_HASHES = {12: b"$2b$12$l0EpXKFtFWkhgm9Y0bid5e9xp3PM81OOvOyJZOJh1sKL6u4BPkwHW"}


def hash_password(password: str) -> str:
    """A bcrypt hash at the configured cost (BCRYPT_ROUNDS, 12 by default)."""
    salt = bcrypt.gensalt(rounds=account_settings().bcrypt_rounds)
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
    rounds = account_settings().bcrypt_rounds
    if rounds not in _DUMMY_HASHES:
        _DUMMY_HASHES[rounds] = bcrypt.hashpw(b"not-a-real-password", bcrypt.gensalt(rounds=rounds))
    return _DUMMY_HASHES[rounds]
