"""The `exports` collection's upkeep: an export never stays queued or processing for ever."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from pymongo.database import Database

from finsight.platform.db import Document

QUEUED_FOR_AT_MOST = timedelta(days=1)  # the export queue's retention
STOPPED_AFTER = timedelta(hours=2)  # three deliveries, 30 minutes apart, and each run's 5 minutes


def sweep_exports(database: Database[Document], *, now: datetime | None = None) -> int:
    """Exports SQS gave up on (or never delivered) end failed, so their owner can ask again."""
    moment = now or datetime.now(UTC)
    result = database["exports"].update_many(
        {
            "$or": [
                {"status": "queued", "created_at": {"$lt": moment - QUEUED_FOR_AT_MOST}},
                {"status": "processing", "updated_at": {"$lt": moment - STOPPED_AFTER}},
            ]
        },
        {
            "$set": {"status": "failed", "failure_reason": "The export stopped. Please ask for it again."},
            "$unset": {"lease_until": ""},
        },
    )
    return int(result.modified_count)
