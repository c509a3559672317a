"""Use cases of budgets: a monthly limit per category, with the spend against it and the pace of it.

Months are the user's calendar months (their time zone). Spend is read with one grouped query for all
of a month's budgets, whatever their number.
"""

from __future__ import annotations

import calendar
from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

from bson import ObjectId

from finsight.accounts.principal import Principal
from finsight.budgets.models import Budget, BudgetPace, CreateBudgetRequest, UpdateBudgetRequest
from finsight.budgets.repository import BudgetRepository
from finsight.categories.catalogue import Catalogue
from finsight.categories.repository import catalogue_of, file_under
from finsight.platform.db import Document, get_database
from finsight.platform.errors import BadRequestError, ResourceNotFoundError
from finsight.platform.ids import required_object_id
from finsight.platform.money import from_minor_units, to_minor_units
from finsight.platform.timeutil import iso_utc, month_range
from finsight.transactions.repository import CategoryTotal, TransactionRepository


class BudgetNotFoundError(ResourceNotFoundError):
    default_message = "Budget not found."


class PastMonthError(BadRequestError):
    default_message = "Budgets can be made for the current month or a later one, not for a past month."


class PastBudgetReadOnlyError(BadRequestError):
    default_message = "A budget of a past month is a record of that month: it can be read or deleted, not changed."


class InvalidMonthQueryError(BadRequestError):
    default_message = "Invalid request: year: give month too (e.g. ?month=3&year=2026)."


def _budget_id(value: str) -> ObjectId:
    return required_object_id(value, "budget")


def current_month(zone: ZoneInfo, now: datetime) -> tuple[int, int]:
    local = now.astimezone(zone)
    return local.year, local.month


def _percent(part_minor: int, whole_minor: int) -> float:
    return float((Decimal(part_minor) * 100 / Decimal(whole_minor)).quantize(Decimal("0.1"), ROUND_HALF_UP))


def pace_of(spend_minor: int, limit_minor: int, year: int, month: int, *, zone: ZoneInfo, now: datetime) -> BudgetPace:
    """Month-end spend at the rate so far: spend x days in month / days elapsed (today counts as a day).

    A past month's projection is its actual spend; a future month has no rate yet, so its spend.
    """
    days_in_month = calendar.monthrange(year, month)[1]
    start, end = month_range(year, month, zone)
    if now >= end:
        days_elapsed = days_in_month
    elif now < start:
        days_elapsed = 0
    else:
        days_elapsed = now.astimezone(zone).day
    projected = spend_minor
    if 0 < days_elapsed < days_in_month:
        projected = int((Decimal(spend_minor) * days_in_month / days_elapsed).to_integral_value(ROUND_HALF_UP))
    return BudgetPace(
        projected_spend=from_minor_units(projected),
        projected_to_exceed=projected > limit_minor,
        days_elapsed=days_elapsed,
        days_in_month=days_in_month,
    )


def to_budget(
    doc: Document, spend: dict[tuple[str, str], CategoryTotal], catalogue: Catalogue, zone: ZoneInfo, now: datetime
) -> Budget:
    """The budget with its spend: its category's and its sub-categories' (a budget on a parent counts them)."""
    limit = doc["limit_minor"]
    family = catalogue.family(doc["category"])
    spent = sum(total.amount_minor for name in family if (total := spend.get((name, doc["currency"]))))
    return Budget(
        id=str(doc["_id"]),
        user_id=doc["user_id"],
        category=doc["category"],
        limit=from_minor_units(limit),
        currency=doc["currency"],
        month=doc["month"],
        year=doc["year"],
        current_spend=from_minor_units(spent),
        counts=family,
        remaining=from_minor_units(limit - spent),
        percent_used=_percent(spent, limit),
        pace=pace_of(spent, limit, doc["year"], doc["month"], zone=zone, now=now),
        created_at=iso_utc(doc["created_at"]),
        updated_at=iso_utc(doc.get("updated_at") or doc["created_at"]),
    )


