"""A spending summary as a job: its queue message, and how it ends when it cannot complete.

A summary is `pending` from the request, `processing` once a worker claims it, then `completed`, or
`failed` with one of these reasons: the queue did not take it, SQS gave up on it (dead-letter queue), or it
ran too long (the sweeper). One runs per user at a time; a result is kept for a day.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Literal

from pydantic import Field

from finsight.insights.repository import SummaryJobRepository
from finsight.jobs.lifecycle import JobMessage, JobOutcome, stale_cutoffs
from finsight.platform.db import get_database
from finsight.platform.ids import OBJECT_ID_PATTERN, object_id

RESULT_TTL = timedelta(days=1)
QUEUE_FAILURE_REASON = "We couldn't start preparing this summary. Please ask again."
DEAD_LETTER_REASON = "We couldn't prepare this summary after several tries. Please ask again later."
STALE_REASON = "Preparing this summary took too long. Please ask again."


class SummaryJob(JobMessage):
    """The SQS message body of a spending summary."""

    type: Literal["spending_summary"] = "spending_summary"
    job_id: str = Field(pattern=OBJECT_ID_PATTERN)


def fail_dead_letter_summary(job: SummaryJob) -> JobOutcome:
    """A summary SQS gave up on ends failed (and frees the user to ask again)."""
    job_id = object_id(job.job_id)
    if job_id is None or not SummaryJobRepository(get_database()).fail(job.user_id, job_id, DEAD_LETTER_REASON):
        return JobOutcome.SKIPPED
    return JobOutcome.FAILED


def sweep_stale_summaries(*, now: datetime | None = None) -> int:
    """Fail every summary still running AI_JOB_TIMEOUT_MINUTES after a worker first claimed it, or never
    claimed within the queue's retention."""
    claimed_before, queued_before = stale_cutoffs(now or datetime.now(UTC))
    return SummaryJobRepository(get_database()).fail_stale(
        claimed_before=claimed_before, queued_before=queued_before, reason=STALE_REASON
    )
