"""One registry of the job types on the AI queue, read by the worker, the dead-letter consumer and the sweeper.

Each domain's worker module declares its job type: the message model (told apart by its `type`), how a
delivery is applied, how it ends when SQS gives up (dead-letter queue), and how stale ones are failed.
"""

from __future__ import annotations

from datetime import UTC, datetime
from functools import reduce
from operator import or_
from typing import Annotated, Any

from pydantic import Discriminator, Tag, TypeAdapter

from finsight.ai_entry.worker import PARSE_EXPENSE
from finsight.chat.worker import CHAT_MESSAGE
from finsight.imports.ai_categories import CATEGORISE_IMPORT
from finsight.insights.worker import SPENDING_SUMMARY
from finsight.jobs.lifecycle import JobMessage, JobOutcome, JobType

JOB_TYPES: tuple[JobType[Any], ...] = (PARSE_EXPENSE, SPENDING_SUMMARY, CHAT_MESSAGE, CATEGORISE_IMPORT)
LEGACY_TYPE = PARSE_EXPENSE.tag  # messages queued before summaries existed carry no `type`
_BY_MESSAGE = {job_type.message: job_type for job_type in JOB_TYPES}


def _tag(value: Any) -> Any:
    return value.get("type", LEGACY_TYPE) if isinstance(value, dict) else getattr(value, "type", None)


# The messages' union, built from the registry (a type only known at run time).
_JOB_MESSAGE: Any = Annotated[reduce(or_, (Annotated[t.message, Tag(t.tag)] for t in JOB_TYPES)), Discriminator(_tag)]
_ANY_JOB: TypeAdapter[JobMessage] = TypeAdapter(_JOB_MESSAGE)


def read_job(body: str) -> tuple[JobType[Any], JobMessage]:
    """The job an SQS message body holds, with its type (raises pydantic's ValidationError for anything else)."""
    job = _ANY_JOB.validate_json(body)
    return _BY_MESSAGE[type(job)], job


def fail_dead_job(job: JobMessage) -> JobOutcome:
    """A job SQS gave up on: its entry or summary ends failed, with a reason for the user."""
    return _BY_MESSAGE[type(job)].dead_letter(job)


def sweep_stale(*, now: datetime | None = None) -> dict[str, int]:
    """Fail every job still running after AI_JOB_TIMEOUT_MINUTES; how many in all and of each type."""
    moment = now or datetime.now(UTC)
    counts = {job_type.plural: job_type.sweep(now=moment) for job_type in JOB_TYPES}
    return {"failed": sum(counts.values()), **counts}
