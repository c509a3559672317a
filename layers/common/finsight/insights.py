"""AI spending summary: a job per request, computed by the AI worker, read back by its owner for a day.

The worker computes the facts itself (the last 30 days by category, the change against the 30 days
before, this month's budgets at risk); Gemini, when configured, only phrases them. Without Gemini, or
when it cannot answer on the last delivery, the built-in templates write the same facts out.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Literal, Protocol
from zoneinfo import ZoneInfo

from pydantic import BaseModel, Field

from finsight import queue
from finsight.ai import OBJECT_ID_PATTERN, JobOutcome, stale_cutoffs, with_fallback
from finsight.auth import Principal
from finsight.budgets import budgets_of_month, current_month
from finsight.config import get_settings
from finsight.db import Document, get_database
from finsight.errors import BadRequestError, RateLimitedError, ResourceNotFoundError, ServiceUnavailableError
from finsight.limits import admit_ai_request, forget
from finsight.models.insights import BudgetAtRisk, CategoryTrend, SpendingFacts, SummaryResult, SummaryTask
from finsight.money import from_minor_units, to_minor_units
from finsight.repos.summary_jobs import SummaryJobRepository
from finsight.repos.transactions import CategoryTotal, TransactionRepository
from finsight.repos.users import UserRepository, object_id, required_object_id
from finsight.timeutil import iso_utc

PERIOD_DAYS = 30
RESULT_TTL = timedelta(days=1)
RETRY_AFTER_SECONDS = 5
MAX_TIPS = 3
QUEUE_FAILURE_REASON = "We couldn't start preparing this summary. Please ask again."
DEAD_LETTER_REASON = "We couldn't prepare this summary after several tries. Please ask again later."
STALE_REASON = "Preparing this summary took too long. Please ask again."


class SummaryJob(BaseModel):
    """The SQS message body of a spending summary."""

    type: Literal["spending_summary"] = "spending_summary"
    job_id: str = Field(pattern=OBJECT_ID_PATTERN)
    user_id: str = Field(pattern=OBJECT_ID_PATTERN)


class SummaryInProgressError(RateLimitedError):
    default_message = "Your previous summary is still being prepared. Read it with its task_id, then ask again."


class SummaryNotFoundError(ResourceNotFoundError):
    default_message = "Summary not found. Summaries are kept for a day."


class MalformedTaskIdError(BadRequestError):
    default_message = "Malformed task id: expected 24 hexadecimal characters."


class SummaryQueueUnavailableError(ServiceUnavailableError):
    default_message = "Summaries are temporarily unavailable. Please try again shortly."


# ----- the HTTP side -----
def request_summary(principal: Principal) -> SummaryTask:
    """Create a pending job owned by the caller and queue it; 429 while another of theirs is running."""
    attempt = admit_ai_request(principal.user_id)
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
    oid = required_object_id(task_id, MalformedTaskIdError())
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


# ----- the facts -----
def _change_percent(now_minor: int, before_minor: int) -> float | None:
    if before_minor == 0:
        return None
    change = Decimal(now_minor - before_minor) * 100 / Decimal(before_minor)
    return float(change.quantize(Decimal("0.1"), ROUND_HALF_UP))


def _in_currency(totals: dict[tuple[str, str], CategoryTotal], currency: str) -> dict[str, CategoryTotal]:
    return {category: total for (category, code), total in totals.items() if code == currency}


def compute_facts(user_id: str, zone: ZoneInfo, currency: str, now: datetime) -> SpendingFacts:
    """The last 30 local days (today included) against the 30 before, and this month's budgets at risk."""
    today = now.astimezone(zone).date()
    first_day = today - timedelta(days=PERIOD_DAYS - 1)
    start = datetime.combine(first_day, time.min, zone).astimezone(UTC)
    end = datetime.combine(today + timedelta(days=1), time.min, zone).astimezone(UTC)
    before = datetime.combine(first_day - timedelta(days=PERIOD_DAYS), time.min, zone).astimezone(UTC)
    transactions = TransactionRepository(get_database())
    current = _in_currency(transactions.spend_by_category(user_id, start, end), currency)
    previous = _in_currency(transactions.spend_by_category(user_id, before, start), currency)
    zero = CategoryTotal(0, 0)
    trends = [
        CategoryTrend(
            category=category,
            amount=from_minor_units(current.get(category, zero).amount_minor),
            transaction_count=current.get(category, zero).count,
            previous_amount=from_minor_units(previous.get(category, zero).amount_minor),
            change_percent=_change_percent(
                current.get(category, zero).amount_minor, previous.get(category, zero).amount_minor
            ),
        )
        for category in current.keys() | previous.keys()
    ]
    trends.sort(key=lambda trend: (-trend.amount, -trend.previous_amount, trend.category))
    total = sum(t.amount_minor for t in current.values())
    previous_total = sum(t.amount_minor for t in previous.values())
    year, month = current_month(zone, now)
    budgets = budgets_of_month(user_id, zone, year, month, now=now)
    at_risk = [
        BudgetAtRisk(
            budget_id=budget.id,
            category=budget.category,
            limit=budget.limit,
            current_spend=budget.current_spend,
            projected_spend=budget.pace.projected_spend,
            percent_used=budget.percent_used,
        )
        for budget in budgets
        if budget.pace.projected_to_exceed
    ]
    return SpendingFacts(
        currency=currency,
        period_start=first_day.isoformat(),
        period_end=today.isoformat(),
        total_spend=from_minor_units(total),
        transaction_count=sum(t.count for t in current.values()),
        previous_total_spend=from_minor_units(previous_total),
        change_percent=_change_percent(total, previous_total),
        by_category=trends,
        budgets_this_month=len(budgets),
        budgets_at_risk=at_risk,
    )


