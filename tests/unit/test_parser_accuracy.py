"""The offline parser keeps its accuracy on the held-out corpus (written apart from its lexicon)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from dev.parser_accuracy import ALL_CORPORA, CORPUS, CORPUS_DIR, evaluate


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


# Every later corpus, each written by a helper that never saw the parser, its lexicon or another corpus: what the
# parser must keep on it (amount, both right) and its first run, before its misses were read. The README reports the
# figures. The last two were written blind after the last change and never read: issue 18's held-out figures.
CORPUS_AIMS = [
    ("heldout_2026_12.jsonl", 0.99, 0.98),  # first run 67.8 %, read
    ("final_2026_12.jsonl", 0.98, 0.98),  # 88.2 %, read
    ("heldout_2027_01.jsonl", 0.98, 0.98),  # 90.5 %, read
    ("final_2027_01.jsonl", 0.99, 0.98),  # 95.0 %, read
    ("blind_2027_02.jsonl", 0.99, 0.98),  # 95.2 %, read
    ("blind_2027_03.jsonl", 0.99, 0.98),  # 95.7 %, read
    ("blind_2027_04.jsonl", 0.99, 0.97),  # 93.9 %, read
    ("blind_2027_05.jsonl", 0.99, 0.97),  # 95.2 %, read
    ("blind_2027_06.jsonl", 0.99, 0.97),  # 95.1 %, read
    ("blind_2027_07.jsonl", 0.99, 0.98),  # 94.8 %, read
    ("blind_2027_08.jsonl", 0.99, 0.97),  # 97.7 %, held out
    ("blind_2027_09.jsonl", 0.99, 0.97),  # 98.0 %, held out
]


def test_every_corpus_has_an_aim() -> None:
    assert {name for name, _, _ in CORPUS_AIMS} | {CORPUS.name} == {corpus.name for corpus in ALL_CORPORA}


@pytest.mark.parametrize(("name", "amount", "both_right"), CORPUS_AIMS)
def test_offline_parser_keeps_what_it_reached_on_each_corpus(name: str, amount: float, both_right: float) -> None:
    scores = evaluate(CORPUS_DIR / name, now=datetime(2026, 11, 23, 10, 0, tzinfo=UTC))
    assert scores["amount"] >= amount
    assert scores["both right"] >= both_right


def test_the_first_corpus_keeps_what_it_reached() -> None:
    """Its labels file gifts, cards and tips under Other where the later briefs file goods bought as gifts under
    Shopping: a lower aim."""
    assert evaluate(CORPUS, now=datetime(2026, 11, 23, 10, 0, tzinfo=UTC))["both right"] >= 0.96
