"""A session's tokens: the pair a login starts it with, refreshes (with rotation), logout.

No password is involved here, so refresh and logout load nothing of bcrypt.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from finsight.accounts.models import TokenPair
from finsight.accounts.sessions import SessionRepository, UserPreferences, Verdict
from finsight.accounts.tokens import (
    InvalidTokenError,
    SessionEndedError,
    TokenClaims,
    TokenType,
    issue_token,
    new_id,
    sign_token,
)
from finsight.accounts.users import UserRecord
from finsight.platform.config import get_settings
from finsight.platform.db import get_database
from finsight.platform.errors import ServiceUnavailableError
from finsight.platform.observability import logger


class RefreshBusyError(ServiceUnavailableError):
    default_message = "Your session is being refreshed by another request. Please try again."


def start_session(user: UserRecord) -> tuple[TokenPair, str]:
    """A new session for the user: its tokens and its id."""
    settings = get_settings()
    session_id = new_id()
    now = datetime.now(UTC).replace(microsecond=0)
    ends_at = now + timedelta(seconds=settings.session_max_age_seconds)
    access, _ = issue_token(user.id, session_id, TokenType.ACCESS, now=now)
    refresh, refresh_claims = issue_token(user.id, session_id, TokenType.REFRESH, now=now, expires_at=ends_at)
    SessionRepository(get_database()).create(
        session_id=session_id,
        user_id=user.id,
        refresh_jti=refresh_claims.jti,
        issued_at=now,
        ends_at=ends_at,
        expires_at=idle_expiry(now, ends_at),
        preferences=UserPreferences(timezone=user.timezone, currency=user.currency),
    )
    return token_pair(access, refresh), session_id


def idle_expiry(now: datetime, ends_at: datetime) -> datetime:
    """When a session ends if it is not refreshed again: after the idle time, never after its lifetime."""
    return min(now + timedelta(seconds=get_settings().refresh_token_ttl_seconds), ends_at)


# A lost race re-reads the session once: the winner's rotation is then within the leeway.
ROTATION_ATTEMPTS = 2


def refresh(claims: TokenClaims) -> TokenPair:
    """A new access token and the session's newest refresh token, for a refresh token of an active session.

    Which refresh tokens work is the session's rule (`SessionRecord.verdict`): the newest one, which is
    rotated; the login one, for a client that never adopts rotated tokens; and, for a few seconds after a
    rotation, the one it replaced, so parallel refreshes all succeed. An older token of a session whose
    client adopts rotated tokens was copied: the whole session ends.
    """
    settings = get_settings()
    sessions = SessionRepository(get_database())
    leeway = timedelta(seconds=settings.refresh_reuse_leeway_seconds)
    for _ in range(ROTATION_ATTEMPTS):
        now = datetime.now(UTC)
        issued = now.replace(microsecond=0)  # tokens carry whole seconds
        session = sessions.get(claims.sid)
        if session is None or session.user_id != claims.sub or not session.active(now):
            raise SessionEndedError()
        verdict = session.verdict(claims.jti, now, leeway)
        if verdict is Verdict.REUSED:
            sessions.revoke(claims.sid, "refresh token reused")
            logger.warning("Refresh token reuse detected; session revoked", extra={"session_id": claims.sid})
            raise InvalidTokenError("This refresh token is no longer valid. Please log in again.")
        access, _ = issue_token(claims.sub, claims.sid, TokenType.ACCESS, now=issued)
        if verdict is Verdict.REISSUE:
            newest = TokenClaims(
                sub=claims.sub,
                type=TokenType.REFRESH,
                jti=session.refresh_jti,
                sid=claims.sid,
                iat=session.refresh_iat,
                exp=session.ends_at,
            )
            return token_pair(access, sign_token(newest))
        new_refresh, new_claims = issue_token(
            claims.sub, claims.sid, TokenType.REFRESH, now=issued, expires_at=session.ends_at
        )
        rotated = sessions.rotate(
            session,
            new_jti=new_claims.jti,
            issued_at=issued,
            strict=session.adopts(claims.jti),
            expires_at=idle_expiry(now, session.ends_at),
            now=now,
        )
        if rotated:
            return token_pair(access, new_refresh)
    raise RefreshBusyError()


def token_pair(access: str, refresh_token: str) -> TokenPair:
    return TokenPair(
        access_token=access, refresh_token=refresh_token, expires_in=get_settings().access_token_ttl_seconds
    )


def logout(session_id: str) -> None:
    """End the session: its access and refresh tokens stop working."""
    SessionRepository(get_database()).revoke(session_id, "logout")
