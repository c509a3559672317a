"""What every AI-backed step shares: the "could not answer" error and the fallback rule.

The AI worker asks Gemini (when a key is configured) to read an expense or to phrase a spending summary.
When Gemini cannot answer, the step either fails so SQS delivers the message again (rate limits,
outages), or, on the message's last delivery or when retrying cannot help, takes the offline answer.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from enum import StrEnum
from typing import TypeVar

from finsight.config import get_settings
from finsight.observability import logger

T = TypeVar("T")

OBJECT_ID_PATTERN = r"^[0-9a-f]{24}$"  # ids in queue messages


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
    """What the sweeper fails, for entries and summaries alike: jobs a worker first got before the first
    instant (AI_JOB_TIMEOUT_MINUTES ago: every delivery is over), and jobs no worker got, queued before the
    second (the queue's retention ago: the message expired). Jobs waiting behind a backlog are neither."""
    settings = get_settings()
    return (
        now - timedelta(minutes=settings.ai_job_timeout_minutes),
        now - timedelta(seconds=settings.ai_queue_retention_seconds),
    )
