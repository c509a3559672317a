"""Webhook signatures: `X-FinSight-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">`.

The key is the webhook's secret (as shown once when it was made, `whsec_…`, used as UTF-8 bytes). A receiver
recomputes the HMAC over the timestamp, a dot and the raw request body, compares it in constant time with
each `v1` value, and refuses a timestamp more than five minutes from its clock (a replayed delivery).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

HEADER = "X-FinSight-Signature"
TOLERANCE_SECONDS = 300


def new_secret() -> str:
    return "whsec_" + secrets.token_urlsafe(32)


def signature(secret: str, timestamp: int, body: bytes) -> str:
    return hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()


def signature_header(secret: str, timestamp: int, body: bytes) -> str:
    return f"t={timestamp},v1={signature(secret, timestamp, body)}"


def verify(secret: str, header: str, body: bytes, *, now: int, tolerance: int = TOLERANCE_SECONDS) -> bool:
    """Whether `header` signs `body` with `secret` within `tolerance` seconds of `now` (what receivers do)."""
    fields = [part.split("=", 1) for part in header.split(",") if "=" in part]
    stamps = [value for key, value in fields if key.strip() == "t"]
    if len(stamps) != 1 or not stamps[0].strip().isdigit():
        return False
    timestamp = int(stamps[0])
    if abs(now - timestamp) > tolerance:
        return False
    expected = signature(secret, timestamp, body)
    return any(hmac.compare_digest(expected, value.strip()) for key, value in fields if key.strip() == "v1")
