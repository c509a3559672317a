"""The Gemini adapter of the AI worker: structured output (pydantic schemas) via google-genai.

One client per execution environment asks for two things: the expenses in a note (`GeminiParser`) and
the wording of a spending summary from facts computed beforehand (`GeminiSummaryWriter`). Lives with
the AI worker only: the SDK costs ~300 ms of import and is useless to the other functions.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from datetime import UTC, datetime, time, timedelta
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any, Literal, TypeVar
from zoneinfo import ZoneInfo

from google import genai
from google.genai import errors, types
from pydantic import BaseModel, Field, create_model

from finsight.ai_entry.parsing import ParsedExpense, ParsedPart, UnparseableTextError
from finsight.insights.models import SpendingFacts
from finsight.insights.phrasing import MAX_TIPS, Phrasing
from finsight.jobs.lifecycle import AiUnavailableError
from finsight.platform.currencies import is_currency
from finsight.transactions.categories import Category

MAX_AMOUNT = Decimal(10_000_000)
MAX_PARTS = 20  # as a split made in the API
RETRYABLE_STATUS = (408, 429, 500, 502, 503, 504)
M = TypeVar("M", bound=BaseModel)


class Gemini:
    """generateContent with a JSON schema; SDK retries with a bounded total time for 429/5xx."""

    def __init__(
        self, api_key: str, *, model: str, timeout_seconds: int, attempts: int, base_url: str | None = None
    ) -> None:
        self._model = model
        retry = types.HttpRetryOptions(
            attempts=attempts, initial_delay=0.5, max_delay=4.0, exp_base=2.0, http_status_codes=list(RETRYABLE_STATUS)
        )
        options = types.HttpOptions(timeout=timeout_seconds * 1000, retry_options=retry, base_url=base_url)
        self._client = genai.Client(api_key=api_key, http_options=options)

    def ask(self, prompt: str, *, system_instruction: str, schema: type[M], temperature: float = 0) -> M:
        """The answer as `schema`; raises `AiUnavailableError` (retryable or not) when there is none."""
        try:
            response = self._client.models.generate_content(
                model=self._model,
                contents=prompt,
                config=types.GenerateContentConfig(
                    system_instruction=system_instruction,
                    response_mime_type="application/json",
                    response_schema=schema,
                    temperature=temperature,
                ),
            )
        except errors.APIError as exc:
            raise AiUnavailableError(f"Gemini answered {exc.code}", retryable=exc.code in RETRYABLE_STATUS) from exc
        except Exception as exc:  # transport errors (timeouts, resets) surface as httpx errors
            raise AiUnavailableError(f"Gemini unreachable: {type(exc).__name__}", retryable=True) from exc
        answer = response.parsed
        if not isinstance(answer, schema):  # blocked, empty or off-schema: None, with no error raised
            raise AiUnavailableError("Gemini gave no usable answer", retryable=False)
        return answer


# ----- expenses from a note -----
PARSE_INSTRUCTION = (
    "You read personal expense notes and return each expense the note mentions, in the order written. "
    "amount: the total paid for that expense as a plain number (not quantities, weights, flight or "
    "model numbers, times or percentages). currency: the ISO 4217 code the note implies, else the default "
    "given. days_ago: 0 unless the note says when (yesterday = 1, last week = 7). description: a short "
    "clean label of what was bought. If the note mentions no amount paid, return no expenses. parts: only when "
    "one payment covered things of different categories and the note says how much went to one of them "
    "('groceries and a phone charger 1200 at Walmart, 900 food'): that payment is one expense with the total "
    "amount, and parts gives each category's share (amount, category, description), adding up to it; "
    "otherwise parts is empty."
)


class GeminiPart(BaseModel):
    amount: float
    category: Category
    description: Annotated[str, Field(max_length=200)]


class GeminiExpense(BaseModel):
    amount: float
    currency: Annotated[str, Field(min_length=3, max_length=3)]
    category: Category
    description: Annotated[str, Field(max_length=200)]
    days_ago: Annotated[int, Field(ge=0, le=366)]
    parts: list[GeminiPart] = Field(default_factory=list, max_length=MAX_PARTS)


class GeminiAnswer(BaseModel):
    expenses: list[GeminiExpense]


def choosing(model: type[M], choice: Any, **fields: Any) -> type[M]:
    """`model` whose `category` is one of `choice` (a Literal of the user's categories), `fields` replaced too."""
    return create_model(model.__name__, __base__=model, category=(choice, ...), **fields)


@functools.lru_cache(maxsize=512)
def answer_schema(categories: tuple[str, ...]) -> type[GeminiAnswer]:
    """The answer's schema with the user's categories as the enum of `category` (the defaults without one)."""
    if not categories:
        return GeminiAnswer
    choice: Any = Literal[categories]
    part: Any = choosing(GeminiPart, choice)
    expense: Any = choosing(
        GeminiExpense, choice, parts=(list[part], Field(default_factory=list, max_length=MAX_PARTS))
    )
    return create_model("GeminiAnswer", __base__=GeminiAnswer, expenses=(list[expense], ...))


class GeminiParser:
    name = "gemini"

    def __init__(self, gemini: Gemini) -> None:
        self._gemini = gemini

    def parse(
        self, text: str, *, currency: str, zone: ZoneInfo, now: datetime, categories: Sequence[str] = ()
    ) -> list[ParsedExpense]:
        today = now.astimezone(zone).date()
        prompt = f"Today is {today.isoformat()} ({zone.key}). Default currency: {currency}.\nNote: {text}"
        schema = answer_schema(tuple(categories))
        answer = self._gemini.ask(prompt, system_instruction=PARSE_INSTRUCTION, schema=schema)
        converted = [self._convert(item, currency, zone, now) for item in answer.expenses]
        expenses = [expense for expense in converted if expense is not None]
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
        if not amount.is_finite() or not Decimal(0) < amount <= MAX_AMOUNT:  # (NaN compares by raising)
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
            description=item.description.strip()[:200] or str(item.category),
            date=when,
            parser=self.name,
            parts=_parts(item.parts, amount),
        )


