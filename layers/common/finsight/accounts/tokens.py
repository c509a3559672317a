"""JSON Web Tokens: HS256 only, typed (access | refresh), each bound to a session."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import NamedTuple

import jwt

from finsight.platform.config import get_settings, jwt_secret
from finsight.platform.errors import UnauthorizedError

ALGORITHM = "HS256"
REQUIRED_CLAIMS = ["sub", "type", "jti", "sid", "iat", "exp"]


class TokenType(StrEnum):
    ACCESS = "access"
    REFRESH = "refresh"


class InvalidTokenError(UnauthorizedError):
    default_message = "Invalid or expired token. Please log in again."


class SessionEndedError(InvalidTokenError):
    default_message = "This session has ended. Please log in again."


class TokenClaims(NamedTuple):
    sub: str  # user id
    type: TokenType
    jti: str  # token id
    sid: str  # session (token family) id
    iat: datetime
    exp: datetime


def new_id() -> str:
    """A random identifier for tokens and sessions (128 bits)."""
    return secrets.token_hex(16)


def sign_token(claims: TokenClaims) -> str:
    """The signed JWT of `claims` (the same claims always sign to the same token)."""
    payload = {
        "sub": claims.sub,
        "type": claims.type.value,
        "jti": claims.jti,
        "sid": claims.sid,
        "iat": claims.iat,
        "exp": claims.exp,
    }
    return jwt.encode(payload, jwt_secret(), algorithm=ALGORITHM)


def issue_token(
    user_id: str,
    session_id: str,
    token_type: TokenType,
    *,
    now: datetime | None = None,
    expires_at: datetime | None = None,
) -> tuple[str, TokenClaims]:
    """Sign a new token of `token_type` for the user, in the session; returns it with its claims.

    An access token lives ACCESS_TOKEN_TTL_SECONDS; a refresh token until `expires_at` (its session's end).
    """
    issued = (now or datetime.now(UTC)).replace(microsecond=0)
    if token_type is TokenType.ACCESS:
        exp = issued + timedelta(seconds=get_settings().access_token_ttl_seconds)
    elif expires_at is not None:
        exp = expires_at.replace(microsecond=0)
    else:
        raise ValueError("a refresh token needs the end of its session")
    claims = TokenClaims(sub=user_id, type=token_type, jti=new_id(), sid=session_id, iat=issued, exp=exp)
    return sign_token(claims), claims


def decode_token(token: str, *, allowed: frozenset[TokenType]) -> TokenClaims:
    """Verify signature, algorithm, expiry and type; raise `InvalidTokenError` on any doubt."""
    try:
        payload = jwt.decode(token, jwt_secret(), algorithms=[ALGORITHM], options={"require": REQUIRED_CLAIMS})
        token_type = TokenType(payload["type"])
        claims = TokenClaims(
            sub=str(payload["sub"]),
            type=token_type,
            jti=str(payload["jti"]),
            sid=str(payload["sid"]),
            iat=datetime.fromtimestamp(payload["iat"], UTC),
            exp=datetime.fromtimestamp(payload["exp"], UTC),
        )
    # OverflowError/OSError: a signed time beyond what the platform's clock can hold (exp 1e20).
    except (jwt.PyJWTError, ValueError, TypeError, KeyError, OverflowError, OSError) as exc:
        raise InvalidTokenError() from exc
    if claims.type not in allowed:
        expected = " or ".join(sorted(t.value for t in allowed))
        raise InvalidTokenError(f"This request needs your {expected} token.")
    return claims
