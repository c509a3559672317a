"""What the bot writes back: money as people of that currency write it (babel), one line per expense."""

from __future__ import annotations

import pytest

from finsight.chat.replies import NOTHING_READ, entry_reply, money


@pytest.mark.parametrize(
    ("amount", "currency", "written"),
    [
        (120000, "INR", "₹1,20,000"),
        (20, "INR", "₹20"),
        (20.5, "INR", "₹20.50"),
        (4.5, "USD", "$4.50"),
        (1234.5, "EUR", "€1,234.50"),
        (1_000_000, "USD", "$1,000,000"),
        (0.1, "USD", "$0.10"),
    ],
)
def test_money_is_written_in_the_currency_s_usual_grouping(amount: float, currency: str, written: str) -> None:
    assert money(amount, currency) == written


def test_a_reply_has_a_line_per_expense_or_says_what_was_not_read() -> None:
    expenses = [
        {"amount_minor": 25000, "currency": "INR", "category": "Transportation", "description": "Uber to airport"},
        {"amount_minor": 2000, "currency": "INR", "category": "Food & Dining", "description": "Chai"},
    ]
    assert entry_reply(expenses, None) == (
        "Added ₹250 · Transportation · Uber to airport\nAdded ₹20 · Food & Dining · Chai"
    )
    assert entry_reply([], None) == NOTHING_READ
    assert entry_reply([], "We couldn't find an amount.") == "We couldn't find an amount."
