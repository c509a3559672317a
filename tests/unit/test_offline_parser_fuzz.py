"""No text a user can type makes the offline parser raise: it reads expenses or says, readably, why not.

A parser that raises fails the SQS record on every delivery, so the entry is dead-lettered (and the alarm
fires) instead of ending `failed` with a reason on its first delivery. `coffee 999999999999999999999999999999`
did that (the amount could not be rounded to cents).
"""

from __future__ import annotations

import os
from datetime import UTC, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from finsight.ai_entry.parsing import UnparseableTextError
from finsight.ai_entry.parsing.offline import MAX_AMOUNT, SYMBOLS, WORDS, OfflineParser
from finsight.transactions.categories import Category

PARSER = OfflineParser()
NOW = datetime(2026, 12, 1, 9, 30, tzinfo=UTC)
# `make test` runs a fixed set of examples (derandomized, so CI is repeatable); FUZZ_PARSER_EXAMPLES=20000
# with FUZZ_RANDOM=1 runs a longer random campaign.
EXAMPLES = int(os.environ.get("FUZZ_PARSER_EXAMPLES", "400"))
RANDOM = os.environ.get("FUZZ_RANDOM") == "1"

numbers = st.one_of(
    st.integers(min_value=-(10**40), max_value=10**40).map(str),
    st.decimals(allow_nan=False, allow_infinity=False, places=3, min_value=-(10**12), max_value=10**12).map(str),
    st.integers(min_value=0, max_value=10**15).map(lambda n: f"{n:,}"),  # 1,234,567
    st.from_regex(r"\d{1,3}(,\d{2}){1,4},\d{3}(\.\d{1,2})?", fullmatch=True),  # 1,20,000.50
    st.from_regex(r"\d{1,40}(\.\d{0,6})?([eE][+-]?\d{1,4})?", fullmatch=True),  # 1e400, 00012.5
    st.just("9" * 5000),
)
tokens = st.one_of(
    numbers,
    st.sampled_from(list(SYMBOLS) + list(WORDS) + ["k", "lakh", "crore", "cr", "m", "/-", "%", "kg", "pm"]),
    st.sampled_from(["coffee", "uber", "rent", "and", ",", "&", "yesterday", "2 days ago", "last week", "for", "at"]),
    st.text(max_size=12),
)
messages = st.one_of(
    st.text(max_size=500),
    st.lists(tokens, min_size=1, max_size=25).map(lambda parts: " ".join(parts)[:500]),
    st.lists(tokens, min_size=1, max_size=25).map(lambda parts: "".join(parts)[:500]),
)


@settings(
    max_examples=EXAMPLES,
    derandomize=not RANDOM,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
@given(text=messages, zone=st.sampled_from(["Asia/Kolkata", "Pacific/Kiritimati", "Pacific/Pago_Pago", "UTC"]))
def test_any_text_is_read_or_refused_with_a_reason_never_raises(text: str, zone: str) -> None:
    reason: str | None
    try:
        expenses = PARSER.parse(text, currency="INR", zone=ZoneInfo(zone), now=NOW)
    except UnparseableTextError as refusal:
        reason = refusal.reason
        expenses = []
    else:
        reason = None
    if reason is not None:
        assert reason.endswith((".", "!"))  # a sentence for the user
        return
    assert expenses
    for expense in expenses:
        assert Decimal("0.01") <= expense.amount <= MAX_AMOUNT
        assert expense.amount == expense.amount.quantize(Decimal("0.01"))
        assert isinstance(expense.category, Category)
        assert expense.description.strip()
        assert len(expense.currency) == 3
        assert expense.date.tzinfo is not None
        assert expense.date <= NOW


def test_an_amount_over_the_limit_is_refused_saying_so() -> None:
    for text in ("coffee 999999999999999999999999999999", "coffee 99999999.99", "rent ₹" + "9" * 5000):
        with pytest.raises(UnparseableTextError, match="10,000,000"):
            PARSER.parse(text, currency="INR", zone=ZoneInfo("Asia/Kolkata"), now=NOW)
