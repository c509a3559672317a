"""A parser that falls back to another when the first cannot answer (Gemini -> offline)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from finsight.observability import logger
from finsight.parsing import ExpenseParser, ParsedExpense, ParserUnavailableError


class FallbackParser:
    """Ask `primary`; when it cannot answer, ask `fallback` - unless the failure is worth a retry and
    this is not the last delivery of the job, in which case the error goes up so SQS tries again."""

    def __init__(self, primary: ExpenseParser, fallback: ExpenseParser, *, final_attempt: bool) -> None:
        self._primary = primary
        self._fallback = fallback
        self._final_attempt = final_attempt
        self.name = primary.name

    def parse(self, text: str, *, currency: str, zone: ZoneInfo, now: datetime) -> list[ParsedExpense]:
        try:
            return self._primary.parse(text, currency=currency, zone=zone, now=now)
        except ParserUnavailableError as exc:
            if exc.retryable and not self._final_attempt:
                raise
            logger.warning(
                "Primary parser unavailable; using the fallback",
                extra={"parser": self._primary.name, "fallback": self._fallback.name, "retryable": exc.retryable},
            )
            return self._fallback.parse(text, currency=currency, zone=zone, now=now)
