"""Subscription detection measured on a corpus nobody tuned it to (tests/data/subscriptions: 30 histories from
India, the US and Europe, 133 active subscriptions among noise, decoys and cancelled ones). A suggestion counts as
right when it names an expected subscription (its text), with its frequency, at about its amount."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from finsight.recurring.detect import Spend, Suggestion, detect

CORPUS = Path(__file__).resolve().parents[1] / "data" / "subscriptions" / "histories.json"


def _matches(found: Suggestion, expected: dict[str, Any]) -> bool:
    about = Decimal(expected["amount_about"])
    return (
        expected["description_contains"].lower() in found.description.lower()
        and expected["frequency"] == found.frequency
        and abs(found.typical_amount - about) <= Decimal("0.3") * about
    )


def score() -> tuple[int, int, int]:
    """True positives, false positives, false negatives over the whole corpus."""
    hits = extra = missed = 0
    for history in json.loads(CORPUS.read_text(encoding="utf-8")):
        spends = [
            Spend(date.fromisoformat(t["date"]), Decimal(t["amount"]), t["description"])
            for t in history["transactions"]
        ]
        expected: list[dict[str, Any]] = history["expected"]
        claimed: set[int] = set()
        for found in detect(spends, date.fromisoformat(history["today"])):
            match = next((i for i, e in enumerate(expected) if i not in claimed and _matches(found, e)), None)
            if match is None:
                extra += 1
            else:
                claimed.add(match)
                hits += 1
        missed += len(expected) - len(claimed)
    return hits, extra, missed


def test_precision_and_recall_on_the_corpus() -> None:
    hits, extra, missed = score()
    precision, recall = hits / (hits + extra), hits / (hits + missed)
    found, expected = hits + extra, hits + missed
    print(
        f"subscription detection: precision {precision:.3f} ({hits}/{found}), recall {recall:.3f} ({hits}/{expected})"
    )
    assert precision >= 0.95
    assert recall >= 0.95


def test_a_price_change_a_skipped_month_and_two_plans_of_one_merchant() -> None:
    def monthly(day: int, amounts: list[str], text: str, skip: int | None = None) -> list[Spend]:
        return [
            Spend(date(2026 + (m - 1) // 12, (m - 1) % 12 + 1, day), Decimal(a), text)
            for m, a in enumerate(amounts, start=1)
            if m != skip
        ]

    spends = (
        monthly(5, ["499"] * 6 + ["649"] * 5, "NETFLIX.COM 8661234", skip=4)
        + monthly(12, ["75"] * 11, "APPLE.COM/BILL")
        + monthly(13, ["99"] * 11, "APPLE.COM/BILL")
        + monthly(20, ["20", "900", "45", "1500", "300", "75", "10", "2000", "5", "640", "88"], "AMAZON")
    )
    found = {(s.merchant, s.typical_amount): s for s in detect(spends, date(2026, 11, 25))}
    assert sorted(found) == [
        ("apple", Decimal("75.00")),
        ("apple", Decimal("99.00")),
        ("netflix", Decimal("649.00")),
    ]
    assert found[("netflix", Decimal("649.00"))].next_date == date(2026, 12, 5)
