"""The `users` collection."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, NamedTuple

from pymongo import ReturnDocument
from pymongo.database import Database
from pymongo.errors import DuplicateKeyError

from finsight.platform.db import Document
from finsight.platform.errors import ConflictError
from finsight.platform.ids import object_id


class EmailAlreadyRegisteredError(ConflictError):
    default_message = "An account with this email already exists."


class UserRecord(NamedTuple):
    id: str
    email: str
    password_hash: str
    income_minor: int
    timezone: str
    currency: str
    whatsapp_number: str | None = None  # E.164, once verified
    whatsapp_verified: bool = False
    telegram_linked: bool = False
    budget_alert_emails: bool = True  # stored only once turned off

    @classmethod
    def from_document(cls, doc: Document) -> UserRecord:
        return cls(
            id=str(doc["_id"]),
            email=doc["email"],
            password_hash=doc["password_hash"],
            income_minor=int(doc.get("income_minor", 0)),
            timezone=doc["timezone"],
            currency=doc["currency"],
            whatsapp_number=doc.get("whatsapp_number"),
            whatsapp_verified=bool(doc.get("whatsapp_verified")),
            telegram_linked=bool(doc.get("telegram_linked")),
            budget_alert_emails=doc.get("budget_alert_emails", True) is not False,
        )


class UserRepository:
    def __init__(self, database: Database[Document]) -> None:
        self._users = database["users"]

    def create(self, *, email: str, password_hash: str, timezone: str, currency: str) -> UserRecord:
        doc: Document = {
            "email": email,
            "password_hash": password_hash,
            "income_minor": 0,
            "timezone": timezone,
            "currency": currency,
            "created_at": datetime.now(UTC),
        }
        try:
            result = self._users.insert_one(doc)
        except DuplicateKeyError as exc:
            raise EmailAlreadyRegisteredError() from exc
        return UserRecord.from_document({**doc, "_id": result.inserted_id})

    def find_by_email(self, email: str) -> UserRecord | None:
        doc = self._users.find_one({"email": email})
        return None if doc is None else UserRecord.from_document(doc)

    def get(self, user_id: str) -> UserRecord | None:
        oid = object_id(user_id)
        doc = None if oid is None else self._users.find_one({"_id": oid})
        return None if doc is None else UserRecord.from_document(doc)

    def update(self, user_id: str, changes: dict[str, Any]) -> UserRecord | None:
        oid = object_id(user_id)
        if oid is None:
            return None
        doc = self._users.find_one_and_update(
            {"_id": oid}, {"$set": {**changes, "updated_at": datetime.now(UTC)}}, return_document=ReturnDocument.AFTER
        )
        return None if doc is None else UserRecord.from_document(doc)

    def has_password_hash(self, user_id: str, password_hash: str) -> bool:
        """Whether the user's password is still the one `password_hash` is of (a reset changes the hash)."""
        oid = object_id(user_id)
        return (
            oid is not None
            and self._users.find_one({"_id": oid, "password_hash": password_hash}, {"_id": 1}) is not None
        )

    def set_password(self, user_id: str, password_hash: str) -> bool:
        oid = object_id(user_id)
        if oid is None:
            return False
        result = self._users.update_one(
            {"_id": oid}, {"$set": {"password_hash": password_hash, "password_changed_at": datetime.now(UTC)}}
        )
        return result.matched_count == 1
