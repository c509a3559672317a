"""The worker side of AI entry: turn a `processing` transaction's text into expenses, exactly once.

Safe to run again for the same job (SQS delivers at least once): extra expenses get ids derived from the
original transaction, and every write is conditional on the transaction still being `processing`.
"""

from __future__ import annotations

import secrets
from dataclasses import replace
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from bson import ObjectId

from finsight.accounts.users import UserRepository
from finsight.ai_entry.job import ParseExpenseJob, fail_dead_letter, sweep_stale_jobs
from finsight.ai_entry.memory import with_learned_categories
from finsight.ai_entry.parsing import ExpenseParser, ParsedExpense, UnparseableTextError
from finsight.categories.catalogue import Catalogue
from finsight.categories.repository import catalogue_of
from finsight.jobs.lifecycle import Delivery, JobOutcome, JobType
from finsight.platform.config import get_settings
from finsight.platform.db import Document, get_database
from finsight.platform.ids import derived_object_id, object_id
from finsight.platform.money import to_minor_units
from finsight.rules.engine import file_by_rules
from finsight.transactions.events import announce_created
from finsight.transactions.models import description_from
from finsight.transactions.repository import TransactionRepository


def extra_expense_id(transaction_id: ObjectId, delivery: str, index: int) -> ObjectId:
    """The id of the index-th extra expense a delivery of the entry read (each delivery has its own)."""
    return derived_object_id(f"{transaction_id}:{delivery}:{index}")


def _fields(expense: ParsedExpense, raw_text: str) -> Document:
    return {
        "amount_minor": to_minor_units(expense.amount),
        "currency": expense.currency,
        "category": expense.category,
        "description": description_from(expense.description) or description_from(raw_text),
        "date": expense.date.replace(microsecond=0),
    }


def _rows(
    expenses: list[ParsedExpense], raw_text: str, catalogue: Catalogue, transaction_id: ObjectId, delivery: str
) -> tuple[list[tuple[Document, str]], list[Document]]:
    """The transactions to store (fields, parsed by), in order, and the originals of the splits among them: an
    expense the parser split ("groceries and a charger 1200 at Walmart, 900 food") is its parts, each a
    transaction of its own, and its whole, kept hidden as a split's original (DELETE .../split undoes it)."""
    rows: list[tuple[Document, str]] = []
    originals: list[Document] = []
    for index, expense in enumerate(expenses):
        whole = _fields(expense, raw_text)
        if not expense.parts:
            rows.append((whole, expense.parser))
            continue
        original_id = derived_object_id(f"{transaction_id}:{delivery}:whole:{index}")
        originals.append({"_id": original_id, **whole, "parsed_by": expense.parser, "split_id": delivery})
        for part in expense.parts:
            share = {
                "amount_minor": to_minor_units(part.amount),
                "category": catalogue.file_guess(part.category, part.description, by_name=False),
                "description": description_from(part.description) or whole["description"],
            }
            rows.append(({**whole, **share, "split_of": original_id, "split_id": delivery}, expense.parser))
    return rows, originals


def _announce_completed(transactions: TransactionRepository, user_id: str, transaction_id: ObjectId) -> None:
    """The entry's transaction.created events, once it has completed (with every expense it made)."""
    doc = transactions.get(user_id, transaction_id, projection={"status": 1, "transaction_ids": 1})
    if doc is not None and doc.get("status") == "completed":
        ids = [oid for value in doc.get("transaction_ids") or [str(transaction_id)] if (oid := object_id(value))]
        announce_created(transactions.get_many(user_id, ids))


