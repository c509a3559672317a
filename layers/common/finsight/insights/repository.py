"""The `summary_jobs` collection: AI spending summaries, kept a day (TTL on `expires_at`).

A job is `pending` (queued), `processing` (a worker has it), then `completed` or `failed`. While it is
pending or processing it carries `active_for` = its user id; a unique sparse index on that field makes
"one running summary per user" hold under concurrent requests. Finishing removes the field.
"""

from __future__ import annotations

from datetime import UTC, datetime

from bson import ObjectId
from pymongo import ReturnDocument
from pymongo.database import Database
from pymongo.errors import DuplicateKeyError

from finsight.platform.db import Document

RUNNING = ["pending", "processing"]


class SummaryJobRepository:
    def __init__(self, database: Database[Document]) -> None:
        self._jobs = database["summary_jobs"]

    def insert_pending(self, doc: Document) -> Document | None:
        """Insert a pending job; None when the user already has one running."""
        try:
            result = self._jobs.insert_one({**doc, "status": "pending", "active_for": doc["user_id"]})
        except DuplicateKeyError:
            return None
        return {**doc, "_id": result.inserted_id, "status": "pending"}

    def running_of(self, user_id: str) -> Document | None:
        return self._jobs.find_one({"active_for": user_id}, projection={"_id": 1})

    def get(self, user_id: str, job_id: ObjectId, *, now: datetime) -> Document | None:
        """The user's job, unless it has expired (TTL deletion runs only about once a minute)."""
        return self._jobs.find_one({"_id": job_id, "user_id": user_id, "expires_at": {"$gt": now}})

    def claim(self, user_id: str, job_id: ObjectId) -> Document | None:
        """Mark a running job `processing` for a worker (again on a redelivery), noting when one first claimed
        it; None once it has finished."""
        now = datetime.now(UTC)
        return self._jobs.find_one_and_update(
            {"_id": job_id, "user_id": user_id, "status": {"$in": RUNNING}},
            {"$set": {"status": "processing", "updated_at": now}, "$min": {"claimed_at": now}},
            return_document=ReturnDocument.AFTER,
        )

    def finish(self, user_id: str, job_id: ObjectId, changes: Document) -> bool:
        """Write a job's outcome once, only while it is still running; frees the user's slot."""
        result = self._jobs.update_one(
            {"_id": job_id, "user_id": user_id, "status": {"$in": RUNNING}},
            {"$set": {**changes, "updated_at": datetime.now(UTC)}, "$unset": {"active_for": ""}},
        )
        return result.modified_count == 1

    def fail(self, user_id: str, job_id: ObjectId, reason: str) -> bool:
        return self.finish(user_id, job_id, {"status": "failed", "failure_reason": reason})

    def fail_stale(self, *, claimed_before: datetime, queued_before: datetime, reason: str) -> int:
        """Fail every job still running that a worker first claimed before `claimed_before`, or that none
        claimed and was queued before `queued_before` (its message expired): a lost message never blocks a
        user, and a job waiting behind a backlog is left alone."""
        result = self._jobs.update_many(
            {
                "status": {"$in": RUNNING},
                "$or": [
                    {"claimed_at": {"$lt": claimed_before}},
                    {"claimed_at": None, "created_at": {"$lt": queued_before}},
                ],
            },
            {
                "$set": {"status": "failed", "failure_reason": reason, "updated_at": datetime.now(UTC)},
                "$unset": {"active_for": ""},
            },
        )
        return int(result.modified_count)
