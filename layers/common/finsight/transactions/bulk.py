"""Deleting many of the caller's transactions at once (POST /api/transactions/bulk-delete): its request and
answer, and the use case."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, StringConstraints

from finsight.accounts.principal import Principal
from finsight.platform.db import get_database
from finsight.platform.ids import ApiModel, object_id
from finsight.transactions.events import announce_deleted
from finsight.transactions.repository import TransactionRepository

MAX_BULK_DELETE = 500
TransactionId = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64)]


class BulkDeleteRequest(ApiModel):
    ids: list[TransactionId] = Field(min_length=1, max_length=MAX_BULK_DELETE, description="At most 500 ids")


class NotDeleted(ApiModel):
    id: str
    reason: Literal["not found", "processing", "malformed id"]


class BulkDeleteResult(ApiModel):
    deleted: list[str] = Field(description="The ids that were yours and are gone")
    not_deleted: list[NotDeleted] = Field(description="The others, each with why")


def bulk_delete(principal: Principal, ids: list[str]) -> BulkDeleteResult:
    """Delete the user's transactions among `ids` (an AI entry still processing stays); one answer for all:
    what is gone, and why each other id is not (malformed, not found — absent or not yours —, processing)."""
    unique = list(dict.fromkeys(ids))
    parsed = {value: object_id(value) for value in unique}
    oids = [oid for oid in parsed.values() if oid is not None]
    repository = TransactionRepository(get_database())
    states = repository.states(principal.user_id, oids)
    repository.delete_many_unless_processing(principal.user_id, [o for o, s in states.items() if s != "processing"])
    deleted, not_deleted, gone = [], [], []
    for value, oid in parsed.items():
        if oid is None:
            not_deleted.append(NotDeleted(id=value, reason="malformed id"))
        elif oid not in states:
            not_deleted.append(NotDeleted(id=value, reason="not found"))
        elif states[oid] == "processing":
            not_deleted.append(NotDeleted(id=value, reason="processing"))
        else:
            deleted.append(value)
            gone.append(str(oid))
    announce_deleted(principal.user_id, gone)
    return BulkDeleteResult(deleted=deleted, not_deleted=not_deleted)
