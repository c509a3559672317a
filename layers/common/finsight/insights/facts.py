"""The facts a spending summary states, computed from the data (never by a model): the last 30 local days by
category against the 30 before, and this month's budgets at risk."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

from finsight.budgets.service import budgets_of_month, current_month
from finsight.insights.models import BudgetAtRisk, CategoryTrend, SpendingFacts
from finsight.platform.db import get_database
from finsight.platform.money import from_minor_units
from finsight.transactions.repository import CategoryTotal, TransactionRepository

PERIOD_DAYS = 30


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
