"""Domain events: what changed, as other software sees it — on the EventBridge bus and in webhook deliveries.

Every event is versioned (`version`, bumped on a breaking change of `data`), belongs to one user, and has an id
that consumers use to drop a repeat (EventBridge and webhooks deliver at least once). Ids are derived from what
happened where it can happen only once (a transaction's creation, a budget's threshold), so a retried write
never announces it twice.
"""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from bson import ObjectId
from pydantic import BaseModel, Field

from finsight.platform.ids import derived_object_id

SOURCE = "finsight"  # the EventBridge `source` of every event
VERSION = 1


class EventType(StrEnum):
    TRANSACTION_CREATED = "transaction.created"
    TRANSACTION_UPDATED = "transaction.updated"
    TRANSACTION_DELETED = "transaction.deleted"
    BUDGET_THRESHOLD_CROSSED = "budget.threshold_crossed"
    IMPORT_COMPLETED = "import.completed"
    RECURRING_OCCURRED = "recurring.occurred"


class DomainEvent(BaseModel):
    """One event: the EventBridge `detail`, and (without user_id and version) a webhook delivery's body."""

    id: str = Field(description="Unique per event; the same on every delivery of it")
    type: EventType
    version: int = VERSION
    user_id: str
    created_at: str = Field(description="When it happened (ISO 8601, UTC)")
    data: dict[str, Any]


def new_event(event_type: EventType, user_id: str, data: dict[str, Any], *, once_key: str | None = None) -> DomainEvent:
    """An event of `user_id`. With `once_key` (what makes it unique: "a transaction's creation") its id is
    derived from it, so recording it again is a no-op; otherwise it gets a fresh id."""
    event_id = derived_object_id(f"{event_type}:{once_key}") if once_key else ObjectId()
    now = datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
    return DomainEvent(id=str(event_id), type=event_type, user_id=user_id, created_at=now, data=data)
