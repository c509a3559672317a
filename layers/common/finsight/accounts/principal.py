"""The JWT check every protected function uses, as Powertools dependencies (`Depends`).

def get_profile(principal: Annotated[Principal, Depends(current_user)]) -> ...
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo

from aws_lambda_powertools.event_handler.request import Request

from finsight.accounts.sessions import SessionRepository, UserPreferences
from finsight.accounts.tokens import InvalidTokenError, SessionEndedError, TokenClaims, TokenType, decode_token
from finsight.platform.db import get_database
from finsight.platform.errors import UnauthorizedError

MAX_TOKEN_LENGTH = 2048
ACCESS = frozenset({TokenType.ACCESS})
REFRESH = frozenset({TokenType.REFRESH})
ANY_TOKEN = frozenset({TokenType.ACCESS, TokenType.REFRESH})


class Principal(NamedTuple):
    """Who is calling: the user, the session their token belongs to, and their preferences."""

    user_id: str
    session_id: str
    preferences: UserPreferences

    @classmethod
    def through_chat(cls, user_id: str, preferences: UserPreferences, channel: str) -> Principal:
        """A user writing from a linked chat: the link stands in for a session (unlinking ends it)."""
        return cls(user_id=user_id, session_id=f"{channel}-link", preferences=preferences)

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.preferences.timezone)


def bearer_token(request: Request) -> str:
    """The token of an `Authorization: Bearer <token>` header."""
    return bearer_token_of(request.headers)


def bearer_token_of(headers: Mapping[str, str]) -> str:
    """The token of the `Authorization: Bearer <token>` header among `headers` (any case of the name)."""
    header = next((value for name, value in headers.items() if name.lower() == "authorization"), "")
    scheme, _, token = header.strip().partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token:
        raise UnauthorizedError("Authentication required: send 'Authorization: Bearer <token>'.")
    if len(token) > MAX_TOKEN_LENGTH:
        raise InvalidTokenError()
    return token


def token_claims(request: Request, allowed: frozenset[TokenType]) -> TokenClaims:
    """Verified claims of the request's bearer token (signature, expiry, type); no session check."""
    return decode_token(bearer_token(request), allowed=allowed)


def authenticate(request: Request, allowed: frozenset[TokenType]) -> Principal:
    """Verified claims whose session is still active (one database round trip)."""
    return authenticate_headers(request.headers, allowed)


def authenticate_headers(headers: Mapping[str, str], allowed: frozenset[TokenType] = ACCESS) -> Principal:
    """`authenticate` from the request's headers alone."""
    claims = decode_token(bearer_token_of(headers), allowed=allowed)
    preferences = SessionRepository(get_database()).active_preferences(claims.sid, claims.sub)
    if preferences is None:
        raise SessionEndedError()
    return Principal(user_id=claims.sub, session_id=claims.sid, preferences=preferences)


def current_user(request: Request) -> Principal:
    """Dependency of protected routes: a valid access token of an active session."""
    return authenticate(request, ACCESS)


def refresh_token_claims(request: Request) -> TokenClaims:
    """Dependency of the refresh route: a valid refresh token (its session is checked by the rotation)."""
    return token_claims(request, REFRESH)


def any_token_principal(request: Request) -> Principal:
    """Dependency of logout: an access or refresh token of an active session."""
    return authenticate(request, ANY_TOKEN)


def token_problem(headers: Mapping[str, str]) -> UnauthorizedError | None:
    """Why a protected route must answer 401 before it reads the body: no bearer token, or one that is forged,
    tampered with or expired (no database read; the route's dependency still checks type and session)."""
    try:
        decode_token(bearer_token_of(headers), allowed=ANY_TOKEN)
    except UnauthorizedError as error:
        return error
    return None


def source_ip(request: Request) -> str:
    """The connection's address as API Gateway saw it (never a client-supplied header)."""
    context: dict[str, Any] = request.resolved_event.get("requestContext") or {}
    return str((context.get("http") or {}).get("sourceIp") or "unknown")
