"""The `rate_events` collection: sliding-window counters for abuse limits (failed logins, sign-ups...).

Each counted attempt is a small document; a TTL index on `expires_at` removes it once it can no longer
count. An attempt is counted *before* the work it guards (a bcrypt check, an account, an email) and the
decision is made from the count that includes it, so concurrent attempts cannot all slip under a limit:
the k-th attempt to be stored sees at least k. Keys never hold a raw email address, only a keyed hash
(HMAC) of it, so the collection cannot be matched against a list of addresses.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any, NamedTuple

from bson import ObjectId
from pymongo.database import Database

from finsight.platform.config import keyed_digest
from finsight.platform.db import Document


def _digest(value: str) -> str:
    # Keyed with a key derived from the signing secret: without it, the hashes cannot be recomputed.
    return keyed_digest(b"finsight rate_events", value)[:32]


def email_key(prefix: str, email: str) -> str:
    return f"{prefix}:email:{_digest(email)}"


def address_key(prefix: str, address: str) -> str:
    """A chat address (a phone number) as a key, hashed like emails: the events never hold the address."""
    return f"{prefix}:address:{_digest(address)}"


def ip_key(prefix: str, ip: str) -> str:
    return f"{prefix}:ip:{ip}"


def email_ip_key(prefix: str, email: str, ip: str) -> str:
    return f"{prefix}:email+ip:{_digest(email)}:{ip}"


class Attempt(NamedTuple):
    """An attempt counted under some keys: `retry_after` is None when every key was within its limit."""

    ids: list[ObjectId]
    retry_after: int | None


class RateEventRepository:
    def __init__(self, database: Database[Document]) -> None:
        self._events = database["rate_events"]

    def attempt(self, limits: Mapping[str, int], window: timedelta) -> Attempt:
        """Count one attempt under every key, then decide from the counts that include it (two round trips).

        Over a key's limit, `retry_after` says in how many seconds a new attempt would be within it again.
        """
        now = datetime.now(UTC)
        result = self._events.insert_many([{"key": key, "at": now, "expires_at": now + window} for key in limits])
        ids = list(result.inserted_ids)
        pipeline: list[dict[str, Any]] = [
            {"$match": {"key": {"$in": list(limits)}, "at": {"$gt": now - window}}},
            {"$group": {"_id": "$key", "events": {"$push": {"id": "$_id", "at": "$at"}}}},
        ]
        waits = []
        for row in self._events.aggregate(pipeline):
            limit = limits[row["_id"]]
            if len(row["events"]) > limit:
                # Refused attempts are forgotten (`forget`), so the key is within its limit again once enough
                # of the other attempts have left the window.
                others = sorted(_aware(e["at"]) for e in row["events"] if e["id"] not in ids)
                frees_at = others[len(others) - limit] + window
                waits.append(max(1, math.ceil((frees_at - now).total_seconds())))
        return Attempt(ids=ids, retry_after=max(waits) if waits else None)

    def forget(self, ids: list[ObjectId]) -> None:
        """Stop counting an attempt (refused before any work, or one that must not count, such as a login
        that succeeded)."""
        self._events.delete_many({"_id": {"$in": ids}})


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
