"""Splitting a transaction into parts, each in its own category ("groceries 1200 and a phone charger 900" paid
as one), and undoing it.

The parts are transactions of their own (`split_of` names the original), so every reader — the list, the
month summary, history, budgets, exports, alerts — counts each part in its category with no special case. The
original is kept, hidden like an AI entry's pending expenses (its `user_id` becomes `split:<user>`, which no
reader asks for), so undoing the split restores it exactly. Concurrent splits of one transaction split it once
(the original is claimed with one conditional update); a split that cannot store its parts is undone.
"""

from __future__ import annotations

import secrets
from datetime import UTC, datetime
from typing import Any

from pydantic import Field
from pymongo import ReturnDocument
from pymongo.errors import PyMongoError

from finsight.accounts.principal import Principal
from finsight.categories.refs import CategoryRef
from finsight.categories.repository import catalogue_of, file_under
from finsight.events.models import EventType, new_event
from finsight.events.outbox import record
from finsight.platform.db import Document, get_database
from finsight.platform.errors import BadRequestError, ConflictError, ResourceNotFoundError
from finsight.platform.ids import ApiModel, derived_object_id
from finsight.platform.money import to_minor_units
from finsight.transactions.documents import to_transaction
from finsight.transactions.events import announce_created, announce_deleted, transaction_data
from finsight.transactions.models import Amount, Description, Transaction
from finsight.transactions.reads import transaction_object_id
from finsight.transactions.repository import split_owner

MAX_SPLIT_PARTS = 20


class SplitPart(ApiModel):
    amount: Amount
    category: CategoryRef
    description: Description | None = Field(default=None, description="Defaults to the transaction's")


class SplitRequest(ApiModel):
    """The parts, whose amounts add up exactly to the transaction's."""

    parts: list[SplitPart] = Field(min_length=2, max_length=MAX_SPLIT_PARTS)


class SplitResult(ApiModel):
    split_of: str = Field(description="The transaction that was split (DELETE .../split with it to undo)")
    parts: list[Transaction]


class SplitSumError(BadRequestError):
    pass


class NotSplittableError(ConflictError):
    default_message = "Only a completed transaction that is not a part of a split can be split."


class NotSplitError(ResourceNotFoundError):
    default_message = "No split transaction with this id."


def split_transaction(principal: Principal, transaction_id: str, request: SplitRequest) -> SplitResult:
    oid = transaction_object_id(transaction_id)
    transactions = get_database()["transactions"]
    original = transactions.find_one({"_id": oid, "user_id": principal.user_id})
    if original is None:
        raise ResourceNotFoundError("Transaction not found.")
    if original.get("status") != "completed" or original.get("split_of"):
        raise NotSplittableError()
    catalogue = catalogue_of(get_database(), principal.user_id)
    categories = [
        file_under(catalogue, part.category, f"parts.{index}.category") for index, part in enumerate(request.parts)
    ]
    total = sum(to_minor_units(part.amount) for part in request.parts)
    if total != original["amount_minor"]:
        raise SplitSumError(
            f"Invalid request: parts: they add up to {total / 100:.2f}, "
            f"the transaction is {original['amount_minor'] / 100:.2f}."
        )
    now = datetime.now(UTC)
    nonce = secrets.token_hex(8)
    claimed = transactions.find_one_and_update(
        {
            "_id": oid,
            "user_id": principal.user_id,
            "status": "completed",
            "split_of": {"$exists": False},
            "amount_minor": original["amount_minor"],  # unchanged since the sum was checked
        },
        {"$set": {"user_id": split_owner(principal.user_id), "split_at": now, "split_id": nonce}},
        return_document=ReturnDocument.AFTER,
    )
    if claimed is None:  # processing, failed, a part itself, edited or split by a concurrent request just now
        raise NotSplittableError()
    original = claimed  # the parts are made from the transaction as claimed
    parts = [
        {
            "_id": derived_object_id(f"split:{oid}:{nonce}:{index}"),
            "user_id": principal.user_id,
            "amount_minor": to_minor_units(part.amount),
            "currency": original["currency"],
            "category": category,
            "description": part.description or original.get("description") or category,
            "date": original["date"],
            "status": "completed",
            "mode": original.get("mode", "manual"),
            "split_of": oid,
            "split_id": nonce,
            **{key: original[key] for key in ("tags", "source", "import_id") if original.get(key)},
            "created_at": now,
            "updated_at": now,
        }
        for index, (part, category) in enumerate(zip(request.parts, categories, strict=True))
    ]
    try:
        transactions.insert_many(parts)
    except PyMongoError:
        transactions.delete_many({"split_of": oid, "split_id": nonce, "user_id": principal.user_id})
        transactions.update_one(
            {"_id": oid, "split_id": nonce},
            {"$set": {"user_id": principal.user_id}, "$unset": {"split_at": "", "split_id": ""}},
        )
        raise
    if transactions.count_documents({"_id": oid, "user_id": split_owner(principal.user_id), "split_id": nonce}) == 0:
        # undone while the parts were written: they go again, the original stays as the undo left it
        transactions.delete_many({"split_of": oid, "split_id": nonce, "user_id": principal.user_id})
        raise NotSplittableError()
    announce_deleted(principal.user_id, [str(oid)], once_key=nonce)
    announce_created(parts)
    return SplitResult(split_of=str(oid), parts=[to_transaction(part) for part in parts])


