"""An AI expense entry as a job: its queue message, and how it ends when it cannot complete.

An entry is `processing` from the request until the worker reads it (`completed`, with every expense its
text held) or it ends `failed` with one of these reasons: the queue did not take it, the text could not be
read, SQS gave up on it (dead-letter queue), or it ran too long (the sweeper).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Literal

from pydantic import Field

from finsight.jobs.lifecycle import JobMessage, JobOutcome, stale_cutoffs
from finsight.platform.db import get_database
from finsight.platform.ids import OBJECT_ID_PATTERN, object_id
from finsight.transactions.repository import TransactionRepository

QUEUE_FAILURE_REASON = "We couldn't start reading this entry. Please try again."
DEAD_LETTER_REASON = "We couldn't read this entry after several tries. Please add it again, or add it manually."
STALE_REASON = "Reading this entry took too long. Please add it again, or add it manually."


class ParseExpenseJob(JobMessage):
    """The SQS message body of an AI expense entry."""

    type: Literal["parse_expense"] = "parse_expense"
    transaction_id: str = Field(pattern=OBJECT_ID_PATTERN)


def fail_dead_letter(job: ParseExpenseJob) -> JobOutcome:
    """A job SQS gave up on (it reached the dead-letter queue): its transaction ends failed."""
    transaction_id = object_id(job.transaction_id)
    if transaction_id is None:
        return JobOutcome.SKIPPED
    transactions = TransactionRepository(get_database())
    changed = transactions.fail_processing(job.user_id, transaction_id, DEAD_LETTER_REASON)
    if not changed:  # completed by a delivery that died before showing all it made: show it now
        transactions.reveal_completed(job.user_id, transaction_id)
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