def apply_parse_job(job: ParseExpenseJob, parser: ExpenseParser, *, now: datetime | None = None) -> JobOutcome:
    """Parse the transaction's text and store the result.

    A message with several expenses fills the original transaction with the first; the others are stored
    hidden, and shown only once the original has completed, so an entry's expenses are seen together or
    not at all: if the sweeper or the dead-letter queue failed the entry meanwhile, or another delivery
    completed it, they are discarded, and a redelivery leaves exactly the expenses of the reading it
    completed with. Unreadable text ends `failed` with a reason for the user. Database errors propagate, so
    the message returns to the queue and is retried.
    """
    database = get_database()
    transactions = TransactionRepository(database)
    transaction_id = object_id(job.transaction_id)
    if transaction_id is None:
        return JobOutcome.SKIPPED
    moment = now or datetime.now(UTC)
    doc = transactions.take_for_delivery(job.user_id, transaction_id, moment)
    if doc is None:  # finished already: show what a delivery cut short after completing it had not shown
        transactions.reveal_completed(job.user_id, transaction_id)
        _announce_completed(transactions, job.user_id, transaction_id)  # (again harmless: the ids are derived)
        return JobOutcome.SKIPPED
    user = UserRepository(database).get(job.user_id)
    settings = get_settings()
    zone = ZoneInfo(user.timezone if user else settings.default_timezone)
    currency = user.currency if user else settings.default_currency
    raw_text = doc.get("raw_text") or ""
    catalogue = catalogue_of(database, job.user_id)
    try:
        first, *extras = parser.parse(raw_text, currency=currency, zone=zone, now=moment, categories=catalogue.names())
    except UnparseableTextError as exc:
        changed = transactions.fail_processing(
            job.user_id, transaction_id, exc.reason, parsed_by=exc.parser or parser.name
        )
        if changed and doc.get("deliveries", 1) > 1:  # an earlier delivery may have left hidden expenses
            transactions.discard_hidden_except(job.user_id, transaction_id, keep=[])
        return JobOutcome.FAILED if changed else JobOutcome.SKIPPED
    # The user's categories: the guess as they have it (their own by name, a default renamed or hidden), then
    # what they taught by re-filing, then their rules.
    filed = [
        replace(
            e, category=catalogue.file_guess(e.category, e.description, by_name=(e.parser or parser.name) != "gemini")
        )
        for e in (first, *extras)
    ]
    expenses = with_learned_categories(database, job.user_id, raw_text, filed)
    delivery = secrets.token_hex(8)
    rows, originals = _rows(expenses, raw_text, catalogue, transaction_id, delivery)
    file_by_rules(database, job.user_id, [fields for fields, _ in rows])  # the user's rules: last
    extra_ids = [extra_expense_id(transaction_id, delivery, index) for index in range(1, len(rows))]
    common = {
        "user_id": job.user_id,
        "status": "completed",
        "mode": "ai",
        "raw_text": raw_text,
        "source_transaction_id": transaction_id,
        **({"source": doc["source"]} if doc.get("source") else {}),  # a chat entry's expenses all say so
        "created_at": moment,
        "updated_at": moment,
    }
    transactions.insert_hidden(
        [
            {"_id": extra_id, **common, **extra_fields, "parsed_by": parsed_by or parser.name}
            for extra_id, (extra_fields, parsed_by) in zip(extra_ids, rows[1:], strict=True)
        ]
        + [{**common, **original, "parsed_by": original.get("parsed_by") or parser.name} for original in originals],
        moment,
    )
    first_fields, first_parser = rows[0]
    completed = transactions.finish_processing(
        job.user_id,
        transaction_id,
        {
            **first_fields,
            "status": "completed",
            "failure_reason": None,
            "parsed_by": first_parser or parser.name,
            "transaction_ids": [str(transaction_id), *(str(extra_id) for extra_id in extra_ids)],
            **({"split_originals": [o["_id"] for o in originals]} if originals else {}),
        },
    )
    if not completed:  # another delivery, the sweeper or the dead-letter queue ended the entry first
        transactions.discard_hidden(job.user_id, [*extra_ids, *(o["_id"] for o in originals)])
        return JobOutcome.SKIPPED
    transactions.reveal(job.user_id, extra_ids)
    transactions.keep_as_split_originals(job.user_id, [o["_id"] for o in originals])
    if doc.get("deliveries", 1) > 1:  # what earlier or concurrent deliveries of this entry left hidden
        transactions.discard_hidden_except(job.user_id, transaction_id, keep=extra_ids)
    _announce_completed(transactions, job.user_id, transaction_id)
    return JobOutcome.COMPLETED


def _apply(job: ParseExpenseJob, delivery: Delivery) -> JobOutcome:
    return apply_parse_job(job, delivery.models.expense_parser(final_attempt=delivery.final_attempt))


PARSE_EXPENSE = JobType(
    tag="parse_expense",
    message=ParseExpenseJob,
    metric="AiEntry",
    plural="entries",
    apply=_apply,
    dead_letter=fail_dead_letter,
    sweep=sweep_stale_jobs,
)
