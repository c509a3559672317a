"""The `sessions` collection: one document per login (a family of refresh tokens).

A token is valid only while its session is: logout, refresh-token reuse and password reset end
sessions, so revocation needs no list of token ids. A session also ends after `expires_at` (idle: no
refresh for REFRESH_TOKEN_TTL_SECONDS, never later than `ends_at`, the absolute lifetime); a TTL index on
`expires_at` then removes it.

Which refresh tokens a session accepts (see `SessionRecord.verdict`):
- the newest one (`refresh_jti`): it is rotated;
- the one login issued (`login_jti`), for as long as the client has never presented a rotated one: a
  client that keeps only its login token (the FinSight web client) stays logged in;
- within REFRESH_REUSE_LEEWAY_SECONDS of a rotation, the token it replaced (`previous_jti`): parallel
  refreshes with one token all get the newest token again.
Once the client presents a token a refresh issued, the session is `strict`: any older token then means it
was copied, and the whole session ends.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from enum import Enum
from typing import NamedTuple

from pymongo.database import Database

from finsight.platform.db import Document


class Verdict(Enum):
    """What a session does with a refresh token presented to it."""

    ROTATE = "rotate"  # issue a new refresh token, which becomes the newest
    REISSUE = "reissue"  # answer the newest refresh token again (a parallel refresh)
    REUSED = "reused"  # an older token of the session: it was copied


class UserPreferences(NamedTuple):
    """The user's settings a request needs, copied onto each session so the token check brings them."""

    timezone: str
    currency: str


class SessionRecord(NamedTuple):
    id: str
    user_id: str
    login_jti: str | None
    refresh_jti: str  # the newest refresh token
    refresh_iat: datetime
    previous_jti: str | None  # the refresh token the last rotation replaced
    rotated_at: datetime | None
    strict: bool
    ends_at: datetime  # absolute lifetime
    expires_at: datetime  # idle expiry, never after ends_at
    revoked_reason: str | None

    def active(self, now: datetime) -> bool:
        return self.revoked_reason is None and now < self.expires_at

    def verdict(self, jti: str, now: datetime, leeway: timedelta) -> Verdict:
        """How to answer a refresh with the token `jti` of this session."""
        just_rotated = self.rotated_at is not None and now - self.rotated_at <= leeway
        if jti == self.refresh_jti:
            return Verdict.ROTATE
        if just_rotated and jti == self.previous_jti:
            return Verdict.REISSUE
        if jti == self.login_jti and not self.strict:
            return Verdict.REISSUE if just_rotated else Verdict.ROTATE
        return Verdict.REUSED

    def adopts(self, jti: str) -> bool:
        """Whether presenting `jti` shows the client keeps rotated tokens (the session becomes strict)."""
        return self.strict or jti != self.login_jti


class SessionRepository:
    def __init__(self, database: Database[Document]) -> None:
        self._sessions = database["sessions"]

    def create(
        self,
        *,
        session_id: str,
        user_id: str,
        refresh_jti: str,
        issued_at: datetime,
        ends_at: datetime,
        expires_at: datetime,
        preferences: UserPreferences,
    ) -> None:
        now = datetime.now(UTC)
        self._sessions.insert_one(
            {
                "_id": session_id,
                "user_id": user_id,
                "timezone": preferences.timezone,
                "currency": preferences.currency,
                "login_jti": refresh_jti,
                "refresh_jti": refresh_jti,
                "refresh_iat": issued_at,
                "previous_jti": None,
                "rotated_at": None,
                "strict": False,
                "created_at": now,
                "refreshed_at": now,
                "ends_at": ends_at,
                "expires_at": expires_at,
                "revoked_at": None,
                "revoked_reason": None,
            }
        )

    def active_preferences(self, session_id: str, user_id: str) -> UserPreferences | None:
        """One round trip: the user's preferences when the session exists, is theirs, has not ended or expired."""
        found = self._sessions.find_one(
            {"_id": session_id, "user_id": user_id, "revoked_at": None, "expires_at": {"$gt": datetime.now(UTC)}},
            projection={"timezone": 1, "currency": 1},
        )
        if found is None:
            return None
        return UserPreferences(timezone=found["timezone"], currency=found["currency"])

    def set_preferences(self, user_id: str, preferences: UserPreferences) -> None:
        """Keep every open session of the user in step with a profile change."""
        self._sessions.update_many(
            {"user_id": user_id, "revoked_at": None},
            {"$set": {"timezone": preferences.timezone, "currency": preferences.currency}},
        )

    def rotate(
        self,
        session: SessionRecord,
        *,
        new_jti: str,
        issued_at: datetime,
        strict: bool,
        expires_at: datetime,
        now: datetime,
    ) -> bool:
        """Make `new_jti` the newest refresh token, only if the session's newest is still the one read
        (a concurrent refresh that rotated first wins; the caller reads the session again)."""
        result = self._sessions.update_one(
            {"_id": session.id, "refresh_jti": session.refresh_jti, "revoked_at": None, "expires_at": {"$gt": now}},
            {
                "$set": {
                    "refresh_jti": new_jti,
                    "refresh_iat": issued_at,
                    "previous_jti": session.refresh_jti,
                    "rotated_at": now,
                    "strict": strict,
                    "refreshed_at": now,
                    "expires_at": expires_at,
                }
            },
        )
        return result.modified_count == 1

    def get(self, session_id: str) -> SessionRecord | None:
        doc = self._sessions.find_one({"_id": session_id})
        if doc is None:
            return None
        return SessionRecord(
            id=doc["_id"],
            user_id=doc["user_id"],
            login_jti=doc.get("login_jti"),  # sessions from before login tokens were kept have none
            refresh_jti=doc["refresh_jti"],
            refresh_iat=doc.get("refresh_iat") or doc["refreshed_at"],
            previous_jti=doc.get("previous_jti"),
            rotated_at=doc.get("rotated_at"),
            strict=bool(doc.get("strict", False)),
            ends_at=doc.get("ends_at") or doc["expires_at"],
            expires_at=doc["expires_at"],
            revoked_reason=doc["revoked_reason"],
        )

    def revoke(self, session_id: str, reason: str) -> bool:
        result = self._sessions.update_one(
            {"_id": session_id, "revoked_at": None},
            {"$set": {"revoked_at": datetime.now(UTC), "revoked_reason": reason}},
        )
        return result.modified_count == 1

    def revoke_all_for_user(self, user_id: str, reason: str) -> int:
        result = self._sessions.update_many(
            {"user_id": user_id, "revoked_at": None},
            {"$set": {"revoked_at": datetime.now(UTC), "revoked_reason": reason}},
        )
        return result.modified_count
