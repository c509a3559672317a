"""The rules a new password follows (API.md); nothing here loads bcrypt."""

from __future__ import annotations

import re

MIN_LENGTH = 8
MAX_BYTES = 72  # bcrypt reads at most 72 bytes; longer passwords are refused, never truncated


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
