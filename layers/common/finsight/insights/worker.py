"""The worker side of spending summaries: claim the job, compute the facts, have them phrased, store once.

Gemini, when configured, only phrases the facts; without it, or when it cannot answer on the last delivery,
the templates write the same facts out.
"""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from finsight.accounts.users import UserRepository
from finsight.insights.facts import compute_facts
from finsight.insights.job import SummaryJob, fail_dead_letter_summary, sweep_stale_summaries
from finsight.insights.phrasing import MAX_TIPS, TEMPLATES, SummaryWriter
from finsight.insights.repository import SummaryJobRepository
from finsight.jobs.lifecycle import Delivery, JobOutcome, JobType, with_fallback
from finsight.platform.config import get_settings
from finsight.platform.db import Document, get_database
from finsight.platform.ids import object_id


def apply_summary_job(
    job: SummaryJob, writer: SummaryWriter | None, *, final_attempt: bool, now: datetime | None = None
) -> JobOutcome:
    """Compute the facts, have them phrased, store the result once.

    No spending data: a completed summary that says so (Gemini is not asked). `writer` None: templates.
    Database errors and a retryable writer failure before the last delivery propagate, so the message
    returns to the queue.
    """
    database = get_database()
    repository = SummaryJobRepository(database)
    job_id = object_id(job.job_id)
    if job_id is None or repository.claim(job.user_id, job_id) is None:
        return JobOutcome.SKIPPED
    user = UserRepository(database).get(job.user_id)
    settings = get_settings()
    zone = ZoneInfo(user.timezone if user else settings.default_timezone)
    currency = user.currency if user else settings.default_currency
    facts = compute_facts(job.user_id, zone, currency, now or datetime.now(UTC))
    if writer is None or not facts.has_spending:
        phrasing = TEMPLATES.write(facts)
    else:
        chosen = writer
        phrasing = with_fallback(
            lambda: chosen.write(facts),
            lambda: TEMPLATES.write(facts),
            final_attempt=final_attempt,
            names=(chosen.name, TEMPLATES.name),
        )
    result: Document = {
        "status": "completed",
        "summary": phrasing.summary,
        "tips": phrasing.tips[:MAX_TIPS],
        "phrased_by": phrasing.phrased_by,
        "facts_json": facts.model_dump_json(),
        "failure_reason": None,
    }
    return JobOutcome.COMPLETED if repository.finish(job.user_id, job_id, result) else JobOutcome.SKIPPED


def _apply(job: SummaryJob, delivery: Delivery) -> JobOutcome:
    return apply_summary_job(job, delivery.models.summary_writer(), final_attempt=delivery.final_attempt)


SPENDING_SUMMARY = JobType(
    tag="spending_summary",
    message=SummaryJob,
    metric="AiSummary",
    plural="summaries",
    apply=_apply,
    dead_letter=fail_dead_letter_summary,
    sweep=sweep_stale_summaries,
)