def budgets_of_month(user_id: str, zone: ZoneInfo, year: int, month: int, *, now: datetime) -> list[Budget]:
    """The user's budgets of one month, each with its spend: two queries, whatever the number of budgets."""
    database = get_database()
    docs = BudgetRepository(database).of_month(user_id, year, month)
    if not docs:
        return []
    start, end = month_range(year, month, zone)
    spend = TransactionRepository(database).spend_by_category(user_id, start, end)
    catalogue = catalogue_of(database, user_id)
    budgets = [to_budget(doc, spend, catalogue, zone, now) for doc in docs]
    order = {name: index for index, name in enumerate(entry.name for entry in catalogue.entries)}
    return sorted(budgets, key=lambda budget: (order.get(budget.category, len(order)), budget.category))


def list_budgets(principal: Principal, month: int | None, year: int | None) -> list[Budget]:
    """Budgets of the current month in the user's zone, or of `month` (and `year`, default this year)."""
    now = datetime.now(UTC)
    this_year, this_month = current_month(principal.zone, now)
    if month is None and year is not None:
        raise InvalidMonthQueryError()
    return budgets_of_month(principal.user_id, principal.zone, year or this_year, month or this_month, now=now)


def _with_spend(principal: Principal, doc: Document, now: datetime, catalogue: Catalogue | None = None) -> Budget:
    database = get_database()
    catalogue = catalogue or catalogue_of(database, principal.user_id)
    start, end = month_range(doc["year"], doc["month"], principal.zone)
    spend = TransactionRepository(database).spend_by_category(
        principal.user_id, start, end, categories=catalogue.family(doc["category"])
    )
    return to_budget(doc, spend, catalogue, principal.zone, now)


def _refuse_past(principal: Principal, year: int, month: int, now: datetime) -> None:
    if (year, month) < current_month(principal.zone, now):
        raise PastMonthError()


def create_budget(principal: Principal, request: CreateBudgetRequest) -> Budget:
    now = datetime.now(UTC)
    this_year, this_month = current_month(principal.zone, now)
    year, month = request.year or this_year, request.month or this_month
    _refuse_past(principal, year, month, now)
    catalogue = catalogue_of(get_database(), principal.user_id)
    doc = BudgetRepository(get_database()).insert(
        {
            "user_id": principal.user_id,
            "category": file_under(catalogue, request.category),
            "limit_minor": to_minor_units(request.limit),
            "currency": principal.preferences.currency,
            "month": month,
            "year": year,
            "created_at": now,
            "updated_at": now,
        }
    )
    return _with_spend(principal, doc, now, catalogue)


def get_budget(principal: Principal, budget_id: str) -> Budget:
    doc = BudgetRepository(get_database()).get(principal.user_id, _budget_id(budget_id))
    if doc is None:
        raise BudgetNotFoundError()
    return _with_spend(principal, doc, datetime.now(UTC))


def update_budget(principal: Principal, budget_id: str, request: UpdateBudgetRequest) -> Budget:
    """Change any of limit, category, month, year of a budget of this month or a later one.

    A past month's budget is read-only (sending its values back unchanged is fine); moving a budget into a
    past month is refused like creating one there; onto another budget's category and month, a 409.
    """
    oid = _budget_id(budget_id)
    now = datetime.now(UTC)
    repository = BudgetRepository(get_database())
    changes: Document = {}
    if request.limit is not None:
        changes["limit_minor"] = to_minor_units(request.limit)
    catalogue = None
    if request.category is not None:
        catalogue = catalogue_of(get_database(), principal.user_id)
        changes["category"] = file_under(catalogue, request.category)
    current = None
    if request.month is not None or request.year is not None:
        current = repository.get(principal.user_id, oid)
        if current is None:
            raise BudgetNotFoundError()
        changes["year"] = request.year or current["year"]
        changes["month"] = request.month or current["month"]
        if (changes["year"], changes["month"]) != (current["year"], current["month"]):
            _refuse_past(principal, changes["year"], changes["month"], now)
    doc = repository.update(principal.user_id, oid, changes, from_month=current_month(principal.zone, now))
    if doc is None:  # absent, or of a past month (the update matched only budgets of this month or later)
        doc = current or repository.get(principal.user_id, oid)
        if doc is None:
            raise BudgetNotFoundError()
        if any(doc.get(field) != value for field, value in changes.items()):
            raise PastBudgetReadOnlyError()
    return _with_spend(principal, doc, now, catalogue)


def delete_budget(principal: Principal, budget_id: str) -> None:
    if not BudgetRepository(get_database()).delete(principal.user_id, _budget_id(budget_id)):
        raise BudgetNotFoundError()