# ----- the words -----
@dataclass(frozen=True)
class Phrasing:
    summary: str
    tips: list[str] = field(default_factory=list)
    phrased_by: Literal["gemini", "template"] = "template"


class SummaryWriter(Protocol):
    name: str

    def write(self, facts: SpendingFacts) -> Phrasing:
        """A short summary and up to three tips from `facts`; raises `finsight.ai.AiUnavailableError`."""
        ...


def money(amount: float, currency: str) -> str:
    """INR 1,250.50 / INR 1,250 (an amount as a sentence shows it)."""
    minor = to_minor_units(Decimal(str(amount)))
    text = f"{Decimal(minor) / 100:,.2f}".removesuffix(".00")
    return f"{currency} {text}"


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


class TemplateWriter:
    """Sentences from the facts alone: the default without Gemini, and its fallback."""

    name = "template"

    def write(self, facts: SpendingFacts) -> Phrasing:
        if not facts.has_spending:
            return Phrasing(
                summary="You have no spending recorded in the last 60 days, so there is nothing to summarise yet.",
                tips=["Add expenses as they happen: typing 'lunch 250' or 'uber 12 yesterday' is enough."],
            )
        cur = facts.currency
        opening = (
            f"You spent {money(facts.total_spend, cur)} in the last 30 days "
            f"({facts.period_start} to {facts.period_end}) across {_plural(facts.transaction_count, 'transaction')}"
        )
        if facts.change_percent is None:
            opening += ", with nothing recorded in the 30 days before."
        elif facts.change_percent == 0:
            opening += ", the same as in the 30 days before."
        else:
            direction = "more" if facts.change_percent > 0 else "less"
            opening += f", {abs(facts.change_percent):g}% {direction} than in the 30 days before."
        sentences = [opening]
        top = facts.by_category[0] if facts.by_category and facts.by_category[0].amount > 0 else None
        if top is not None:
            share = Decimal(str(top.amount)) * 100 / Decimal(str(facts.total_spend))
            sentences.append(
                f"{top.category.value} was your largest category at {money(top.amount, cur)} "
                f"({share.quantize(Decimal('1'), ROUND_HALF_UP)}% of the total)."
            )
        if facts.budgets_at_risk:
            names = ", ".join(risk.category.value for risk in facts.budgets_at_risk)
            sentences.append(f"This month, {_plural(len(facts.budgets_at_risk), 'budget')} at risk: {names}.")
        return Phrasing(summary=" ".join(sentences), tips=self._tips(facts, top))

    @staticmethod
    def _tips(facts: SpendingFacts, top: CategoryTrend | None) -> list[str]:
        cur = facts.currency
        tips = []
        for risk in facts.budgets_at_risk:
            category, limit = risk.category.value, money(risk.limit, cur)
            if risk.current_spend > risk.limit:
                over = Decimal(str(risk.current_spend)) - Decimal(str(risk.limit))
                tips.append(f"{category} is already {money(float(over), cur)} over its {limit} budget this month.")
            else:
                left = Decimal(str(risk.limit)) - Decimal(str(risk.current_spend))
                tips.append(
                    f"At this pace {category} will reach {money(risk.projected_spend, cur)} this month, over its "
                    f"{limit} budget: keep the rest of the month under {money(float(left), cur)} to stay within it."
                )
        rising = [t for t in facts.by_category if t.change_percent is not None and t.change_percent >= 20]
        if rising:
            trend = max(rising, key=lambda t: Decimal(str(t.amount)) - Decimal(str(t.previous_amount)))
            tips.append(
                f"{trend.category.value} rose {trend.change_percent:g}% to {money(trend.amount, cur)} against the "
                f"30 days before ({money(trend.previous_amount, cur)}): worth a look."
            )
        if top is not None and facts.budgets_this_month == 0:
            tips.append(
                f"A monthly budget for {top.category.value}, your largest category, shows how the month is going."
            )
        return tips[:MAX_TIPS]


TEMPLATES = TemplateWriter()


# ----- the worker side -----
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
