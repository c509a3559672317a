"""Dates and amounts as banks write them, decided from a whole column rather than one cell: a column of
03/04/2026 … 25/04/2026 is day-first because of its last rows; amounts are decimal-comma when the column
writes them so (1.234,56), negative in parentheses, with a minus at either end, or marked Dr/Cr."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

# Candidate formats with their day/month order; a column takes the first order all its values parse in.
DATE_FORMATS: list[tuple[str, str]] = [
    ("%Y-%m-%d", "YMD"),
    ("%Y/%m/%d", "YMD"),
    ("%Y%m%d", "YMD"),
    ("%d/%m/%Y", "DMY"),
    ("%d/%m/%y", "DMY"),
    ("%d.%m.%Y", "DMY"),
    ("%d.%m.%y", "DMY"),
    ("%d-%m-%Y", "DMY"),
    ("%d-%m-%y", "DMY"),
    ("%d %b %Y", "DMY"),
    ("%d-%b-%Y", "DMY"),
    ("%d %b %y", "DMY"),
    ("%d-%b-%y", "DMY"),
    ("%d %B %Y", "DMY"),
    ("%m/%d/%Y", "MDY"),
    ("%m/%d/%y", "MDY"),
    ("%m-%d-%Y", "MDY"),
    ("%m-%d-%y", "MDY"),
    ("%b %d, %Y", "MDY"),
    ("%b %d %Y", "MDY"),
]
_TIME = re.compile(r"[ T]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?( ?[AP]M)?(Z|[+-]\d{2}:?\d{2})?$", re.IGNORECASE)
MONTH_FIRST_CURRENCIES = frozenset({"USD"})  # an undecidable column (every day ≤ 12) is read month-first for these
_SYMBOLS = re.compile(r"(?i)(rs\.?|inr|usd|eur|gbp|[₹$€£¥])")
_DECIMAL_COMMA = re.compile(r"^-?[\d.\s']*\d,\d{1,2}-?$")
_DECIMAL_DOT = re.compile(r"^-?[\d,\s']*\d\.\d{1,2}-?$")


def _date_part(value: str) -> str:
    value = value.strip().replace("'", "/")  # QIF writes 11/03'26
    return _TIME.sub("", value).strip()


def _parses(value: str, fmt: str) -> date | None:
    try:
        return datetime.strptime(value, fmt).date()
    except ValueError:
        return None


def date_format(values: Iterable[str], currency: str) -> tuple[str, str] | None:
    """The format and order every non-empty value parses in (None when no format reads them all). When both
    day-first and month-first read the whole column, the user's currency decides."""
    distinct = list(dict.fromkeys(_date_part(v) for v in values if v and v.strip()))
    if not distinct:
        return None
    fitting = [(fmt, order) for fmt, order in DATE_FORMATS if all(_parses(v, fmt) for v in distinct)]
    if not fitting:  # a stray cell (a note, a total) must not sink the column: the format most of it reads
        counts = [(sum(1 for v in distinct if _parses(v, fmt)), fmt, order) for fmt, order in DATE_FORMATS]
        best = max(count for count, _, _ in counts)
        strays = max(2, len(distinct) // 10)  # at most this many cells of the column may be no dates
        if best < max(1, len(distinct) / 2, len(distinct) - strays):
            return None
        fitting = [(fmt, order) for count, fmt, order in counts if count == best]
    orders = {order for _, order in fitting}
    preferred = "MDY" if currency in MONTH_FIRST_CURRENCIES else "DMY"
    if len(orders) > 1 and preferred in orders:
        return next(f for f in fitting if f[1] == preferred)
    return fitting[0]


def parse_date(value: str, fmt: str) -> date | None:
    return _parses(_date_part(value), fmt)


def looks_like_dates(values: list[str]) -> bool:
    """Most of the non-empty values read as dates in one format (a column that is a date column)."""
    filled = [v for v in values if v and v.strip()]
    if not filled:
        return False
    for fmt, _ in DATE_FORMATS:
        if sum(1 for v in filled if _parses(_date_part(v), fmt)) >= max(1, len(filled) * 0.8):
            return True
    return False


def decimal_comma(values: Iterable[str]) -> bool:
    """The column writes decimals with a comma (1.234,56 / 12,5): more values say so than say the opposite."""
    comma = dot = 0
    for raw in values:
        value = _clean(raw)
        if _DECIMAL_COMMA.match(value):
            comma += 1
        elif _DECIMAL_DOT.match(value):
            dot += 1
    return comma > dot


def _clean(raw: str) -> str:
    value = _SYMBOLS.sub("", raw.replace("\u00a0", " ")).strip()
    if value.startswith("(") and value.endswith(")"):
        value = "-" + value[1:-1].strip()
    return value


def parse_amount(raw: str, *, comma_decimal: bool = False) -> Decimal | None:
    """A signed amount: `(45.00)`, `-45.00`, `45.00-`, `45.00 Dr` and `-45,00` are all -45; None when empty or
    not a number."""
    value = _clean(raw)
    if not value:
        return None
    sign = 1
    lowered = value.lower()
    if lowered.endswith(("dr", "cr")):
        sign = -1 if lowered.endswith("dr") else 1
        value = value[:-2].strip()
    if value.endswith("-"):
        sign, value = -sign, value[:-1].strip()
    if value.startswith("+"):
        value = value[1:]
    if value.startswith("-"):
        sign, value = -sign, value[1:].strip()
    value = value.replace(" ", "").replace("'", "")
    value = value.replace(".", "").replace(",", ".") if comma_decimal else value.replace(",", "")
    if not re.fullmatch(r"\d+(\.\d+)?|\.\d+", value):
        return None
    try:
        return Decimal(value) * sign
    except InvalidOperation:
        return None


def looks_like_amounts(values: list[str]) -> bool:
    filled = [v for v in values if v and v.strip()]
    comma = decimal_comma(filled)
    return (
        bool(filled) and sum(1 for v in filled if parse_amount(v, comma_decimal=comma) is not None) >= len(filled) * 0.8
    )
