"""The domain events of transactions: created (once per transaction, whichever path made it), updated, deleted
(once per transaction). Recorded in the outbox after the write (finsight.events.outbox)."""

from __future__ import annotations

from collections.abc import Iterable

from finsight.events.models import DomainEvent, EventType, new_event
from finsight.events.outbox import record
from finsight.platform.db import Document
from finsight.transactions.documents import to_transaction


def transaction_data(doc: Document) -> dict[str, object]:
    data: dict[str, object] = to_transaction(doc).model_dump(mode="json", by_alias=True)
    for extra in ("source", "recurring_id", "import_id"):
        if doc.get(extra):
            data[extra] = str(doc[extra])
    return data


def created_event(doc: Document) -> DomainEvent:
    return new_event(EventType.TRANSACTION_CREATED, doc["user_id"], transaction_data(doc), once_key=str(doc["_id"]))


def announce_created(docs: Iterable[Document]) -> None:
    record(created_event(doc) for doc in docs)


def announce_updated(docs: Iterable[Document]) -> None:
    record(new_event(EventType.TRANSACTION_UPDATED, doc["user_id"], transaction_data(doc)) for doc in docs)


def announce_deleted(user_id: str, transaction_ids: Iterable[str], *, once_key: str = "") -> None:
    """Once per transaction (and `once_key`: a split original can be deleted from view again after an undo)."""
    record(
        new_event(EventType.TRANSACTION_DELETED, user_id, {"_id": value}, once_key=f"{value}{once_key}")
        for value in transaction_ids
    )
