"""JSON Web Tokens: HS256 only, typed (access | refresh), each bound to a session."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum

import jwt

from finsight.config import get_settings, jwt_secret
from finsight.errors import UnauthorizedError

ALGORITHM = "HS256"
REQUIRED_CLAIMS = ["sub", "type", "jti", "sid", "iat", "exp"]


class TokenType(StrEnum):
    ACCESS = "access"
    REFRESH = "refresh"


class InvalidTokenError(UnauthorizedError):
    default_message = "Invalid or expired token. Please log in again."


@dataclass(frozen=True)
class TokenClaims:
    sub: str  # user id
    type: TokenType
    jti: str  # token id
    sid: str  # session (token family) id
    iat: datetime
    exp: datetime


def new_id() -> str:
    """A random identifier for tokens and sessions (128 bits)."""
    return secrets.token_hex(16)


def issue_token(
    user_id: str, session_id: str, token_type: TokenType, *, now: datetime | None = None
) -> tuple[str, TokenClaims]:
    """Sign a token of `token_type` for the user, in the session; returns it with its claims."""
    settings = get_settings()
    issued = (now or datetime.now(UTC)).replace(microsecond=0)
    lifetime = (
        settings.access_token_ttl_seconds if token_type is TokenType.ACCESS else settings.refresh_token_ttl_seconds
    )
    claims = TokenClaims(
        sub=user_id, type=token_type, jti=new_id(), sid=session_id, iat=issued, exp=issued + timedelta(seconds=lifetime)
    )
    payload = {
        "sub": claims.sub,
        "type": claims.type.value,
        "jti": claims.jti,
        "sid": claims.sid,
        "iat": claims.iat,
        "exp": claims.exp,
    }
    return jwt.encode(payload, jwt_secret(), algorithm=ALGORITHM), claims


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
    except (jwt.PyJWTError, ValueError, TypeError, KeyError) as exc:
        raise InvalidTokenError() from exc
    if claims.type not in allowed:
        expected = " or ".join(sorted(t.value for t in allowed))
        raise InvalidTokenError(f"This request needs your {expected} token.")
    return claims
