"""`webhooks` (one per endpoint a user registered) and `webhook_deliveries` (one per event and webhook: the
delivery log, kept 30 days)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from bson import ObjectId
from pymongo import DESCENDING, ReturnDocument
from pymongo.database import Database

from finsight.platform.db import Document, insert_once


class WebhookRepository:
    def __init__(self, database: Database[Document]) -> None:
        self._webhooks = database["webhooks"]

    def insert(self, doc: Document) -> Document:
        return {**doc, "_id": self._webhooks.insert_one(doc).inserted_id}

    def count(self, user_id: str) -> int:
        return self._webhooks.count_documents({"user_id": user_id})

    def remove(self, webhook_id: ObjectId) -> None:
        self._webhooks.delete_one({"_id": webhook_id})

    def owned(self, user_id: str, webhook_id: ObjectId) -> Document | None:
        return self._webhooks.find_one({"_id": webhook_id, "user_id": user_id})

    def get(self, webhook_id: str) -> Document | None:
        return self._webhooks.find_one({"_id": ObjectId(webhook_id)})

    def of_user(self, user_id: str) -> list[Document]:
        return list(self._webhooks.find({"user_id": user_id}).sort("created_at", 1))

    def subscribed(self, user_id: str, event_type: str) -> list[Document]:
        return list(self._webhooks.find({"user_id": user_id, "enabled": True, "events": event_type}))

    def delete(self, user_id: str, webhook_id: ObjectId) -> bool:
        return self._webhooks.delete_one({"_id": webhook_id, "user_id": user_id}).deleted_count == 1

    def set_enabled(self, user_id: str, webhook_id: ObjectId, enabled: bool, now: datetime) -> Document | None:
        update: dict[str, Any] = {"$set": {"enabled": enabled, "updated_at": now}}
        if enabled:  # a fresh start: the 3-day count begins again
            update["$unset"] = {"failing_since": "", "disabled_reason": "", "disabled_at": ""}
        else:
            update["$set"]["disabled_reason"] = "turned off by you"
        return self._webhooks.find_one_and_update(
            {"_id": webhook_id, "user_id": user_id}, update, return_document=ReturnDocument.AFTER
        )

    def succeeded(self, webhook_id: str) -> None:
        self._webhooks.update_one(
            {"_id": ObjectId(webhook_id)}, {"$unset": {"failing_since": "", "last_failure_at": ""}}
        )

    def failed(self, webhook_id: str, now: datetime, *, quiet: timedelta) -> Document | None:
        """Note a failed attempt; the webhook after it. The first failure since the last success starts the
        count, and so does one after `quiet` without failures (a webhook that failed once long ago and has had
        nothing to deliver since is not "failing for days")."""
        oid = ObjectId(webhook_id)
        self._webhooks.update_one(
            {"_id": oid, "last_failure_at": {"$lt": now - quiet}}, {"$set": {"failing_since": now}}
        )
        return self._webhooks.find_one_and_update(
            {"_id": oid},
            {"$min": {"failing_since": now}, "$set": {"last_failure_at": now}},
            return_document=ReturnDocument.AFTER,
        )

    def disable_if_failing_since(self, webhook_id: str, cutoff: datetime, reason: str, now: datetime) -> bool:
        """Turn the webhook off when it has failed since `cutoff` or longer: True for the one caller that did."""
        result = self._webhooks.update_one(
            {"_id": ObjectId(webhook_id), "enabled": True, "failing_since": {"$lte": cutoff}},
            {"$set": {"enabled": False, "disabled_reason": reason, "disabled_at": now, "updated_at": now}},
        )
        return result.modified_count == 1


class DeliveryRepository:
    def __init__(self, database: Database[Document]) -> None:
        self._deliveries = database["webhook_deliveries"]

    def create(self, doc: Document) -> bool:
        return insert_once(self._deliveries, doc)

    def get(self, delivery_id: ObjectId) -> Document | None:
        return self._deliveries.find_one({"_id": delivery_id})

    def of_webhook(self, user_id: str, webhook_id: str, limit: int) -> list[Document]:
        cursor = self._deliveries.find({"user_id": user_id, "webhook_id": webhook_id}, {"body": 0})
        return list(cursor.sort([("created_at", DESCENDING), ("_id", DESCENDING)]).limit(limit))

    def delete_of_webhook(self, webhook_id: str) -> None:
        self._deliveries.delete_many({"webhook_id": webhook_id})

    def take(self, delivery_id: ObjectId, due: datetime, now: datetime, lease: timedelta) -> Document | None:
        """Hold a pending delivery for one attempt (its scheduled one, `due`), counted now (an attempt whose
        function stopped midway counts too): None when another holds it."""
        return self._deliveries.find_one_and_update(
            {
                "_id": delivery_id,
                "status": "pending",
                "next_attempt_at": due,
                "$or": [{"lease_until": None}, {"lease_until": {"$lt": now}}],
            },
            {
                "$set": {"lease_until": now + lease, "last_attempt_at": now},
                "$inc": {"attempts": 1, "window_attempts": 1},
            },
            return_document=ReturnDocument.AFTER,
        )

    def stalled(self, now: datetime, *, unqueued_for: timedelta, overdue_by: timedelta) -> list[Document]:
        """Pending deliveries no message carries: never queued (SQS refused), or long past their attempt (the
        message was dead-lettered or lost) — and not held by a running attempt."""
        free = [{"lease_until": None}, {"lease_until": {"$lt": now}}]
        stale = [
            {"queued": False, "next_attempt_at": {"$lt": now - unqueued_for}},
            {"next_attempt_at": {"$lt": now - overdue_by}},
        ]
        query = {"status": "pending", "$and": [{"$or": free}, {"$or": stale}]}
        return list(self._deliveries.find(query, {"_id": 1, "next_attempt_at": 1}).limit(500))

    def update(self, delivery_id: ObjectId, changes: Document, *, unset: tuple[str, ...] = ()) -> None:
        update: Document = {"$set": changes}
        if unset:
            update["$unset"] = dict.fromkeys(unset, "")
        self._deliveries.update_one({"_id": delivery_id}, update)

    def reopen(self, user_id: str, delivery_id: ObjectId, now: datetime) -> Document | None:
        """A finished delivery pending again, for one more try now (None unless it was finished)."""
        return self._deliveries.find_one_and_update(
            {"_id": delivery_id, "user_id": user_id, "status": {"$in": ["delivered", "failed", "cancelled"]}},
            {
                "$set": {
                    "status": "pending",
                    "window_start": now,
                    "window_attempts": 0,
                    "next_attempt_at": now,
                    "queued": False,
                },
                "$unset": {"error": "", "lease_until": ""},
            },
            return_document=ReturnDocument.AFTER,
        )
