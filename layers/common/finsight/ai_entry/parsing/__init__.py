"""Turning what a user typed into expenses: the parser interface every implementation follows.

Two implementations: the offline parser (`finsight.ai_entry.parsing.offline`, pure Python, the default) and the
Gemini parser, which lives with the AI worker only (its SDK is too heavy for the layer).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Protocol
from zoneinfo import ZoneInfo


@dataclass(frozen=True)
class ParsedPart:
    """A share of one payment in a category of its own (a split the parser proposes)."""

    amount: Decimal
    category: str
    description: str


@dataclass(frozen=True)
class ParsedExpense:
    """One expense read from the text. `date` is an aware UTC instant."""

    amount: Decimal
    currency: str
    category: str  # a default category (the offline parser) or one of the user's (Gemini, given their list)
    description: str
    date: datetime
    parser: str = ""  # which parser read it ("offline", "gemini"), recorded as `parsed_by`
    # One payment covering several categories ("groceries and a charger 1200 at Walmart, 900 food"): its shares,
    # adding up exactly to `amount`; stored as a split transaction (the parts, the whole kept to undo it).
    parts: tuple[ParsedPart, ...] = ()


class UnparseableTextError(Exception):
    """The text holds no expense a parser can read; `reason` is a sentence for the user."""

    def __init__(self, reason: str, *, parser: str = "") -> None:
        super().__init__(reason)
        self.reason = reason
        self.parser = parser


class ExpenseParser(Protocol):
    name: str

    def parse(
        self, text: str, *, currency: str, zone: ZoneInfo, now: datetime, categories: Sequence[str] = ()
    ) -> list[ParsedExpense]:
        """Every expense in `text`, in the order written, filed into one of `categories` (the user's list) when the
        parser can choose among them, else into a default category; raises `UnparseableTextError` when there is none
        and `finsight.jobs.lifecycle.AiUnavailableError` when the parser cannot answer."""
        ...
