"""Models of the AI spending summary: the facts the worker computes, and the job as clients read it."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from finsight.platform.ids import ApiModel
from finsight.platform.money import MoneyAmount


class CategoryTrend(ApiModel):
    category: str
    amount: MoneyAmount = Field(description="Spend in the last 30 days")
    transaction_count: int
    previous_amount: MoneyAmount = Field(description="Spend in the 30 days before those")
    change_percent: float | None = Field(description="Change against the 30 days before (null when they had none)")


class BudgetAtRisk(ApiModel):
    budget_id: str
    category: str
    limit: MoneyAmount
    current_spend: MoneyAmount
    projected_spend: MoneyAmount
    percent_used: float


class SpendingFacts(ApiModel):
    """What the summary is built from, computed from the user's data (never by the model)."""

    currency: str
    period_start: str = Field(description="First day of the last 30 days, YYYY-MM-DD in your time zone")
    period_end: str = Field(description="Today, YYYY-MM-DD in your time zone")
    total_spend: MoneyAmount
    transaction_count: int
    previous_total_spend: MoneyAmount = Field(description="Spend in the 30 days before the period")
    change_percent: float | None
    by_category: list[CategoryTrend] = Field(description="Largest spend first")
    budgets_this_month: int = Field(description="How many budgets the user has set for the current month")
    budgets_at_risk: list[BudgetAtRisk] = Field(
        description="This month's budgets already over their limit or projected to go over it"
    )

    @property
    def has_spending(self) -> bool:
        return self.transaction_count > 0 or self.previous_total_spend > 0


class SummaryTask(ApiModel):
    task_id: str


class SummaryResult(ApiModel):
    """`summary` and `facts` are present once completed; `failure_reason` once failed."""

    task_id: str
    status: Literal["pending", "processing", "completed", "failed"]
    summary: str | None = None
    tips: list[str] = Field(default_factory=list, description="Up to three suggestions")
    facts: SpendingFacts | None = None
    phrased_by: Literal["gemini", "template"] | None = Field(
        default=None, description="Who wrote the sentences: Gemini, or the built-in templates"
    )
    failure_reason: str | None = None
    created_at: str
    updated_at: str
    expires_at: str = Field(description="The result is kept until then (a day)")
