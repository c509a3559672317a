"""The `sessions` collection: one document per login (a refresh-token family).

A token is valid only while its session is: logout, refresh-token reuse and password reset end
sessions, so revocation needs no list of token ids. Ended and expired sessions are removed by a
TTL index on `expires_at` (the refresh token's expiry), long after their tokens stopped working.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from pymongo.database import Database

from finsight.db import Document


@dataclass(frozen=True)
class SessionRecord:
    id: str
    user_id: str
    refresh_jti: str
    revoked_reason: str | None


@dataclass(frozen=True)
class UserPreferences:
    """The user's settings a request needs, copied onto each session so the token check brings them."""

    timezone: str
    currency: str


class SessionRepository:
    def __init__(self, database: Database[Document]) -> None:
        self._sessions = database["sessions"]

    def create(
        self, *, session_id: str, user_id: str, refresh_jti: str, expires_at: datetime, preferences: UserPreferences
    ) -> None:
        now = datetime.now(UTC)
        self._sessions.insert_one(
            {
                "_id": session_id,
                "user_id": user_id,
                "timezone": preferences.timezone,
                "currency": preferences.currency,
                "refresh_jti": refresh_jti,
                "created_at": now,
                "refreshed_at": now,
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

    def rotate(self, *, session_id: str, user_id: str, old_jti: str, new_jti: str, expires_at: datetime) -> bool:
        """Swap the session's current refresh token, only if `old_jti` is still the current one."""
        now = datetime.now(UTC)
        result = self._sessions.update_one(
            {
                "_id": session_id,
                "user_id": user_id,
                "refresh_jti": old_jti,
                "revoked_at": None,
                "expires_at": {"$gt": now},
            },
            {"$set": {"refresh_jti": new_jti, "refreshed_at": now, "expires_at": expires_at}},
        )
        return result.modified_count == 1

    def get(self, session_id: str) -> SessionRecord | None:
        doc = self._sessions.find_one({"_id": session_id})
        if doc is None:
            return None
        return SessionRecord(
            id=doc["_id"], user_id=doc["user_id"], refresh_jti=doc["refresh_jti"], revoked_reason=doc["revoked_reason"]
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