def _remove_parts(transactions: Any, user_id: str, parts_query: Document) -> None:
    """Delete the parts `parts_query` finds, and announce each as deleted."""
    parts = [str(doc["_id"]) for doc in transactions.find(parts_query, {"_id": 1})]
    transactions.delete_many(parts_query)
    announce_deleted(user_id, parts)


def _finish_undo(transactions: Any, principal: Principal, oid: Any) -> Document:
    """An undo asked again after one that restored the original and stopped before removing its parts: the original
    is back (not hidden), so parts still naming it are that undo's (a new split hides the original before it writes
    any part): they go now. Anything else is a 404."""
    original = transactions.find_one({"_id": oid, "user_id": principal.user_id})
    stale = {"split_of": oid, "user_id": principal.user_id}
    if original is None or original.get("split_id") or not transactions.count_documents(stale, limit=1):
        raise NotSplitError()
    _remove_parts(transactions, principal.user_id, stale)
    return dict(original)


def unsplit_transaction(principal: Principal, transaction_id: str) -> Document:
    """Undo a split: the parts go (whatever was edited in them), the original comes back as it was."""
    oid = transaction_object_id(transaction_id)
    transactions = get_database()["transactions"]
    hidden = transactions.find_one({"_id": oid, "user_id": split_owner(principal.user_id)}, {"split_id": 1})
    if hidden is None:
        return _finish_undo(transactions, principal, oid)
    split_id = hidden.get("split_id")
    # The original comes back first, only if it is still this split's; then this split's parts go (only its own:
    # a later split of the original has its own id). In the other order, a split racing this undo could claim
    # the original and write its parts between the two steps, and be shown beside the restored original. Never
    # a query on a missing split id: it would match every transaction without one.
    restored = transactions.find_one_and_update(
        {"_id": oid, "user_id": split_owner(principal.user_id), "split_id": split_id},  # None: matches a missing one
        {
            "$set": {"user_id": principal.user_id, "updated_at": datetime.now(UTC)},
            "$unset": {"split_at": "", "split_id": ""},
        },
        return_document=ReturnDocument.AFTER,
    )
    if restored is None:  # another undo won
        raise NotSplitError()
    own_parts = {"split_of": oid, "user_id": principal.user_id, "split_id": split_id or {"$exists": False}}
    _remove_parts(transactions, principal.user_id, own_parts)
    record([new_event(EventType.TRANSACTION_CREATED, principal.user_id, transaction_data(restored))])
    return restored
