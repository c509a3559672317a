"""What a bank statement is read into, whatever its format: dated, signed amounts (negative = money out) with a
description, plus what could not be read. The readers are `csv_statement`, `ofx_statement`, `qif_statement`;
`read_statement` picks one from the file's content."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Literal

Format = Literal["csv", "ofx", "qif"]
MAX_INVALID_REPORTED = 50


class StatementError(Exception):
    """The file cannot be read as a statement; `reason` says why, in words a user understands."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class StatementRow:
    line: int  # 1-based row of the file (CSV: data row; OFX/QIF: the transaction's position)
    date: date
    amount: Decimal  # signed: negative is money out
    description: str
    currency: str | None = None  # the row's own currency, when the file names one
    tags: tuple[str, ...] = ()  # a tags column's (FinSight's own export has one)
    notes: str | None = None
    category: str | None = None  # a category column's, as written (filed there when it is one of the user's)


@dataclass
class Statement:
    format: Format
    rows: list[StatementRow] = field(default_factory=list)
    invalid: list[tuple[int, str]] = field(default_factory=list)  # (line, reason)
    skipped: int = 0  # rows that are not (yet) transactions: pending, reverted, declined
    currency: str | None = None  # the statement's currency, when the file says
    date_order: str | None = None  # DMY, MDY or YMD, as decided from the whole date column

    @property
    def expenses(self) -> list[StatementRow]:
        return [row for row in self.rows if row.amount < 0]

    @property
    def income(self) -> list[StatementRow]:
        return [row for row in self.rows if row.amount > 0]

    def reject(self, line: int, reason: str) -> None:
        self.invalid.append((line, reason))


def nothing_to_import(statement: Statement) -> str | None:
    """Why a statement read without error still imports nothing (no expense in it), or None."""
    if statement.expenses:
        return None
    if statement.income:
        count = len(statement.income)
        return f"The file has no expenses: its {count} {'row is' if count == 1 else 'rows are'} money in."
    return "The file has no rows that could be read."


@dataclass(frozen=True)
class NeedsMappingError(Exception):
    """A CSV whose columns could not be matched to date, amount and description: the user maps them."""

    columns: list[str]
    sample: list[list[str]]


def read_statement(data: bytes, *, currency: str, mapping: dict[str, str] | None = None) -> Statement:
    """Read a statement file (its format detected from its content). `currency` is the user's: it decides
    ambiguous dates (MDY for USD, else DMY) and is the currency of rows whose file names none.

    Raises StatementError for a file that is no statement, NeedsMappingError for a CSV without a mapping."""
    if not data.strip():
        raise StatementError("The file is empty.")
    head = data[:4096].lstrip(b"\xef\xbb\xbf").lstrip()
    upper = head.upper()
    if upper.startswith(b"OFXHEADER") or b"<OFX>" in upper or b"<?OFX" in upper:
        from finsight.imports.ofx_statement import read_ofx  # noqa: PLC0415 - ofxtools only for OFX files

        return read_ofx(data)
    if upper.startswith((b"!TYPE:", b"!ACCOUNT", b"!OPTION")):
        from finsight.imports.qif_statement import read_qif  # noqa: PLC0415 - quiffen only for QIF files

        return read_qif(data, currency=currency)
    from finsight.imports.csv_statement import read_csv  # noqa: PLC0415

    return read_csv(data, currency=currency, mapping=mapping)
