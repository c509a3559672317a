"""The `password_resets` collection: reset tokens, stored only as SHA-256 hashes, single use."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime

from pymongo.database import Database

from finsight.platform.db import Document


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


class PasswordResetRepository:
    def __init__(self, database: Database[Document]) -> None:
        self._resets = database["password_resets"]

    def create(self, *, token: str, user_id: str, expires_at: datetime) -> None:
        self._resets.insert_one(
            {"_id": token_hash(token), "user_id": user_id, "created_at": datetime.now(UTC), "expires_at": expires_at}
        )

    def consume(self, token: str) -> str | None:
        """Atomically take a live token (so it can be used once); returns its user id."""
        doc = self._resets.find_one_and_delete({"_id": token_hash(token), "expires_at": {"$gt": datetime.now(UTC)}})
        return None if doc is None else str(doc["user_id"])

    def delete_for_user(self, user_id: str) -> None:
        self._resets.delete_many({"user_id": user_id})
