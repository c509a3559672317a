"""Request and response models of the budget routes."""

from __future__ import annotations

from typing import Annotated, Self

from pydantic import Field, model_validator

from finsight.categories.refs import CategoryRef
from finsight.platform.ids import ApiModel, IdentifiedModel
from finsight.platform.money import MoneyAmount
from finsight.transactions.models import Amount

Month = Annotated[int, Field(ge=1, le=12, description="1 (January) to 12")]
Year = Annotated[int, Field(ge=2000, le=2100)]


class CreateBudgetRequest(ApiModel):
    """A monthly limit for one category. `month`/`year` default to the current month in your time zone."""

    category: CategoryRef
    limit: Amount
    month: Month | None = None
    year: Year | None = None


class UpdateBudgetRequest(ApiModel):
    """Any subset of the fields (PUT and PATCH alike)."""

    category: CategoryRef | None = None
    limit: Amount | None = None
    month: Month | None = None
    year: Year | None = None

    @model_validator(mode="after")
    def _something_to_change(self) -> Self:
        if all(value is None for value in (self.category, self.limit, self.month, self.year)):
            raise ValueError("send at least one of category, limit, month, year")
        return self


class BudgetPace(ApiModel):
    projected_spend: MoneyAmount = Field(
        description="Month-end spend if spending goes on at the rate so far (the actual spend once the month is over)"
    )
    projected_to_exceed: bool = Field(description="Whether that projection is over the limit")
    days_elapsed: int = Field(description="Days of the month gone by, today included (0 before it starts)")
    days_in_month: int


class Budget(IdentifiedModel):
    """A budget as clients see it (API.md), with what has been spent against it."""

    user_id: str
    category: str
    limit: MoneyAmount
    currency: str = Field(description="Spend is counted in this currency (yours when the budget was made)")
    month: int
    year: int
    current_spend: MoneyAmount = Field(
        description="Completed transactions of this category and its sub-categories in the month (your time zone)"
    )
    counts: list[str] = Field(
        default_factory=list, description="The categories its spend is counted from: itself and its sub-categories"
    )
    remaining: MoneyAmount = Field(description="limit - current_spend (negative once over the limit)")
    percent_used: float = Field(description="current_spend / limit x 100, one decimal")
    pace: BudgetPace
    created_at: str
    updated_at: str
