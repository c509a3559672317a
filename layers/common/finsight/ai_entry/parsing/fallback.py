"""A parser that falls back to another when the first cannot answer (Gemini -> offline)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from finsight.ai_entry.parsing import ExpenseParser, ParsedExpense
from finsight.jobs.lifecycle import with_fallback


class FallbackParser:
    """Ask `primary`; when it cannot answer, ask `fallback` (`finsight.jobs.lifecycle.with_fallback` decides when)."""

    def __init__(self, primary: ExpenseParser, fallback: ExpenseParser, *, final_attempt: bool) -> None:
        self._primary = primary
        self._fallback = fallback
        self._final_attempt = final_attempt
        self.name = primary.name

    def parse(
        self, text: str, *, currency: str, zone: ZoneInfo, now: datetime, categories: Sequence[str] = ()
    ) -> list[ParsedExpense]:
        return with_fallback(
            lambda: self._primary.parse(text, currency=currency, zone=zone, now=now, categories=categories),
            lambda: self._fallback.parse(text, currency=currency, zone=zone, now=now, categories=categories),
            final_attempt=self._final_attempt,
            names=(self._primary.name, self._fallback.name),
        )
