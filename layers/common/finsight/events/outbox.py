"""The outbox: events are stored next to the data they describe, right after the write, and a scheduled function
(`publish_events`) puts them on the EventBridge bus. A user's request never waits for EventBridge or fails
with it; an event EventBridge does not take stays in the outbox and goes out on a later run.

The outbox write itself never fails a request either: if MongoDB refuses it just after it took the user's
write, the event is logged (`EventsNotRecorded` metric) and the request succeeds. Events whose id is derived
from what happened (`new_event(once_key=...)`) are recorded at most once, however often a retried job writes.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta

from aws_lambda_powertools.metrics import MetricUnit
from pymongo import ASCENDING
from pymongo.database import Database
from pymongo.errors import BulkWriteError, PyMongoError

from finsight.events.models import DomainEvent
from finsight.platform.db import Document, get_database
from finsight.platform.observability import logger, metrics

DUPLICATE_KEY = 11000


class Outbox:
    """`outbox`: one document per event, `pending` until EventBridge took it, then `published` (kept a week;
    `published_at` also dates a parked, `failed`, one for the same expiry)."""

    def __init__(self, database: Database[Document]) -> None:
        self._outbox = database["outbox"]

    def add(self, events: Iterable[DomainEvent]) -> int:
        """Store events not stored yet (a derived id already there is skipped); how many were new."""
        now = datetime.now(UTC)
        docs = [
            {"_id": e.id, "event": e.model_dump(mode="json"), "status": "pending", "created_at": now} for e in events
        ]
        if not docs:
            return 0
        try:
            return len(self._outbox.insert_many(docs, ordered=False).inserted_ids)
        except BulkWriteError as exc:
            errors = exc.details.get("writeErrors", [])
            if any(error.get("code") != DUPLICATE_KEY for error in errors):
                raise
            return len(docs) - len(errors)

    def claim(self, limit: int, lease: timedelta) -> list[Document]:
        """Up to `limit` pending events no other run holds, oldest first, leased to this run."""
        now = datetime.now(UTC)
        free = {"status": "pending", "$or": [{"lease_until": None}, {"lease_until": {"$lt": now}}]}
        ids = [doc["_id"] for doc in self._outbox.find(free, {"_id": 1}).sort("created_at", ASCENDING).limit(limit)]
        if not ids:
            return []
        token = secrets.token_hex(8)
        self._outbox.update_many({**free, "_id": {"$in": ids}}, {"$set": {"lease_until": now + lease, "lease": token}})
        return list(self._outbox.find({"lease": token, "status": "pending"}).sort("created_at", ASCENDING))

    def published(self, ids: list[str]) -> None:
        if ids:
            self._outbox.update_many(
                {"_id": {"$in": ids}},
                {"$set": {"status": "published", "published_at": datetime.now(UTC)}, "$unset": {"lease": ""}},
            )

    def refused(self, ids: list[str], *, park: list[str] | None = None) -> None:
        """EventBridge did not take these: they stay pending, tried again once their lease lapses — but those
        in `park`, which have been refused too often and are set aside (`failed`, kept a week like the rest)."""
        if ids:
            self._outbox.update_many({"_id": {"$in": ids}}, {"$inc": {"attempts": 1}, "$unset": {"lease": ""}})
        if park:
            now = datetime.now(UTC)
            self._outbox.update_many({"_id": {"$in": park}}, {"$set": {"status": "failed", "published_at": now}})

    def release(self, ids: list[str]) -> None:
        """Hand back claimed events this run did not get to: the next run takes them at once."""
        if ids:
            self._outbox.update_many({"_id": {"$in": ids}}, {"$unset": {"lease": "", "lease_until": ""}})

    def pending_count(self) -> int:
        return self._outbox.count_documents({"status": "pending"})


def record(events: Iterable[DomainEvent]) -> None:
    """Record events after the write they describe. Never raises: the write is done and the user's request
    must not fail because of its announcement (the loss is logged and counted)."""
    batch = list(events)
    try:
        Outbox(get_database()).add(batch)
    except PyMongoError as exc:
        logger.error(
            "Events not recorded",
            extra={"events": [f"{e.type}:{e.id}" for e in batch], "error": type(exc).__name__},
        )
        metrics.add_metric(name="EventsNotRecorded", unit=MetricUnit.Count, value=len(batch))
