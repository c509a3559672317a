"""The Gemini adapter against a local fake of the generateContent API, and the offline fallback."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from decimal import Decimal
from types import ModuleType
from typing import Any, cast
from zoneinfo import ZoneInfo

import pytest

from dev.localapi.template import ROOT
from finsight.ai_entry.parsing import ExpenseParser, ParsedExpense, UnparseableTextError
from finsight.ai_entry.parsing.fallback import FallbackParser
from finsight.ai_entry.parsing.offline import OfflineParser
from finsight.insights.phrasing import SummaryWriter
from finsight.jobs.lifecycle import AiUnavailableError
from finsight.transactions.categories import Category
from tests.fake_gemini import BLOCKED, FakeGemini, answer, error

NOW = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
KOLKATA = ZoneInfo("Asia/Kolkata")


@pytest.fixture(scope="module")
def module() -> ModuleType:
    from dev.localapi.stack import load_module

    return load_module(ROOT / "functions" / "ai_worker" / "gemini.py")


@pytest.fixture
def fake() -> Iterator[FakeGemini]:
    server = FakeGemini()
    yield server
    server.stop()


@pytest.fixture
def parser(module: ModuleType, fake: FakeGemini) -> ExpenseParser:
    gemini = module.Gemini("test-key", model="gemini-2.5-flash", timeout_seconds=5, attempts=3, base_url=fake.url)
    return cast(ExpenseParser, module.GeminiParser(gemini))


def expense(
    amount: float, category: str, *, currency: str = "INR", days_ago: int = 0, description: str = "x"
) -> dict[str, Any]:
    return {
        "amount": amount,
        "currency": currency,
        "category": category,
        "description": description,
        "days_ago": days_ago,
    }


def test_one_expense_with_the_users_context_in_the_prompt(parser: ExpenseParser, fake: FakeGemini) -> None:
    fake.script = [answer({"expenses": [expense(45.5, "Groceries", currency="USD", description="Walmart groceries")]})]
    [got] = parser.parse("Bought groceries from Walmart for $45.50", currency="INR", zone=KOLKATA, now=NOW)
    assert (got.amount, got.currency, got.category, got.description, got.parser) == (
        Decimal("45.50"),
        "USD",
        Category.GROCERIES,
        "Walmart groceries",
        "gemini",
    )
    path, headers, body = fake.requests[0]
    assert path.endswith("/models/gemini-2.5-flash:generateContent")
    assert headers["x-goog-api-key"] == "test-key"
    prompt = body["contents"][0]["parts"][0]["text"]
    assert "2026-11-23" in prompt  # today in the user's zone
    assert "Asia/Kolkata" in prompt
    assert "Default currency: INR" in prompt
    schema = body["generationConfig"]["responseSchema"]
    item = schema["properties"]["expenses"]["items"]
    assert sorted(item["properties"]["category"]["enum"]) == sorted(c.value for c in Category)


def test_several_expenses_and_relative_days(parser: ExpenseParser, fake: FakeGemini) -> None:
    fake.script = [
        answer({"expenses": [expense(750, "Transportation", days_ago=1), expense(20, "Food & Dining", days_ago=1)]})
    ]
    got = parser.parse("uber to airport 750 and chai 20 yesterday", currency="INR", zone=KOLKATA, now=NOW)
    assert [(e.amount, e.category) for e in got] == [
        (Decimal("750.00"), Category.TRANSPORTATION),
        (Decimal("20.00"), Category.FOOD_AND_DINING),
    ]
    assert {e.date.astimezone(KOLKATA).date().isoformat() for e in got} == {"2026-11-22"}


def test_a_429_is_retried_by_the_sdk_then_succeeds(parser: ExpenseParser, fake: FakeGemini) -> None:
    fake.script = [error(429, "RESOURCE_EXHAUSTED"), answer({"expenses": [expense(12, "Transportation")]})]
    [got] = parser.parse("taxi 12", currency="USD", zone=KOLKATA, now=NOW)
    assert got.amount == Decimal("12.00")
    assert len(fake.requests) == 2


def test_a_503_that_lasts_is_a_retryable_failure_after_bounded_attempts(
    parser: ExpenseParser, fake: FakeGemini
) -> None:
    fake.script = [error(503, "UNAVAILABLE")]
    with pytest.raises(AiUnavailableError) as raised:
        parser.parse("taxi 12", currency="USD", zone=KOLKATA, now=NOW)
    assert raised.value.retryable
    assert len(fake.requests) == 3  # the configured attempts, no more


@pytest.mark.parametrize(
    "reply",
    [answer("this is not json"), answer({"unexpected": "shape"}), BLOCKED, error(400, "INVALID_ARGUMENT")],
    ids=["malformed JSON", "off-schema", "blocked", "bad request"],
)
def test_unusable_answers_are_not_worth_a_retry(
    parser: ExpenseParser, fake: FakeGemini, reply: tuple[int, dict[str, Any]]
) -> None:
    fake.script = [reply]
    with pytest.raises(AiUnavailableError) as raised:
        parser.parse("taxi 12", currency="USD", zone=KOLKATA, now=NOW)
    assert not raised.value.retryable
    assert len(fake.requests) == 1


def test_no_expense_in_the_answer_means_unparseable(parser: ExpenseParser, fake: FakeGemini) -> None:
    fake.script = [answer({"expenses": [expense(0, "Other"), expense(99_000_000, "Other")]})]
    with pytest.raises(UnparseableTextError) as raised:
        parser.parse("hello there", currency="USD", zone=KOLKATA, now=NOW)
    assert raised.value.parser == "gemini"


def test_an_unknown_currency_code_becomes_the_users(parser: ExpenseParser, fake: FakeGemini) -> None:
    fake.script = [answer({"expenses": [expense(5, "Food & Dining", currency="XYZ")]})]
    [got] = parser.parse("tea 5", currency="EUR", zone=KOLKATA, now=NOW)
    assert got.currency == "EUR"


class _Down:
    name = "gemini"

    def __init__(self, *, retryable: bool) -> None:
        self.retryable = retryable

    def parse(self, text: str, **kwargs: object) -> list[ParsedExpense]:
        raise AiUnavailableError("down", retryable=self.retryable)


def test_fallback_retries_transient_failures_until_the_last_delivery() -> None:
    not_last = FallbackParser(_Down(retryable=True), OfflineParser(), final_attempt=False)
    with pytest.raises(AiUnavailableError):
        not_last.parse("taxi 12", currency="USD", zone=KOLKATA, now=NOW)
    last = FallbackParser(_Down(retryable=True), OfflineParser(), final_attempt=True)
    [got] = last.parse("taxi 12", currency="USD", zone=KOLKATA, now=NOW)
    assert (got.amount, got.parser) == (Decimal("12.00"), "offline")


def test_fallback_uses_the_offline_parser_at_once_for_unusable_answers() -> None:
    parser = FallbackParser(_Down(retryable=False), OfflineParser(), final_attempt=False)
    [got] = parser.parse("taxi 12", currency="USD", zone=KOLKATA, now=NOW)
    assert got.parser == "offline"


# ----- the summary writer -----
FACTS = {
    "currency": "INR",
    "period_start": "2026-10-25",
    "period_end": "2026-11-23",
    "total_spend": 1234.56,
    "transaction_count": 3,
    "previous_total_spend": 0,
    "change_percent": None,
    "by_category": [],
    "budgets_this_month": 0,
    "budgets_at_risk": [],
}


@pytest.fixture
def writer(module: ModuleType, fake: FakeGemini) -> SummaryWriter:
    gemini = module.Gemini("test-key", model="gemini-2.5-flash", timeout_seconds=5, attempts=1, base_url=fake.url)
    return cast(SummaryWriter, module.GeminiSummaryWriter(gemini))


def test_the_writer_sends_the_facts_and_keeps_three_tidy_tips(writer: SummaryWriter, fake: FakeGemini) -> None:
    from finsight.insights.models import SpendingFacts

    fake.script = [answer({"summary": "  You spent\nINR 1,234.56. ", "tips": ["a", " ", "b  c", "d", "e"]})]
    phrasing = writer.write(SpendingFacts.model_validate(FACTS))
    assert (phrasing.summary, phrasing.tips, phrasing.phrased_by) == (
        "You spent INR 1,234.56.",
        ["a", "b c", "d"],
        "gemini",
    )
    [(_, _, body)] = fake.requests
    assert '"total_spend":1234.56' in body["contents"][0]["parts"][0]["text"]
    assert body["generationConfig"]["responseSchema"]["required"] == ["summary", "tips"]


@pytest.mark.parametrize("reply", [answer({"summary": "  ", "tips": []}), answer({"tips": []}), BLOCKED])
def test_an_unusable_summary_is_not_worth_a_retry(
    writer: SummaryWriter, fake: FakeGemini, reply: tuple[int, dict[str, Any]]
) -> None:
    from finsight.insights.models import SpendingFacts

    fake.script = [reply]
    with pytest.raises(AiUnavailableError) as raised:
        writer.write(SpendingFacts.model_validate(FACTS))
    assert raised.value.retryable is False


def test_a_proposed_split_is_kept_only_when_it_is_one(module: Any) -> None:
    """Two to twenty finite shares above zero, adding up exactly; anything else leaves the payment whole."""
    part = module.GeminiPart
    split = module._parts
    total = Decimal(1200)
    assert (
        len(
            split(
                [
                    part(amount=900, category="Groceries", description="g"),
                    part(amount=300, category="Shopping", description="c"),
                ],
                total,
            )
        )
        == 2
    )
    for amounts in (
        [900, 200],
        [1200],
        [float("nan"), 1200],
        [float("inf"), 300],
        [0, 1200],
        [-100, 1300],
        [60] * 20 + [0],
    ):
        parts = [part(amount=a, category="Shopping", description="x") for a in amounts]
        assert split(parts, total) == (), amounts
    schema = module.answer_schema(("Coffee", "Other"))
    too_many = {
        "amount": 21,
        "currency": "INR",
        "category": "Coffee",
        "description": "x",
        "days_ago": 0,
        "parts": [{"amount": 1, "category": "Coffee", "description": "x"}] * 21,
    }
    with pytest.raises(ValueError, match="20"):
        schema.model_validate({"expenses": [too_many]})
