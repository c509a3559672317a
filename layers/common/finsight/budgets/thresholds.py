"""Budget thresholds: when a month's spend of a budgeted category reaches 80 % or 100 % of its limit, one
`budget.threshold_crossed` event — the one source of truth the chat alerts, the email alerts and webhooks
all react to.

A scheduled function (`budget_alerts`, every few minutes) looks at every budget of the current month (each
user's month, in their zone), so spending from every path (the API, AI entries, chat, imports, recurring)
counts the same way and none of them waits for it. Each (budget, threshold) is claimed before its event is
recorded (a unique `_id` in `budget_alerts`): concurrent or repeated runs announce it once. A budget that goes
straight past both is announced once, at the highest; the lower one counts as said.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from pymongo.database import Database

from finsight.accounts.users import UserRepository
from finsight.budgets.models import Budget
from finsight.budgets.service import budgets_of_month, current_month
from finsight.events.models import DomainEvent, EventType, new_event
from finsight.events.outbox import Outbox
from finsight.platform.db import Document, get_database, insert_once

THRESHOLDS = (100, 80)  # the highest first


class ThresholdRepository:
    """`budget_alerts`: the thresholds already announced, one document each (a budget is one month's)."""

    def __init__(self, database: Database[Document]) -> None:
        self._alerts = database["budget_alerts"]

    def record(self, budget_id: str, threshold: int) -> bool:
        """True the first time this threshold of this budget is announced."""
        return insert_once(self._alerts, {"_id": f"{budget_id}:{threshold}", "at": datetime.now(UTC)})

    def unrecord(self, budget_id: str, threshold: int) -> None:
        self._alerts.delete_one({"_id": f"{budget_id}:{threshold}"})


def threshold_event(budget: Budget, threshold: int) -> DomainEvent:
    return new_event(
        EventType.BUDGET_THRESHOLD_CROSSED,
        budget.user_id,
        {"threshold": threshold, "budget": budget.model_dump(mode="json", by_alias=True)},
        once_key=f"{budget.id}:{threshold}",
    )


def _announce(budget: Budget, thresholds: ThresholdRepository, outbox: Outbox) -> int:
    crossed = [t for t in THRESHOLDS if budget.percent_used >= t]
    if not crossed or not thresholds.record(budget.id, crossed[0]):
        return 0
    try:
        outbox.add([threshold_event(budget, crossed[0])])
    except Exception:
        thresholds.unrecord(budget.id, crossed[0])  # the next run announces it
        raise
    for lower in crossed[1:]:
        thresholds.record(budget.id, lower)
    return 1


def _users_with_budgets(database: Database[Document], now: datetime) -> list[str]:
    """Users with a budget in a month that is the current one somewhere on Earth (UTC's, or either side)."""
    months = {((now + timedelta(hours=h)).year, (now + timedelta(hours=h)).month) for h in (-14, 0, 14)}
    query = {"$or": [{"year": year, "month": month} for year, month in months]}
    return sorted({str(doc["user_id"]) for doc in database["budgets"].find(query, {"user_id": 1})})


def announce_crossings(*, now: datetime | None = None) -> int:
    """Record an event for every threshold crossed this month and not announced yet; how many."""
    moment = now or datetime.now(UTC)
    database = get_database()
    thresholds, outbox, users = ThresholdRepository(database), Outbox(database), UserRepository(database)
    announced = 0
    for user_id in _users_with_budgets(database, moment):
        user = users.get(user_id)
        if user is None:
            continue
        zone = ZoneInfo(user.timezone)
        year, month = current_month(zone, moment)
        for budget in budgets_of_month(user.id, zone, year, month, now=moment):
            announced += _announce(budget, thresholds, outbox)
    return announced
