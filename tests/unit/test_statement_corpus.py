"""The statement readers against a corpus nobody tuned them to: exports in the formats of real banks in India,
the US and Europe (HDFC, ICICI, SBI, Chase, Bank of America, Wells Fargo, Deutsche Bank, Revolut, Monzo), an
OFX, a QFX and a QIF file, and broken files (tests/data/statements, with its own README and expected.json).

Each file must give exactly its expected expenses (date, amount and description, in file order), its income
and skipped row counts, or its rejection; the corpus's own self-check confirms expected.json against the raw
files independently of the readers."""

from __future__ import annotations

import json
import runpy
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from finsight.imports.statement import NeedsMappingError, StatementError, nothing_to_import, read_statement

CORPUS = Path(__file__).resolve().parents[1] / "data" / "statements"
EXPECTED: dict[str, dict[str, Any]] = json.loads((CORPUS / "expected.json").read_text(encoding="utf-8"))


def user_currency(expected: dict[str, Any]) -> str:
    """The currency of a user who would import the file: the file's own, else one of its region."""
    return str(expected.get("currency") or ("USD" if expected.get("date_order") == "MDY" else "INR"))


def test_the_corpus_agrees_with_its_files() -> None:
    check = runpy.run_path(str(CORPUS / "check_corpus.py"))
    assert check["main"]() == 0


@pytest.mark.parametrize("name", sorted(name for name, e in EXPECTED.items() if e.get("rejected")))
def test_a_broken_file_is_refused_with_a_reason(name: str) -> None:
    data = (CORPUS / name).read_bytes()
    reason: str | None
    try:
        reason = nothing_to_import(read_statement(data, currency="INR"))
    except StatementError as error:
        reason = error.reason
    assert reason is not None, f"{name} imported: {EXPECTED[name]['reason']}"
    assert reason.endswith(".")


@pytest.mark.parametrize("name", sorted(name for name, e in EXPECTED.items() if e.get("needs_mapping")))
def test_a_file_without_known_columns_needs_a_mapping(name: str) -> None:
    with pytest.raises(NeedsMappingError):
        read_statement((CORPUS / name).read_bytes(), currency=user_currency(EXPECTED[name]))


STATEMENTS = sorted(name for name, e in EXPECTED.items() if not e.get("rejected") and not e.get("needs_mapping"))


@pytest.mark.parametrize("name", STATEMENTS)
def test_a_statement_gives_exactly_its_expenses(name: str) -> None:
    expected = EXPECTED[name]
    statement = read_statement((CORPUS / name).read_bytes(), currency=user_currency(expected))
    assert statement.format == expected["format"]
    got = [(r.date.isoformat(), -r.amount, r.description) for r in statement.expenses]
    want = [(e["date"], Decimal(e["amount"]), e["description"]) for e in expected["expenses"]]
    assert got == want
    assert len(statement.income) == expected["income_rows"]
    assert statement.skipped == expected.get("skipped_rows", 0)
    assert statement.invalid == []
    if expected.get("date_order"):
        assert statement.date_order == expected["date_order"]
