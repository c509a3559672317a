"""The spending summary's facts, its template wording, and the worker's use case (exactly once)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from bson import ObjectId

from finsight.insights.facts import compute_facts
from finsight.insights.job import SummaryJob
from finsight.insights.models import SpendingFacts
from finsight.insights.phrasing import TEMPLATES, Phrasing
from finsight.insights.worker import apply_summary_job
from finsight.jobs.lifecycle import AiUnavailableError, JobOutcome
from finsight.platform.money import format_money

NOW = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)  # 15:30 on 23 Nov in India
KOLKATA = ZoneInfo("Asia/Kolkata")
# The last 30 local days start on 25 Oct 00:00 in India = 24 Oct 18:30 UTC; the 30 before, on 25 Sep.
PERIOD_START = datetime(2026, 10, 24, 18, 30, tzinfo=UTC)
PREVIOUS_START = datetime(2026, 9, 24, 18, 30, tzinfo=UTC)


def new_user(database: Any, *, currency: str = "INR", timezone: str = "Asia/Kolkata") -> str:
    doc = {"email": f"{ObjectId()}@x.com", "password_hash": "x", "timezone": timezone, "currency": currency}
    return str(database["users"].insert_one(doc).inserted_id)


def spend(database: Any, user_id: str, minor: int, category: str, when: datetime, **fields: Any) -> None:
    database["transactions"].insert_one(
        {
            "user_id": user_id,
            "amount_minor": minor,
            "currency": "INR",
            "category": category,
            "description": "x",
            "date": when,
            "status": "completed",
            **fields,
        }
    )


def budget(database: Any, user_id: str, category: str, limit_minor: int) -> None:
    database["budgets"].insert_one(
        {
            "user_id": user_id,
            "category": category,
            "limit_minor": limit_minor,
            "currency": "INR",
            "month": 11,
            "year": 2026,
            "created_at": NOW,
            "updated_at": NOW,
        }
    )


def test_facts_compare_the_last_30_local_days_with_the_30_before(database: Any) -> None:
    user = new_user(database)
    spend(database, user, 10, "Food & Dining", PERIOD_START)  # the first instant of the period
    spend(database, user, 20, "Food & Dining", NOW)
    spend(database, user, 30, "Food & Dining", NOW - timedelta(days=3))  # 0.10 + 0.20 + 0.30 = 0.60
    spend(database, user, 40_000, "Shopping", NOW - timedelta(days=1))
    spend(database, user, 999, "Food & Dining", PERIOD_START - timedelta(seconds=1))  # the previous period
    spend(database, user, 20_000, "Shopping", PREVIOUS_START)
    spend(database, user, 5_000, "Travel", PREVIOUS_START + timedelta(days=2))
    spend(database, user, 7, "Travel", PREVIOUS_START - timedelta(seconds=1))  # before both: ignored
    spend(database, user, 5_000, "Shopping", NOW, status="failed")
    spend(database, user, 5_000, "Shopping", NOW, currency="USD")
    facts = compute_facts(user, KOLKATA, "INR", NOW)
    assert (facts.period_start, facts.period_end) == ("2026-10-25", "2026-11-23")
    assert (facts.total_spend, facts.transaction_count, facts.previous_total_spend) == (400.6, 4, 259.99)
    assert facts.change_percent == 54.1  # (400.60 - 259.99) / 259.99
    assert [
        (t.category, t.amount, t.transaction_count, t.previous_amount, t.change_percent) for t in facts.by_category
    ] == [
        ("Shopping", 400, 1, 200, 100.0),
        ("Food & Dining", 0.6, 3, 9.99, -94.0),
        ("Travel", 0, 0, 50, -100.0),
    ]
    assert (facts.budgets_this_month, facts.budgets_at_risk) == (0, [])


def test_budgets_at_risk_are_this_months_projected_over_their_limit(database: Any) -> None:
    user = new_user(database)
    start_of_month = datetime(2026, 10, 31, 18, 30, tzinfo=UTC)
    spend(database, user, 230_000, "Food & Dining", start_of_month + timedelta(days=1))  # 2,300 in 23 days
    spend(database, user, 50_000, "Groceries", start_of_month + timedelta(days=1))
    budget(database, user, "Food & Dining", 250_000)  # projected 3,000 > 2,500
    budget(database, user, "Groceries", 100_000)  # projected 652.17 < 1,000
    facts = compute_facts(user, KOLKATA, "INR", NOW)
    assert facts.budgets_this_month == 2
    [risk] = facts.budgets_at_risk
    assert (risk.category, risk.limit, risk.current_spend, risk.projected_spend, risk.percent_used) == (
        "Food & Dining",
        2500,
        2300,
        3000,
        92.0,
    )


def test_the_template_summary_states_the_facts() -> None:
    facts = SpendingFacts.model_validate(
        {
            "currency": "INR",
            "period_start": "2026-10-25",
            "period_end": "2026-11-23",
            "total_spend": 12345.5,
            "transaction_count": 42,
            "previous_total_spend": 10000,
            "change_percent": 23.5,
            "by_category": [
                {
                    "category": "Food & Dining",
                    "amount": 6000,
                    "transaction_count": 30,
                    "previous_amount": 3000,
                    "change_percent": 100.0,
                },
                {
                    "category": "Shopping",
                    "amount": 6345.5,
                    "transaction_count": 12,
                    "previous_amount": 7000,
                    "change_percent": -9.4,
                },
            ],
            "budgets_this_month": 1,
            "budgets_at_risk": [
                {
                    "budget_id": str(ObjectId()),
                    "category": "Food & Dining",
                    "limit": 5000,
                    "current_spend": 4000,
                    "projected_spend": 5217.39,
                    "percent_used": 80.0,
                }
            ],
        }
    )
    phrasing = TEMPLATES.write(facts)
    assert phrasing.summary == (
        "You spent INR 12,345.50 in the last 30 days (2026-10-25 to 2026-11-23) across 42 transactions, "
        "23.5% more than in the 30 days before. Food & Dining was your largest category at INR 6,000 "
        "(49% of the total). This month, 1 budget at risk: Food & Dining."
    )
    assert phrasing.tips == [
        "At this pace Food & Dining will reach INR 5,217.39 this month, over its INR 5,000 budget: keep the rest "
        "of the month under INR 1,000 to stay within it.",
        "Food & Dining rose 100% to INR 6,000 against the 30 days before (INR 3,000): worth a look.",
    ]
    assert phrasing.phrased_by == "template"


def test_money_reads_like_a_sentence() -> None:
    assert [format_money(v, "INR") for v in (0, 0.1, 1250.5, 1_000_000, 0.3)] == [
        "INR 0",
        "INR 0.10",
        "INR 1,250.50",
        "INR 1,000,000",
        "INR 0.30",
    ]


def running_job(database: Any, user_id: str) -> SummaryJob:
    job_id = (
        database["summary_jobs"]
        .insert_one(
            {
                "user_id": user_id,
                "status": "pending",
                "active_for": user_id,
                "created_at": NOW,
                "updated_at": NOW,
                "expires_at": NOW + timedelta(days=1),
            }
        )
        .inserted_id
    )
    return SummaryJob(job_id=str(job_id), user_id=user_id)


class Scripted:
    name = "gemini"

    def __init__(self, *outcomes: Phrasing | AiUnavailableError) -> None:
        self.outcomes = list(outcomes)
        self.calls = 0

    def write(self, facts: SpendingFacts) -> Phrasing:
        self.calls += 1
        outcome = self.outcomes.pop(0)
        if isinstance(outcome, Exception):
            raise outcome
        return outcome


def test_a_job_completes_once_and_frees_the_users_slot(database: Any) -> None:
    user = new_user(database)
    spend(database, user, 1000, "Travel", NOW)
    job = running_job(database, user)
    writer = Scripted(Phrasing("Gemini words.", ["one", "two", "three", "four"], "gemini"))
    assert apply_summary_job(job, writer, final_attempt=False, now=NOW) is JobOutcome.COMPLETED
    doc = database["summary_jobs"].find_one({"_id": ObjectId(job.job_id)})
    assert (doc["status"], doc["summary"], doc["tips"], doc["phrased_by"]) == (
        "completed",
        "Gemini words.",
        ["one", "two", "three"],
        "gemini",
    )
    assert "active_for" not in doc
    assert SpendingFacts.model_validate_json(doc["facts_json"]).total_spend == 10
    assert apply_summary_job(job, writer, final_attempt=False, now=NOW) is JobOutcome.SKIPPED  # a redelivery
    assert writer.calls == 1


def test_no_spending_completes_with_a_summary_that_says_so_without_asking_gemini(database: Any) -> None:
    user = new_user(database)
    job = running_job(database, user)
    writer = Scripted()
    assert apply_summary_job(job, writer, final_attempt=False, now=NOW) is JobOutcome.COMPLETED
    doc = database["summary_jobs"].find_one({"_id": ObjectId(job.job_id)})
    assert "no spending recorded" in doc["summary"]
    assert (doc["phrased_by"], writer.calls) == ("template", 0)


def test_gemini_down_is_retried_until_the_last_delivery_then_templates_write_it(database: Any) -> None:
    user = new_user(database)
    spend(database, user, 1000, "Travel", NOW)
    job = running_job(database, user)
    down = AiUnavailableError("503", retryable=True)
    writer = Scripted(down, down)
    with pytest.raises(AiUnavailableError):
        apply_summary_job(job, writer, final_attempt=False, now=NOW)
    assert database["summary_jobs"].find_one({"_id": ObjectId(job.job_id)})["status"] == "processing"
    assert apply_summary_job(job, writer, final_attempt=True, now=NOW) is JobOutcome.COMPLETED
    doc = database["summary_jobs"].find_one({"_id": ObjectId(job.job_id)})
    assert (doc["status"], doc["phrased_by"]) == ("completed", "template")
    assert doc["summary"].startswith("You spent INR 10 in the last 30 days")


def test_an_unusable_gemini_answer_falls_back_at_once(database: Any) -> None:
    user = new_user(database)
    spend(database, user, 1000, "Travel", NOW)
    job = running_job(database, user)
    writer = Scripted(AiUnavailableError("off-schema", retryable=False))
    assert apply_summary_job(job, writer, final_attempt=False, now=NOW) is JobOutcome.COMPLETED
    assert database["summary_jobs"].find_one({"_id": ObjectId(job.job_id)})["phrased_by"] == "template"
