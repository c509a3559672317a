"""What the bot says back: money in the user's currency and its usual format (babel: ₹1,20,000 for INR,
$4.50 for USD), and the lines of a reply. Worker side only: babel ships with the AI worker, not the layer, so
it is imported where money is formatted (the dead-letter consumer and the sweeper load this module too)."""

from __future__ import annotations

from decimal import Decimal

from finsight.platform.db import Document
from finsight.platform.money import from_minor_units

# Lakh and crore grouping where people write money that way; elsewhere thousands.
GROUPING = {"INR": ("en_IN", "¤#,##,##0"), "PKR": ("en_IN", "¤#,##,##0"), "NPR": ("en_IN", "¤#,##,##0")}
DEFAULT_GROUPING = ("en", "¤#,##0")
HELP = "\n".join(
    [
        "Tell me what you spent and I'll file it: 'chai 20', 'uber to airport 750 and lunch 320 yesterday'. "
        "Several expenses in one message are fine; everything shows up in FinSight too.",
        "/transactions: your last 5 · /undo: the last entry · /delete <id>",
        "/edit <id> amount|category|description <value>",
        "/summary: this month · /budget: budgets and pace · /compare: against last month",
        "/alerts on|off: budget alerts · /weekly on|off: Monday digest · /unlink",
    ]
)
NOTHING_READ = "I couldn't find an amount in that. Try something like 'chai 20' or 'groceries 1250 yesterday'."
NOT_YET = "I don't know that command yet. Send /help to see what I can do."


def money(amount: float | Decimal, currency: str) -> str:
    """₹1,20,000 / ₹20.50 / $4.50: the currency's sign and grouping; cents only when there are any."""
    from babel.numbers import format_currency  # noqa: PLC0415 - babel ships with the AI worker only

    value = Decimal(str(amount))
    locale, pattern = GROUPING.get(currency, DEFAULT_GROUPING)
    if value != value.to_integral_value():
        pattern += ".00"
    return str(format_currency(value, currency, format=pattern, locale=locale, currency_digits=False))


def expense_line(doc: Document) -> str:
    amount = money(from_minor_units(doc["amount_minor"]), doc["currency"])
    return f"Added {amount} · {doc['category']} · {doc['description']}"


def entry_reply(expenses: list[Document], failure_reason: str | None) -> str:
    """The reply to a message of expenses: one line per expense, or why nothing was read."""
    if not expenses:
        return failure_reason or NOTHING_READ
    return "\n".join(expense_line(doc) for doc in expenses)
