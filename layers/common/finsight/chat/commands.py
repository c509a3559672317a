"""The bot's commands (case-insensitive): what a linked user can ask from the chat, answered in a few lines
through the same use cases as the API (its rules, its errors: a 404 is "not found" here too).

/transactions (the last 5, with short ids), /undo (the last entry from this chat), /delete <id>,
/edit <id> amount|category|description <value>, /summary (this month by category), /budget (this month's
budgets with pace), /compare (this month so far against the same days last month), /alerts on|off (budget
alerts, `finsight.chat.alerts`), /weekly on|off (the Monday digest, `finsight.chat.digest`), /unlink, /start,
/help.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Literal

from pydantic import ValidationError

from finsight.accounts.principal import Principal
from finsight.budgets.service import list_budgets
from finsight.categories.repository import catalogue_of
from finsight.chat.channels import TELEGRAM, WHATSAPP
from finsight.chat.linking import unlink_telegram, unlink_whatsapp
from finsight.chat.replies import HELP, NOT_YET, money
from finsight.chat.repository import ChatLinkRepository
from finsight.platform.db import get_database
from finsight.platform.errors import FinSightError
from finsight.platform.ids import object_id
from finsight.platform.money import from_minor_units
from finsight.platform.timeutil import month_bounds
from finsight.transactions.listing import ListParameters, list_transactions, month_summary
from finsight.transactions.models import Transaction
from finsight.transactions.repository import TransactionRepository
from finsight.transactions.requests import UpdateTransactionRequest
from finsight.transactions.service import delete_transaction, update_transaction

Command = Callable[[Principal, list[str], str], str]
SHORT_ID = 6
LOOKBACK = 100  # how far back a short id is looked for
EDIT_USAGE = "Use /edit <id> amount|category|description <value>, e.g. /edit 3f9a1c amount 250."


def short_id(transaction_id: str) -> str:
    return transaction_id[-SHORT_ID:]


def _line(t: Transaction) -> str:
    return f"{short_id(t.id)} · {money(t.amount, t.currency)} · {t.category} · {t.description}"


def _find(principal: Principal, given: str) -> str | None:
    """The full id of the user's transaction a short (or full) id names, among their latest."""
    given = given.strip().lower()
    if object_id(given) is not None:
        return given
    page = list_transactions(principal, ListParameters(limit=LOOKBACK))
    return next((t.id for t in page.transactions if short_id(t.id) == given), None)


def _transactions(principal: Principal, _: list[str], channel: str) -> str:
    page = list_transactions(principal, ListParameters(limit=5))
    if not page.transactions:
        return "No transactions yet. Tell me what you spent, e.g. 'chai 20'."
    return "Your last transactions:\n" + "\n".join(_line(t) for t in page.transactions)


def _undo(principal: Principal, _: list[str], channel: str) -> str:
    transactions = TransactionRepository(get_database())
    entry = transactions.last_entry(principal.user_id, channel)
    if entry is None:
        return "There is nothing from this chat to undo."
    ids = entry.get("transaction_ids") or [str(entry["_id"])]
    for transaction_id in ids:
        try:
            delete_transaction(principal, transaction_id)
        except FinSightError as exc:
            if exc.status_code != 404:  # one removed already is fine
                return exc.message
    count = len(ids)
    return f"Removed your last entry ({count} {'expense' if count == 1 else 'expenses'})."


def _delete(principal: Principal, args: list[str], channel: str) -> str:
    if len(args) != 1:
        return "Use /delete <id>; /transactions shows the ids."
    full = _find(principal, args[0])
    if full is None:
        return "I can't find that transaction. /transactions shows the ids."
    delete_transaction(principal, full)
    return f"Deleted {short_id(full)}."


def _edit(principal: Principal, args: list[str], channel: str) -> str:
    if len(args) < 3 or args[1].lower() not in ("amount", "category", "description"):
        return EDIT_USAGE
    full = _find(principal, args[0])
    if full is None:
        return "I can't find that transaction. /transactions shows the ids."
    field, value = args[1].lower(), " ".join(args[2:])
    if field == "category":  # one of the user's own list, any case (a former name finds the new one)
        catalogue = catalogue_of(get_database(), principal.user_id)
        found = catalogue.resolve(value)
        if found is None:
            return "Categories: " + ", ".join(catalogue.names()) + "."
        value = found
    changes: dict[str, object] = {field: value}
    try:
        request = UpdateTransactionRequest.model_validate(changes)
    except ValidationError as exc:
        reason = exc.errors()[0]["msg"].removeprefix("Value error, ")
        return f"That {field} won't do: {reason}."
    return "Updated: " + _line(update_transaction(principal, full, request))


