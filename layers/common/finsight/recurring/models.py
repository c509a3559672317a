"""Requests and responses of recurring expenses (/api/recurring)."""

from __future__ import annotations

from datetime import date
from typing import Literal, Self

from pydantic import Field, model_validator

from finsight.categories.refs import CategoryRef
from finsight.platform.currencies import CurrencyCode
from finsight.platform.ids import ApiModel, IdentifiedModel
from finsight.platform.money import MoneyAmount
from finsight.recurring.schedule import Frequency
from finsight.transactions.models import Amount, Description

EARLIEST = date(2000, 1, 1)
LATEST = date(2200, 12, 31)


class ScheduleIn(ApiModel):
    frequency: Frequency
    interval: int = Field(default=1, ge=1, le=366, description="Every this many days, weeks, months or years")
    day_of_month: int | None = Field(default=None, ge=-1, le=31, description="1-31, or -1 for the last day")
    weekday: int | None = Field(default=None, ge=0, le=6, description="Weekly rules: 0 (Monday) to 6 (Sunday)")
    start_date: date
    end_date: date | None = None
    count: int | None = Field(default=None, ge=1, le=10_000, description="Stop after this many occurrences")

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        if not EARLIEST <= self.start_date <= LATEST:
            raise ValueError("start_date must be between 2000 and 2200")
        if self.end_date is not None and not self.start_date <= self.end_date <= LATEST:
            raise ValueError("end_date must not be before start_date (nor after 2200)")
        if self.day_of_month == 0:
            raise ValueError("day_of_month is 1 to 31, or -1 for the last day")
        if self.day_of_month is not None and self.frequency not in ("monthly", "yearly"):
            raise ValueError("day_of_month is for monthly and yearly rules")
        if self.weekday is not None and self.frequency != "weekly":
            raise ValueError("weekday is for weekly rules")
        return self


class CreateRecurringRequest(ApiModel):
    amount: Amount
    currency: CurrencyCode | None = None
    category: CategoryRef
    description: Description
    schedule: ScheduleIn
    paused: bool = False


class UpdateRecurringRequest(ApiModel):
    """Any subset of the fields: the change applies to the occurrences not created yet."""

    amount: Amount | None = None
    currency: CurrencyCode | None = None
    category: CategoryRef | None = None
    description: Description | None = None
    schedule: ScheduleIn | None = None
    paused: bool | None = None

    @model_validator(mode="after")
    def _something(self) -> Self:
        if not self.model_fields_set:
            raise ValueError("send at least one field to change")
        return self


class RecurringRule(IdentifiedModel):
    amount: MoneyAmount
    currency: str
    category: str
    description: str
    schedule: ScheduleIn
    paused: bool
    created_through: str | None = Field(description="The last day whose occurrence has been created")
    created_at: str
    updated_at: str


class Upcoming(ApiModel):
    dates: list[str] = Field(description="The next occurrences (YYYY-MM-DD, your time zone)")
    frequency: Literal["daily", "weekly", "monthly", "yearly"]


class SuggestionView(ApiModel):
    key: str = Field(description="POST /api/recurring/suggestions/{key}/accept schedules it")
    description: str
    frequency: Literal["weekly", "monthly", "yearly"]
    amount: MoneyAmount = Field(description="What it costs now (the median of its last three)")
    category: str
    occurrences: int
    last_date: str
    next_date: str = Field(description="When it is next expected")
    confidence: float = Field(description="0 to 1: how regular it has been")
