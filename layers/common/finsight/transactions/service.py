"""Writing the caller's transactions: add, edit, delete (reads: `reads`, `listing`; many at once: `bulk`).

Every write is scoped to the caller: another user's transaction is "not found", exactly like one that does not
exist.
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from finsight.accounts.principal import Principal
from finsight.categories.repository import catalogue_of, file_under
from finsight.platform.db import Document, get_database
from finsight.platform.errors import BadRequestError, ConflictError
from finsight.platform.money import to_minor_units
from finsight.platform.timeutil import parse_date_or_datetime
from finsight.rules.engine import file_by_rules
from finsight.transactions.documents import to_transaction
from finsight.transactions.events import announce_created, announce_deleted, announce_updated
from finsight.transactions.models import Transaction
from finsight.transactions.reads import TransactionNotFoundError, transaction_object_id
from finsight.transactions.repository import TransactionRepository
from finsight.transactions.requests import CreateManualTransactionRequest, UpdateTransactionRequest

EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)
FUTURE_ALLOWANCE = timedelta(days=1)


class TransactionBusyError(ConflictError):
    default_message = "This transaction is still being processed. Try again in a moment."


class TransactionNotEditableError(ConflictError):
    default_message = "Only completed transactions can be edited. Delete this one and add it again."


def _expense_date(value: str | None, zone: ZoneInfo, now: datetime) -> datetime:
    """When the expense happened: now by default; a bare date is noon of that local day."""
    if value is None:
        return now.replace(microsecond=0)
    parsed = parse_date_or_datetime(value)
    moment = parsed if isinstance(parsed, datetime) else datetime.combine(parsed, time(12), zone)
    moment = moment.astimezone(UTC).replace(microsecond=0)
    if moment < EARLIEST:
        raise BadRequestError("Invalid request: date: must be in 2000 or later.")
    if moment > now + FUTURE_ALLOWANCE:
        raise BadRequestError("Invalid request: date: cannot be in the future.")
    return moment


def create_manual(principal: Principal, request: CreateManualTransactionRequest) -> Transaction:
    now = datetime.now(UTC)
    database = get_database()
    doc: Document = {
        "user_id": principal.user_id,
        "amount_minor": to_minor_units(request.amount),
        "currency": request.currency or principal.preferences.currency,
        "category": file_under(catalogue_of(database, principal.user_id), request.category),
        "description": request.description,
        "date": _expense_date(request.date, principal.zone, now),
        "status": "completed",
        "mode": "manual",
        **({"tags": request.tags} if request.tags else {}),
        **({"notes": request.notes} if request.notes else {}),
        "created_at": now,
        "updated_at": now,
    }
    file_by_rules(database, principal.user_id, [doc])
    stored = TransactionRepository(database).insert(doc)
    announce_created([stored])
    return to_transaction(stored)


def update_transaction(principal: Principal, transaction_id: str, request: UpdateTransactionRequest) -> Transaction:
    oid = transaction_object_id(transaction_id)
    database = get_database()
    changes: Document = {}
    if request.amount is not None:
        changes["amount_minor"] = to_minor_units(request.amount)
    if request.category is not None:
        changes["category"] = file_under(catalogue_of(database, principal.user_id), request.category)
        changes["category_source"] = "user"  # what the user filed, nothing re-files (imports.ai_categories)
    if request.description is not None:
        changes["description"] = request.description
    if request.date is not None:
        changes["date"] = _expense_date(request.date, principal.zone, datetime.now(UTC))
    if request.tags is not None:
        changes["tags"] = request.tags
    if request.notes is not None:
        changes["notes"] = request.notes or None
    repository = TransactionRepository(database)
    doc = repository.update_completed(principal.user_id, oid, changes)
    if doc is not None:
        if request.category is not None:
            # The lexicon is compiled on the first correction, not when the function starts.
            from finsight.ai_entry.memory import learn_correction  # noqa: PLC0415

            learn_correction(database, principal.user_id, doc.get("description") or "", changes["category"])
        announce_updated([doc])
        return to_transaction(doc)
    current = repository.get(principal.user_id, oid, projection={"status": 1})
    if current is None:
        raise TransactionNotFoundError()
    raise TransactionBusyError() if current["status"] == "processing" else TransactionNotEditableError()


def delete_transaction(principal: Principal, transaction_id: str) -> None:
    oid = transaction_object_id(transaction_id)
    repository = TransactionRepository(get_database())
    if repository.delete_unless_processing(principal.user_id, oid):
        announce_deleted(principal.user_id, [str(oid)])
        return
    if repository.get(principal.user_id, oid, projection={"_id": 1}) is None:
        raise TransactionNotFoundError()
    raise TransactionBusyError()
