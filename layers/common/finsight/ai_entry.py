"""Use case of the AI worker: turn a `processing` transaction's text into expenses, exactly once.

Safe to run again for the same job (SQS delivers at least once): extra expenses get ids derived from the
original transaction, and every write is conditional on the transaction still being `processing`.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any, Literal
from zoneinfo import ZoneInfo

from bson import ObjectId
from pydantic import BaseModel, Field

from finsight.ai import OBJECT_ID_PATTERN, JobOutcome, stale_cutoffs
from finsight.config import get_settings
from finsight.db import Document, get_database
from finsight.models.transactions import description_from
from finsight.money import to_minor_units
from finsight.parsing import ExpenseParser, ParsedExpense, UnparseableTextError
from finsight.parsing.offline import merchant_terms
from finsight.repos.category_memory import CategoryMemoryRepository
from finsight.repos.transactions import TransactionRepository
from finsight.repos.users import UserRepository, object_id

DEAD_LETTER_REASON = "We couldn't read this entry after several tries. Please add it again, or add it manually."
STALE_REASON = "Reading this entry took too long. Please add it again, or add it manually."


class ParseExpenseJob(BaseModel):
    """The SQS message body of an AI expense entry."""

    type: Literal["parse_expense"] = "parse_expense"
    transaction_id: str = Field(pattern=OBJECT_ID_PATTERN)
    user_id: str = Field(pattern=OBJECT_ID_PATTERN)


def extra_expense_id(transaction_id: ObjectId, delivery: str, index: int) -> ObjectId:
    """The id of the index-th extra expense a delivery of the entry read (each delivery has its own)."""
    return ObjectId(hashlib.sha256(f"{transaction_id}:{delivery}:{index}".encode()).hexdigest()[:24])


def _fields(expense: ParsedExpense, raw_text: str) -> Document:
    return {
        "amount_minor": to_minor_units(expense.amount),
        "currency": expense.currency,
        "category": expense.category.value,
        "description": description_from(expense.description) or description_from(raw_text),
        "date": expense.date.replace(microsecond=0),
    }


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
        return JobOutcome.SKIPPED
    user = UserRepository(database).get(job.user_id)
    settings = get_settings()
    zone = ZoneInfo(user.timezone if user else settings.default_timezone)
    currency = user.currency if user else settings.default_currency
    raw_text = doc.get("raw_text") or ""
    try:
        first, *extras = parser.parse(raw_text, currency=currency, zone=zone, now=moment)
    except UnparseableTextError as exc:
        changed = transactions.fail_processing(
            job.user_id, transaction_id, exc.reason, parsed_by=exc.parser or parser.name
        )
        if changed and doc.get("deliveries", 1) > 1:  # an earlier delivery may have left hidden expenses
            transactions.discard_hidden_except(job.user_id, transaction_id, keep=[])
        return JobOutcome.FAILED if changed else JobOutcome.SKIPPED
    first, *extras = _with_learned_categories(database, job.user_id, raw_text, [first, *extras])
    delivery = secrets.token_hex(8)
    extra_ids = [extra_expense_id(transaction_id, delivery, index) for index in range(1, len(extras) + 1)]
    transactions.insert_hidden(
        [
            {
                "_id": extra_id,
                "user_id": job.user_id,
                **_fields(expense, raw_text),
                "status": "completed",
                "mode": "ai",
                "raw_text": raw_text,
                "parsed_by": expense.parser or parser.name,
                "source_transaction_id": transaction_id,
                "created_at": moment,
                "updated_at": moment,
            }
            for extra_id, expense in zip(extra_ids, extras, strict=True)
        ],
        moment,
    )
    completed = transactions.finish_processing(
        job.user_id,
        transaction_id,
        {
            **_fields(first, raw_text),
            "status": "completed",
            "failure_reason": None,
            "parsed_by": first.parser or parser.name,
            "transaction_ids": [str(transaction_id), *(str(extra_id) for extra_id in extra_ids)],
        },
    )
    if not completed:  # another delivery, the sweeper or the dead-letter queue ended the entry first
        transactions.discard_hidden(job.user_id, extra_ids)
        return JobOutcome.SKIPPED
    transactions.reveal(job.user_id, extra_ids)
    if doc.get("deliveries", 1) > 1:  # what earlier or concurrent deliveries of this entry left hidden
        transactions.discard_hidden_except(job.user_id, transaction_id, keep=extra_ids)
    return JobOutcome.COMPLETED


def _with_learned_categories(
    database: Any, user_id: str, raw_text: str, expenses: list[ParsedExpense]
) -> list[ParsedExpense]:
    """Categories the user taught by editing win over any parser's guess (one lookup for the message)."""
    terms_of = [merchant_terms(expense.description) for expense in expenses]
    if len(expenses) == 1:
        terms_of[0] = terms_of[0] + merchant_terms(raw_text)
    learned = CategoryMemoryRepository(database).recall(user_id, sorted({t for terms in terms_of for t in terms}))
    if not learned:
        return expenses
    result = []
    for expense, terms in zip(expenses, terms_of, strict=True):
        remembered = next((learned[term] for term in terms if term in learned), None)
        result.append(replace(expense, category=remembered) if remembered else expense)
    return result


def fail_dead_letter(job: ParseExpenseJob) -> JobOutcome:
    """A job SQS gave up on (it reached the dead-letter queue): its transaction ends failed."""
    transaction_id = object_id(job.transaction_id)
    if transaction_id is None:
        return JobOutcome.SKIPPED
    changed = TransactionRepository(get_database()).fail_processing(job.user_id, transaction_id, DEAD_LETTER_REASON)
    return JobOutcome.FAILED if changed else JobOutcome.SKIPPED


def sweep_stale_jobs(*, now: datetime | None = None) -> int:
    """Fail every AI entry still processing AI_JOB_TIMEOUT_MINUTES after a worker first got it, or never got
    within the queue's retention (its message expired). An entry waiting behind a backlog is not failed.
    Hidden expenses of deliveries that never completed their entry are removed."""
    delivered_before, queued_before = stale_cutoffs(now or datetime.now(UTC))
    transactions = TransactionRepository(get_database())
    transactions.delete_hidden_before(delivered_before)
    return transactions.fail_stale_processing(
        delivered_before=delivered_before, queued_before=queued_before, reason=STALE_REASON
    )
