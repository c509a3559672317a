"""The `rate_events` collection: sliding-window counters for abuse limits (failed logins, sign-ups...).

Each counted event is a small document; a TTL index on `expires_at` removes it once it can no longer
count. Keys never hold a raw email address (only its hash).
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from pymongo.database import Database

from finsight.db import Document


def email_key(prefix: str, email: str) -> str:
    return f"{prefix}:email:{hashlib.sha256(email.encode('utf-8')).hexdigest()[:32]}"


def ip_key(prefix: str, ip: str) -> str:
    return f"{prefix}:ip:{ip}"


class RateEventRepository:
    def __init__(self, database: Database[Document]) -> None:
        self._events = database["rate_events"]

    def retry_after(self, limits: Mapping[str, int], window: timedelta) -> int | None:
        """Seconds until every key is back under its limit, or None when none is at it (one round trip)."""
        now = datetime.now(UTC)
        since = now - window
        pipeline: list[dict[str, Any]] = [
            {"$match": {"key": {"$in": list(limits)}, "at": {"$gt": since}}},
            {"$group": {"_id": "$key", "count": {"$sum": 1}, "times": {"$push": "$at"}}},
        ]
        waits = []
        for row in self._events.aggregate(pipeline):
            limit = limits[row["_id"]]
            if row["count"] >= limit:
                # The key is under its limit again once enough of its oldest events have left the window.
                times = sorted(_aware(t) for t in row["times"])
                frees_at = times[row["count"] - limit] + window
                waits.append(max(1, math.ceil((frees_at - now).total_seconds())))
        return max(waits) if waits else None

    def record(self, keys: list[str], window: timedelta) -> None:
        now = datetime.now(UTC)
        self._events.insert_many([{"key": key, "at": now, "expires_at": now + window} for key in keys])


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
