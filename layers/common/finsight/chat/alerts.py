"""Budget alerts: what a user hears when a budget of theirs crosses 80 % or 100 % (the `budget.threshold_crossed`
event, finsight.budgets.thresholds), on every chat channel they linked with alerts on (`/alerts on|off`, on
by default), or by email when they have no chat channel that is on.

`budget_alert_notify` runs this for each event (an EventBridge rule's target). Each message is claimed before
it goes out (per event and address), so a repeated event sends nothing twice; a message that does not go out
is released and the invocation fails, so EventBridge's retry sends it.
"""

from __future__ import annotations

from datetime import UTC, datetime
from functools import partial
from zoneinfo import ZoneInfo

from pymongo.database import Database

from finsight.accounts.users import UserRecord, UserRepository
from finsight.budgets.models import Budget
from finsight.chat.replies import money
from finsight.chat.repository import ChatLinkRepository
from finsight.chat.senders import ChatSender, send_claimed
from finsight.events.models import DomainEvent
from finsight.platform.db import Document, get_database, insert_once
from finsight.platform.mailer import Mailer


class AlertNotSentError(Exception):
    """A message of the alert did not go out (released): the invocation fails, so it is tried again."""


class SentAlerts:
    """`alert_sends`: each (event, address) an alert went out to."""

    def __init__(self, database: Database[Document]) -> None:
        self._sent = database["alert_sends"]

    def claim(self, key: str) -> bool:
        return insert_once(self._sent, {"_id": key, "at": datetime.now(UTC)})

    def release(self, key: str) -> None:
        self._sent.delete_one({"_id": key})


def alert_text(budget: Budget, threshold: int, month_name: str) -> str:
    limit, spent = money(budget.limit, budget.currency), money(budget.current_spend, budget.currency)
    if threshold >= 100:
        return f"{budget.category} is over its {limit} budget for {month_name}: {spent} spent."
    return (
        f"Heads-up: {budget.category} is at {budget.percent_used:g}% of its {limit} budget for {month_name} ({spent})."
    )


def _month_name(budget: Budget, user: UserRecord) -> str:
    return datetime(budget.year, budget.month, 1, tzinfo=ZoneInfo(user.timezone)).strftime("%B")


def notify_threshold(event: DomainEvent, senders: list[ChatSender], mailer: Mailer | None) -> dict[str, int]:
    """Tell the user about the crossing: on each live chat channel with alerts on, else by email (unless they
    turned those off in their profile). Counts of messages sent per channel (raises AlertNotSentError when one
    did not go out)."""
    database = get_database()
    user = UserRepository(database).get(event.user_id)
    if user is None:
        return {}
    budget = Budget.model_validate(event.data["budget"])
    text = alert_text(budget, int(event.data["threshold"]), _month_name(budget, user))
    live = {sender.channel: sender for sender in senders}
    links = [link for link in ChatLinkRepository(database).of_user(user.id) if link["channel"] in live]
    sent_alerts, missed = SentAlerts(database), 0
    sent: dict[str, int] = dict.fromkeys(live, 0)
    for link in links:
        if link.get("alerts") is False:
            continue
        key, address = f"{event.id}:{link['_id']}", str(link["_id"]).split(":", 1)[1]
        if sent_alerts.claim(key):
            delivered = send_claimed(live[link["channel"]], address, lambda: text, partial(sent_alerts.release, key))
            sent[link["channel"]] += delivered
            missed += not delivered
    wants_email = not links and user.budget_alert_emails and mailer is not None
    if wants_email and mailer is not None and sent_alerts.claim(f"{event.id}:email"):
        try:
            mailer.send(to=user.email, subject=f"FinSight: {budget.category} budget", text=_mail_text(text))
        except Exception:
            sent_alerts.release(f"{event.id}:email")
            raise
        sent["email"] = 1
    if missed:
        raise AlertNotSentError(f"{missed} alert message(s) not sent")
    return sent


def _mail_text(text: str) -> str:
    return (
        f"{text}\n\nYou get budget alerts by email because no chat is linked to your FinSight account; link "
        "WhatsApp or Telegram in the app to get them there instead, or turn these emails off in your profile "
        '(POST /api/auth/profile {"budget_alert_emails": false}).'
    )
