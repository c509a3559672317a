"""The HTTP side of spending summaries: ask for one (a job on the queue), read it back by its task id."""

from __future__ import annotations

from datetime import UTC, datetime

from finsight.accounts.principal import Principal
from finsight.insights.job import QUEUE_FAILURE_REASON, RESULT_TTL, SummaryJob
from finsight.insights.models import SpendingFacts, SummaryResult, SummaryTask
from finsight.insights.repository import SummaryJobRepository
from finsight.jobs.settings import ai_settings
from finsight.platform import queue
from finsight.platform.db import get_database
from finsight.platform.errors import RateLimitedError, ResourceNotFoundError, ServiceUnavailableError
from finsight.platform.ids import required_object_id
from finsight.platform.limits import admit_ai_request, forget
from finsight.platform.timeutil import iso_utc

RETRY_AFTER_SECONDS = 5


class SummaryInProgressError(RateLimitedError):
    default_message = "Your previous summary is still being prepared. Read it with its task_id, then ask again."


class SummaryNotFoundError(ResourceNotFoundError):
    default_message = "Summary not found. Summaries are kept for a day."


class SummaryQueueUnavailableError(ServiceUnavailableError):
    default_message = "Summaries are temporarily unavailable. Please try again shortly."


def request_summary(principal: Principal) -> SummaryTask:
    """Create a pending job owned by the caller and queue it; 429 while another of theirs is running."""
    attempt = admit_ai_request(principal.user_id, ai_settings().ai_requests_per_user_per_hour)
    now = datetime.now(UTC).replace(microsecond=0)
    repository = SummaryJobRepository(get_database())
    doc = repository.insert_pending(
        {"user_id": principal.user_id, "created_at": now, "updated_at": now, "expires_at": now + RESULT_TTL}
    )
    if doc is None:
        forget(attempt)  # refused: it queued nothing
        running = repository.running_of(principal.user_id)
        raise SummaryInProgressError(
            retry_after_seconds=RETRY_AFTER_SECONDS, extra={"task_id": str(running["_id"])} if running else None
        )
    queue.send_job(
        SummaryJob(job_id=str(doc["_id"]), user_id=principal.user_id),
        undo=lambda: repository.fail(principal.user_id, doc["_id"], QUEUE_FAILURE_REASON),
        error=SummaryQueueUnavailableError(),
    )
    return SummaryTask(task_id=str(doc["_id"]))


def summary_result(principal: Principal, task_id: str) -> SummaryResult:
    """The caller's job; another user's, an expired or an unknown one is 404."""
    oid = required_object_id(task_id, "task")
    doc = SummaryJobRepository(get_database()).get(principal.user_id, oid, now=datetime.now(UTC))
    if doc is None:
        raise SummaryNotFoundError()
    facts = doc.get("facts_json")
    return SummaryResult(
        task_id=str(doc["_id"]),
        status=doc["status"],
        summary=doc.get("summary"),
        tips=doc.get("tips") or [],
        facts=SpendingFacts.model_validate_json(facts) if facts else None,
        phrased_by=doc.get("phrased_by"),
        failure_reason=doc.get("failure_reason"),
        created_at=iso_utc(doc["created_at"]),
        updated_at=iso_utc(doc["updated_at"]),
        expires_at=iso_utc(doc["expires_at"]),
    )
