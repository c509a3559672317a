"""Budget alerts in the chat: when a month's spend of a budgeted category passes 80 % or 100 % of its limit,
a linked user with alerts on (`/alerts on|off`, on by default) gets one message per threshold per budget.

A scheduled function runs it every few minutes over the linked users, so entries from every channel (the API,
AI entries, chat) count the same way and none of them waits for it. Each (budget, threshold) is recorded
before its message goes out (a unique `_id`): concurrent or repeated runs send it once; a message the
provider does not take is unrecorded again, so the next run sends it.
"""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from pymongo.database import Database

from finsight.budgets.models import Budget
from finsight.budgets.service import budgets_of_month, current_month
from finsight.chat.replies import money
from finsight.chat.repository import ChatLinkRepository, linked_users
from finsight.chat.senders import ChatSender, send_claimed
from finsight.platform.db import Document, get_database, insert_once

THRESHOLDS = (100, 80)  # the highest first: one message says where the budget stands


class AlertRepository:
    """`budget_alerts`: the thresholds already announced, one document each."""

    def __init__(self, database: Database[Document]) -> None:
        self._alerts = database["budget_alerts"]

    def record(self, budget_id: str, threshold: int) -> bool:
        """True the first time this threshold of this budget is announced."""
        return insert_once(self._alerts, {"_id": f"{budget_id}:{threshold}", "at": datetime.now(UTC)})

    def unrecord(self, budget_id: str, threshold: int) -> None:
        self._alerts.delete_one({"_id": f"{budget_id}:{threshold}"})


def alert_text(budget: Budget, threshold: int, month_name: str) -> str:
    limit, spent = money(budget.limit, budget.currency), money(budget.current_spend, budget.currency)
    if threshold >= 100:
        return f"{budget.category} is over its {limit} budget for {month_name}: {spent} spent."
    return (
        f"Heads-up: {budget.category} is at {budget.percent_used:g}% of its {limit} budget for {month_name} ({spent})."
    )


def _announce(budget: Budget, alerts: AlertRepository, sender: ChatSender, address: str, month_name: str) -> int:
    """One message for the highest threshold crossed, claimed first; the lower ones count as said with it (a
    run that finds the highest claimed says nothing, so concurrent runs send one message)."""
    crossed = [t for t in THRESHOLDS if budget.percent_used >= t]
    if not crossed or not alerts.record(budget.id, crossed[0]):
        return 0
    text = alert_text(budget, crossed[0], month_name)
    if not send_claimed(sender, address, lambda: text, lambda: alerts.unrecord(budget.id, crossed[0])):
        return 0
    for lower in crossed[1:]:
        alerts.record(budget.id, lower)
    return 1


def send_budget_alerts(sender: ChatSender, *, now: datetime | None = None) -> int:
    """Announce every threshold crossed this month (each user's month, in their zone); how many messages."""
    moment = now or datetime.now(UTC)
    database = get_database()
    alerts = AlertRepository(database)
    sent = 0
    for _, address, user in linked_users(database, ChatLinkRepository(database).with_alerts(sender.channel)):
        zone = ZoneInfo(user.timezone)
        year, month = current_month(zone, moment)
        month_name = moment.astimezone(zone).strftime("%B")
        for budget in budgets_of_month(user.id, zone, year, month, now=moment):
            sent += _announce(budget, alerts, sender, address, month_name)
    return sent
