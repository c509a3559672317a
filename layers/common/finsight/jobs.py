"""The messages on the AI work queue and what happens to them when SQS gives up or they go stale.

Two job types share the queue and the worker, told apart by `type`: an AI expense entry
(`parse_expense`) and a spending summary (`spending_summary`).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from pydantic import Discriminator, Tag, TypeAdapter

from finsight.ai import JobOutcome
from finsight.ai_entry import ParseExpenseJob, fail_dead_letter, sweep_stale_jobs
from finsight.insights import SummaryJob, fail_dead_letter_summary, sweep_stale_summaries


def _job_type(value: Any) -> Any:
    # Messages queued before summaries existed carry no `type`: they are expense entries.
    return value.get("type", "parse_expense") if isinstance(value, dict) else getattr(value, "type", None)


AiJob = Annotated[
    Annotated[ParseExpenseJob, Tag("parse_expense")] | Annotated[SummaryJob, Tag("spending_summary")],
    Discriminator(_job_type),
]
_AI_JOB: TypeAdapter[ParseExpenseJob | SummaryJob] = TypeAdapter(AiJob)


def read_job(body: str) -> ParseExpenseJob | SummaryJob:
    """The job an SQS message body holds (raises pydantic's ValidationError for anything else)."""
    return _AI_JOB.validate_json(body)


def fail_dead_job(job: ParseExpenseJob | SummaryJob) -> JobOutcome:
    """A job SQS gave up on: its entry or summary ends failed, with a reason for the user."""
    if isinstance(job, SummaryJob):
        return fail_dead_letter_summary(job)
    return fail_dead_letter(job)


def sweep_stale(*, now: datetime | None = None) -> dict[str, int]:
    """Fail entries and summaries still running after AI_JOB_TIMEOUT_MINUTES; how many of each."""
    moment = now or datetime.now(UTC)
    entries = sweep_stale_jobs(now=moment)
    summaries = sweep_stale_summaries(now=moment)
    return {"failed": entries + summaries, "entries": entries, "summaries": summaries}
