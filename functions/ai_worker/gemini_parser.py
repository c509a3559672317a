"""The Gemini parser: structured output (a pydantic schema, the categories as an enum) via google-genai.

Lives with the AI worker only: the SDK costs ~300 ms of import and is useless to the other functions.
"""

from __future__ import annotations

import functools
from datetime import UTC, datetime, time, timedelta
from decimal import Decimal, InvalidOperation
from typing import Annotated
from zoneinfo import ZoneInfo

from google import genai
from google.genai import errors, types
from pydantic import BaseModel, Field

from finsight.categories import Category
from finsight.currencies import is_currency
from finsight.parsing import ParsedExpense, ParserUnavailableError, UnparseableTextError

MAX_AMOUNT = Decimal(10_000_000)
RETRYABLE_STATUS = (408, 429, 500, 502, 503, 504)
SYSTEM_INSTRUCTION = (
    "You read personal expense notes and return each expense the note mentions, in the order written. "
    "amount: the total paid for that expense as a plain number (not quantities, weights, flight or "
    "model numbers, times or percentages). currency: the ISO 4217 code the note implies, else the default "
    "given. days_ago: 0 unless the note says when (yesterday = 1, last week = 7). description: a short "
    "clean label of what was bought. If the note mentions no amount paid, return no expenses."
)


class GeminiExpense(BaseModel):
    amount: float
    currency: Annotated[str, Field(min_length=3, max_length=3)]
    category: Category
    description: Annotated[str, Field(max_length=200)]
    days_ago: Annotated[int, Field(ge=0, le=366)]


class GeminiAnswer(BaseModel):
    expenses: list[GeminiExpense]


class GeminiParser:
    """Asks Gemini for structured expenses; SDK retries with a bounded total time for 429/5xx."""

    name = "gemini"

    def __init__(
        self, api_key: str, *, model: str, timeout_seconds: int, attempts: int, base_url: str | None = None
    ) -> None:
        self._model = model
        retry = types.HttpRetryOptions(
            attempts=attempts, initial_delay=0.5, max_delay=4.0, exp_base=2.0, http_status_codes=list(RETRYABLE_STATUS)
        )
        options = types.HttpOptions(timeout=timeout_seconds * 1000, retry_options=retry, base_url=base_url)
        self._client = genai.Client(api_key=api_key, http_options=options)

    def parse(self, text: str, *, currency: str, zone: ZoneInfo, now: datetime) -> list[ParsedExpense]:
        today = now.astimezone(zone).date()
        prompt = f"Today is {today.isoformat()} ({zone.key}). Default currency: {currency}.\nNote: {text}"
        try:
            response = self._client.models.generate_content(
                model=self._model,
                contents=prompt,
                config=types.GenerateContentConfig(
                    system_instruction=SYSTEM_INSTRUCTION,
                    response_mime_type="application/json",
                    response_schema=GeminiAnswer,
                    temperature=0,
                ),
            )
        except errors.APIError as exc:
            raise ParserUnavailableError(f"Gemini answered {exc.code}", retryable=exc.code in RETRYABLE_STATUS) from exc
        except Exception as exc:  # transport errors (timeouts, resets) surface as httpx errors
            raise ParserUnavailableError(f"Gemini unreachable: {type(exc).__name__}", retryable=True) from exc
        answer = response.parsed
        if not isinstance(answer, GeminiAnswer):  # blocked, empty or off-schema: None, with no error raised
            raise ParserUnavailableError("Gemini gave no usable answer", retryable=False)
        expenses = [self._convert(item, currency, zone, now) for item in answer.expenses]
        expenses = [expense for expense in expenses if expense is not None]
        if not expenses:
            raise UnparseableTextError(
                "We couldn't find an amount in your message. Include what you paid, e.g. 'lunch 250' or 'taxi $12'.",
                parser=self.name,
            )
        return expenses

    def _convert(self, item: GeminiExpense, currency: str, zone: ZoneInfo, now: datetime) -> ParsedExpense | None:
        try:
            amount = Decimal(str(item.amount)).quantize(Decimal("0.01"))
        except InvalidOperation:
            return None
        if not Decimal(0) < amount <= MAX_AMOUNT:
            return None
        code = item.currency.upper()
        if item.days_ago == 0:
            when = now.astimezone(UTC).replace(microsecond=0)
        else:
            day = now.astimezone(zone).date() - timedelta(days=item.days_ago)
            when = datetime.combine(day, time(12), zone).astimezone(UTC)
        return ParsedExpense(
            amount=amount,
            currency=code if is_currency(code) else currency,
            category=item.category,
            description=item.description.strip()[:200] or item.category.value,
            date=when,
            parser=self.name,
        )


@functools.cache
def gemini_parser(api_key: str, model: str, timeout_seconds: int, attempts: int) -> GeminiParser:
    """One client per execution environment and configuration."""
    return GeminiParser(api_key, model=model, timeout_seconds=timeout_seconds, attempts=attempts)
