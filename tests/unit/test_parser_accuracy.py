"""The offline parser keeps its accuracy on the held-out corpus (written apart from its lexicon)."""

from __future__ import annotations

from datetime import UTC, datetime

from dev.parser_accuracy import CORPUS, evaluate


def test_held_out_corpus_is_big_and_covers_every_category() -> None:
    import json

    lines = [json.loads(line) for line in CORPUS.read_text(encoding="utf-8").splitlines() if line.strip()]
    assert len(lines) >= 150
    categories = {expense["category"] for line in lines for expense in line["expenses"]}
    assert len(categories) == 12


def test_offline_parser_meets_its_accuracy_aims() -> None:
    scores = evaluate(CORPUS, now=datetime(2026, 11, 23, 10, 0, tzinfo=UTC))
    assert scores["amount"] >= 0.95
    assert scores["category"] >= 0.90
    assert scores["currency"] >= 0.95
    assert scores["date"] >= 0.95
    assert scores["expense count"] >= 0.95


def test_offline_parser_on_the_december_corpus_keeps_what_it_reached() -> None:
    """The second held-out corpus (India, the US, Europe; typos and slang), written by a helper that never saw
    the lexicon, and a third never read. First run before any change: 67.8 % of messages with amount and category
    both right. The README reports the figures; this guards them (issue 18's 97 % held out: reached by the newest
    two)."""
    from dev.parser_accuracy import (
        CORPUS_2026_12,
        CORPUS_2027_01,
        CORPUS_BLIND,
        CORPUS_BLIND_2027_02,
        CORPUS_BLIND_2027_03,
        CORPUS_BLIND_2027_04,
        CORPUS_BLIND_2027_05,
        CORPUS_BLIND_2027_06,
        CORPUS_BLIND_2027_07,
        CORPUS_BLIND_2027_08,
        CORPUS_FINAL,
        CORPUS_FINAL_2027_01,
    )

    scores = evaluate(CORPUS_2026_12, now=datetime(2026, 11, 23, 10, 0, tzinfo=UTC))
    assert scores["amount"] >= 0.99
    assert scores["both right"] >= 0.98
    final = evaluate(CORPUS_FINAL, now=datetime(2026, 11, 23, 10, 0, tzinfo=UTC))
    assert final["amount"] >= 0.98
    assert final["both right"] >= 0.98
    assert evaluate(CORPUS, now=datetime(2026, 11, 23, 10, 0, tzinfo=UTC))["both right"] >= 0.96
    january = evaluate(CORPUS_2027_01, now=datetime(2026, 11, 23, 10, 0, tzinfo=UTC))  # first run: 90.5 %
    assert january["amount"] >= 0.98
    assert january["both right"] >= 0.98
    assert evaluate(CORPUS_FINAL_2027_01, now=datetime(2026, 11, 23, 10, 0, tzinfo=UTC))["both right"] >= 0.98
    assert evaluate(CORPUS_BLIND_2027_02, now=datetime(2026, 11, 23, 10, 0, tzinfo=UTC))["both right"] >= 0.98
    march = evaluate(CORPUS_BLIND_2027_03, now=datetime(2026, 11, 23, 10, 0, tzinfo=UTC))  # first run 95.7 %, read
    assert march["amount"] >= 0.99
    assert march["both right"] >= 0.98
    april = evaluate(CORPUS_BLIND_2027_04, now=datetime(2026, 11, 23, 10, 0, tzinfo=UTC))  # first run 93.9 %, read
    assert april["amount"] >= 0.99
    assert april["both right"] >= 0.97
    may = evaluate(CORPUS_BLIND_2027_05, now=datetime(2026, 11, 23, 10, 0, tzinfo=UTC))  # first run 95.2 %, read
    assert may["amount"] >= 0.99
    assert may["both right"] >= 0.97
    june = evaluate(CORPUS_BLIND_2027_06, now=datetime(2026, 11, 23, 10, 0, tzinfo=UTC))  # first run 95.1 %, read
    assert june["amount"] >= 0.99
    assert june["both right"] >= 0.97
    july = evaluate(CORPUS_BLIND_2027_07, now=datetime(2026, 11, 23, 10, 0, tzinfo=UTC))  # first run 94.8 %, read
    assert july["amount"] >= 0.99
    assert july["both right"] >= 0.98
    # The two held-out corpora (written blind after the last change, never read): issue 18's figures.
    for corpus in (CORPUS_BLIND_2027_08, CORPUS_BLIND):  # first runs 97.7 % and 98.0 %
        held_out = evaluate(corpus, now=datetime(2026, 11, 23, 10, 0, tzinfo=UTC))
        assert held_out["amount"] >= 0.99
        assert held_out["both right"] >= 0.97
