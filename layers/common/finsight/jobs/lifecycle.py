"""How a queued job lives and ends: what a job type declares, its outcomes, the retry-or-fallback rule of
AI steps, and when a job counts as stale.

The AI worker asks Gemini (when a key is configured) to read an expense or to phrase a spending summary.
When Gemini cannot answer, the step either fails so SQS delivers the message again (rate limits,
outages), or, on the message's last delivery or when retrying cannot help, takes the offline answer.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from enum import StrEnum
from typing import TYPE_CHECKING, Generic, NamedTuple, Protocol, TypeVar

from pydantic import BaseModel, Field

from finsight.jobs.settings import ai_settings
from finsight.platform.ids import OBJECT_ID_PATTERN
from finsight.platform.observability import logger

if TYPE_CHECKING:
    from finsight.ai_entry.parsing import ExpenseParser
    from finsight.imports.ai_categories import Categoriser
    from finsight.insights.phrasing import SummaryWriter

T = TypeVar("T")


class JobOutcome(StrEnum):
    """What the worker did with a queued job."""

    COMPLETED = "completed"
    FAILED = "failed"
    SKIPPED = "skipped"  # already finished (a duplicate delivery) or deleted meanwhile


class AiUnavailableError(Exception):
    """The model could not answer. `retryable`: a later try may work (rate limit, 5xx, timeout);
    otherwise its answers for this input are unusable (refused, blocked, malformed)."""

    def __init__(self, message: str, *, retryable: bool) -> None:
        super().__init__(message)
        self.retryable = retryable


def with_fallback(
    primary: Callable[[], T], fallback: Callable[[], T], *, final_attempt: bool, names: tuple[str, str]
) -> T:
    """`primary()`, or `fallback()` when it cannot answer - unless the failure is worth a retry and this
    is not the last delivery, in which case the error goes up so SQS tries again."""
    try:
        return primary()
    except AiUnavailableError as exc:
        if exc.retryable and not final_attempt:
            raise
        logger.warning(
            "AI step unavailable; using the fallback",
            extra={"primary": names[0], "fallback": names[1], "retryable": exc.retryable},
        )
        return fallback()


def stale_cutoffs(now: datetime) -> tuple[datetime, datetime]:
    """What the sweeper fails, for every job type alike: jobs a worker first got before the first instant
    (AI_JOB_TIMEOUT_MINUTES ago: every delivery is over), and jobs no worker got, queued before the second
    (the queue's retention ago: the message expired). Jobs waiting behind a backlog are neither."""
    settings = ai_settings()
    return (
        now - timedelta(minutes=settings.ai_job_timeout_minutes),
        now - timedelta(seconds=settings.ai_queue_retention_seconds),
    )


class JobMessage(BaseModel):
    """The body of a queue message: every job is one user's; each type adds its `type` tag and its object's id."""

    user_id: str = Field(pattern=OBJECT_ID_PATTERN)


J = TypeVar("J", bound=JobMessage)


class Sweep(Protocol):
    def __call__(self, *, now: datetime | None = None) -> int:
        """Fail the type's jobs still running too long (`stale_cutoffs`); how many."""
        ...


class AiModels(Protocol):
    """The AI a delivery may use (Gemini with its fallbacks, or the offline parser and templates alone)."""

    def expense_parser(self, *, final_attempt: bool) -> ExpenseParser: ...

    def summary_writer(self) -> SummaryWriter | None: ...

    def categoriser(self) -> Categoriser | None: ...


class Delivery(NamedTuple):
    """One delivery of a message: whether SQS will deliver it again, and the AI it may use."""

    final_attempt: bool
    models: AiModels


class JobType(NamedTuple, Generic[J]):
    """What a job type declares to the registry (each domain's worker module declares its own)."""

    tag: str  # the message's `type`
    message: type[J]
    metric: str  # the worker's metric prefix: <metric>Completed / Failed / Skipped
    plural: str  # how the sweeper counts them
    apply: Callable[[J, Delivery], JobOutcome]
    dead_letter: Callable[[J], JobOutcome]
    sweep: Sweep