def _summary(principal: Principal, _: list[str], channel: str) -> str:
    summary = month_summary(principal)
    if not summary.by_category:
        return f"Nothing spent yet in {summary.month}."
    lines = [
        f"{summary.month}: {money(summary.current_month_spend, summary.currency)} in "
        f"{summary.transaction_count} transactions"
    ]
    lines += [f"{c.category}: {money(c.amount, summary.currency)} ({c.transaction_count})" for c in summary.by_category]
    return "\n".join(lines)


def _budget(principal: Principal, _: list[str], channel: str) -> str:
    budgets = list_budgets(principal, None, None)
    if not budgets:
        return "No budgets this month. Set them in FinSight."
    return "\n".join(
        f"{b.category}: {money(b.current_spend, b.currency)} of {money(b.limit, b.currency)} ({b.percent_used:g}%)"
        + (f", on pace for {money(b.pace.projected_spend, b.currency)}" if b.pace.projected_to_exceed else "")
        for b in budgets
    )


def _compare(principal: Principal, _: list[str], channel: str) -> str:
    zone, currency = principal.zone, principal.preferences.currency
    now = datetime.now(UTC)
    this_start = month_bounds(now, zone)[0]
    last_start, last_end = month_bounds(this_start - timedelta(microseconds=1), zone)
    transactions = TransactionRepository(get_database())

    def spent(start: datetime, end: datetime) -> int:
        totals = transactions.spend_by_category(principal.user_id, start, end)
        return sum(total.amount_minor for (_, code), total in totals.items() if code == currency)

    now_minor = spent(this_start, now)
    before_minor = spent(last_start, min(last_start + (now - this_start), last_end))  # the same days
    text = (
        f"This month so far: {money(from_minor_units(now_minor), currency)}; the same days last month: "
        f"{money(from_minor_units(before_minor), currency)}"
    )
    if before_minor:
        change = (now_minor - before_minor) * 100 / before_minor
        text += f" ({'+' if change >= 0 else ''}{change:.0f}%)"
    return text + "."


def _toggle(option: Literal["alerts", "weekly"], usage: str, on_text: str, off_text: str) -> Command:
    """A command that turns one of the chat link's options on or off: `/alerts on`, `/weekly off`."""

    def run(principal: Principal, args: list[str], channel: str) -> str:
        if len(args) != 1 or args[0].lower() not in ("on", "off"):
            return usage
        on = args[0].lower() == "on"
        ChatLinkRepository(get_database()).set_option(channel, principal.user_id, option, on=on)
        return on_text if on else off_text

    return run


_alerts = _toggle(
    "alerts",
    "Use /alerts on or /alerts off (budget alerts at 80 % and 100 % of a budget).",
    "Budget alerts are on: I'll tell you when a budget passes 80 % and 100 %.",
    "Budget alerts are off.",
)
_weekly = _toggle(
    "weekly",
    "Use /weekly on or /weekly off (your week in five lines, Mondays at 9:00).",
    "Weekly digest is on: every Monday at 9:00 I'll send you last week in five lines.",
    "Weekly digest is off.",
)


UNLINKED: dict[str, str] = {
    WHATSAPP: "This number is no longer linked to FinSight. Link it again from the app whenever you like.",
    TELEGRAM: "This chat is no longer linked to FinSight. Link it again from the app whenever you like.",
}


def _unlink(principal: Principal, _: list[str], channel: str) -> str:
    (unlink_telegram if channel == TELEGRAM else unlink_whatsapp)(principal)
    return UNLINKED[channel]


COMMANDS: dict[str, Command] = {
    "/transactions": _transactions,
    "/undo": _undo,
    "/delete": _delete,
    "/edit": _edit,
    "/summary": _summary,
    "/budget": _budget,
    "/compare": _compare,
    "/alerts": _alerts,
    "/weekly": _weekly,
    "/unlink": _unlink,
}


def run_command(principal: Principal, text: str, channel: str) -> str:
    """The answer to a command; a use case's refusal (not found, busy, invalid) is its message."""
    name, *args = text.split()
    name = name.lower()
    if name in ("/start", "/help"):
        return HELP
    command = COMMANDS.get(name)
    if command is None:
        return NOT_YET
    try:
        return command(principal, args, channel)
    except FinSightError as exc:
        return exc.message