def _parts(parts: list[GeminiPart], total: Decimal) -> tuple[ParsedPart, ...]:
    """The proposed split when it is one: two or more shares, each above zero, adding up exactly to the total."""
    try:
        shares = [Decimal(str(part.amount)).quantize(Decimal("0.01")) for part in parts]
    except InvalidOperation:
        return ()
    if not all(share.is_finite() for share in shares):  # (NaN compares by raising)
        return ()
    if not 2 <= len(parts) <= MAX_PARTS or any(share <= 0 for share in shares) or sum(shares) != total:
        return ()
    return tuple(
        ParsedPart(amount=share, category=str(part.category), description=part.description.strip()[:200])
        for share, part in zip(shares, parts, strict=True)
    )


# ----- the words of a spending summary -----
SUMMARY_INSTRUCTION = (
    "You are a concise, friendly personal finance coach. You are given facts about one person's spending, "
    "computed from their records. Write `summary`: two or three plain sentences on where their money went "
    "in the last 30 days and how that compares with the 30 days before. Write `tips`: at most three short, "
    "specific, actionable suggestions, first about any budget at risk. Use only numbers that appear in the "
    "facts, with their currency code; never invent figures, merchants or dates. No greetings, no markdown."
)
MAX_SUMMARY_CHARS = 1200
MAX_TIP_CHARS = 300


class GeminiSummary(BaseModel):
    summary: str
    tips: list[str]


class GeminiSummaryWriter:
    name = "gemini"

    def __init__(self, gemini: Gemini) -> None:
        self._gemini = gemini

    def write(self, facts: SpendingFacts) -> Phrasing:
        prompt = f"Facts (JSON):\n{facts.model_dump_json()}"
        answer = self._gemini.ask(prompt, system_instruction=SUMMARY_INSTRUCTION, schema=GeminiSummary, temperature=0.3)
        summary = " ".join(answer.summary.split())
        tips = [" ".join(tip.split())[:MAX_TIP_CHARS] for tip in answer.tips if tip.strip()]
        if not summary or len(summary) > MAX_SUMMARY_CHARS:
            raise AiUnavailableError("Gemini's summary was empty or too long", retryable=False)
        return Phrasing(summary=summary, tips=tips[:MAX_TIPS], phrased_by="gemini")


@functools.cache
def gemini_client(api_key: str, model: str, timeout_seconds: int, attempts: int) -> Gemini:
    """One client per execution environment and configuration."""
    return Gemini(api_key, model=model, timeout_seconds=timeout_seconds, attempts=attempts)


# ----- categories of imported rows the lexicon could not file -----
CATEGORISE_INSTRUCTION = (
    "You file bank statement lines into spending categories. For each numbered line (a bank's description "
    "of a payment: merchant names, UPI handles, card terminal codes), give the category it most likely "
    "belongs to. Use Other only when the line gives no hint."
)


class GeminiLineCategory(BaseModel):
    index: Annotated[int, Field(ge=0)]
    category: Category


class GeminiCategories(BaseModel):
    lines: list[GeminiLineCategory]


@functools.lru_cache(maxsize=512)
def lines_schema(categories: tuple[str, ...]) -> type[GeminiCategories]:
    """The answer's schema with the user's categories as the enum (the defaults without one)."""
    if not categories:
        return GeminiCategories
    line: Any = choosing(GeminiLineCategory, Literal[categories])
    return create_model("GeminiCategories", __base__=GeminiCategories, lines=(list[line], ...))


class GeminiCategoriser:
    """One call for a batch of lines (the import's rows left in Other)."""

    def __init__(self, gemini: Gemini) -> None:
        self._gemini = gemini

    def categorise(self, descriptions: list[str], categories: Sequence[str] = ()) -> list[str | None]:
        prompt = "\n".join(f"{index}. {text[:200]}" for index, text in enumerate(descriptions))
        schema = lines_schema(tuple(categories))
        answer = self._gemini.ask(prompt, system_instruction=CATEGORISE_INSTRUCTION, schema=schema)
        found: list[str | None] = [None] * len(descriptions)
        for line in answer.lines:
            if line.index < len(descriptions):
                found[line.index] = str(line.category)
        return found
