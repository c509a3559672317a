"""The `imports` collection: one document per statement upload, its state and its counts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from bson import ObjectId
from pymongo import DESCENDING
from pymongo.database import Database

from finsight.platform.db import Document, take_lease

RUNNABLE = ("awaiting_upload", "uploaded")  # an upload arrived: the import may start


class ImportRepository:
    def __init__(self, database: Database[Document]) -> None:
        self._imports = database["imports"]

    def insert(self, doc: Document) -> None:
        self._imports.insert_one(doc)

    def get(self, user_id: str, import_id: ObjectId) -> Document | None:
        return self._imports.find_one({"_id": import_id, "user_id": user_id})

    def of_user(self, user_id: str, limit: int) -> list[Document]:
        cursor = self._imports.find({"user_id": user_id}).sort([("created_at", DESCENDING), ("_id", DESCENDING)])
        return list(cursor.limit(limit))

    def claim(
        self, user_id: str, import_id: ObjectId, *, statuses: tuple[str, ...], lease: timedelta
    ) -> Document | None:
        """Start (or resume) the import for one run (`platform.db.take_lease`); None when another run holds it
        or it is done."""
        query = {"_id": import_id, "user_id": user_id}
        return take_lease(self._imports, query, statuses=statuses, lease=lease, inc={"runs": 1})

    def finish(self, import_id: ObjectId, status: str, fields: dict[str, Any]) -> None:
        now = datetime.now(UTC)
        self._imports.update_one(
            {"_id": import_id, "status": "processing"},
            {"$set": {**fields, "status": status, "updated_at": now}, "$unset": {"lease_until": ""}},
        )

    def set_mapping(self, user_id: str, import_id: ObjectId, mapping: dict[str, Any]) -> Document | None:
        """Give a waiting import its mapping (once: only from needs_mapping); the import as it was, or None."""
        now = datetime.now(UTC)
        return self._imports.find_one_and_update(
            {"_id": import_id, "user_id": user_id, "status": "needs_mapping"},
            {"$set": {"status": "uploaded", "mapping": mapping, "updated_at": now}},
        )

    def back_to_mapping(self, import_id: ObjectId) -> None:
        """The resume could not be queued: the import waits for its mapping again."""
        self._imports.update_one({"_id": import_id, "status": "uploaded"}, {"$set": {"status": "needs_mapping"}})

    def delete_unless_running(self, user_id: str, import_id: ObjectId) -> Document | None:
        """Remove the import unless a run holds it (a run whose lease ran out holds it no more)."""
        now = datetime.now(UTC)
        return self._imports.find_one_and_delete(
            {
                "_id": import_id,
                "user_id": user_id,
                "$or": [{"status": {"$ne": "processing"}}, {"lease_until": {"$lt": now}}],
            }
        )

    def fail_stale(self, *, processing_before: datetime, awaiting_before: datetime, uploaded_before: datetime) -> int:
        """Imports whose run stopped long ago, or whose upload never came, end failed with a reason."""
        now = datetime.now(UTC)
        stopped = self._imports.update_many(
            {"status": "processing", "lease_until": {"$lt": processing_before}},
            {
                "$set": {
                    "status": "failed",
                    "failure_reason": "The import stopped. Please upload the file again.",
                    "updated_at": now,
                },
                "$unset": {"lease_until": ""},
            },
        )
        never = self._imports.update_many(
            {"status": "awaiting_upload", "created_at": {"$lt": awaiting_before}},
            {"$set": {"status": "failed", "failure_reason": "The file was never uploaded.", "updated_at": now}},
        )
        unread = self._imports.update_many(  # its upload or resume never reached a run (a dead-lettered message)
            {"status": "uploaded", "updated_at": {"$lt": uploaded_before}},
            {
                "$set": {
                    "status": "failed",
                    "failure_reason": "The import did not start. Please upload the file again.",
                    "updated_at": now,
                }
            },
        )
        return stopped.modified_count + never.modified_count + unread.modified_count


STALE_AFTER = timedelta(minutes=10)
UNSTARTED_AFTER = timedelta(hours=2)  # the import queue's three deliveries, 30 minutes apart, have all been tried


def sweep_imports(database: Database[Document], *, upload_expiry: timedelta, now: datetime | None = None) -> int:
    """Imports never left hanging: a run that stopped (its lease ran out STALE_AFTER ago and no retry took it
    over) and an upload that never came (its form expired STALE_AFTER ago) end failed, with a reason."""
    moment = now or datetime.now(UTC)
    return ImportRepository(database).fail_stale(
        processing_before=moment - STALE_AFTER,
        awaiting_before=moment - upload_expiry - STALE_AFTER,
        uploaded_before=moment - UNSTARTED_AFTER,
    )
