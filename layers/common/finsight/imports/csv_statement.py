"""CSV statements as banks export them: the encoding (UTF-8 with or without BOM, else Windows-1252), the
delimiter (comma, semicolon, tab, pipe), the header row after any preamble (or none at all), the columns
matched by name in English and German (date, description, one signed amount or debit and credit, currency,
state), the date format decided from the whole column and the decimal separator from the whole amount column.

Footers and subtotal lines (no date and no amount) are passed over; a row with only one of them is reported
invalid. Rows a bank marks pending, reverted or declined are skipped (counted). Columns that cannot be matched
raise NeedsMappingError with the file's own column names; the user's mapping (`date`, `amount` or `debit` and
`credit`, `description`, `currency`, `date_format`) then reads it.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from finsight.imports.statement import NeedsMappingError, Statement, StatementError, StatementRow
from finsight.imports.values import (
    date_format,
    decimal_comma,
    looks_like_amounts,
    looks_like_dates,
    parse_amount,
    parse_date,
)

HEADER_SEARCH_LINES = 40
MAPPING_FORMATS = {
    "DD/MM/YYYY": "%d/%m/%Y",
    "MM/DD/YYYY": "%m/%d/%Y",
    "YYYY-MM-DD": "%Y-%m-%d",
    "DD.MM.YYYY": "%d.%m.%Y",
}
SEPARATOR = re.compile(r"^[*\-=_~. ]*$")  # a row of asterisks or dashes: the transactions end there
BALANCE = re.compile(r"(?i)\b(balance|kontostand|saldo|solde)\b")  # "Beginning balance as of 11/01/2026"
DONE_STATES = {"", "completed", "complete", "posted", "booked", "settled", "cleared"}

# Header names per role, normalised (lower case, letters and digits only), in order of preference.
ROLES: dict[str, tuple[str, ...]] = {
    "date": (
        "transactiondate",
        "txndate",
        "trandate",
        "date",
        "bookingdate",
        "buchungstag",
        "buchungsdatum",
        "starteddate",
        "completeddate",
        "postingdate",
        "posteddate",
        "postdate",
        "valuedate",
        "valuedt",
        "wert",
        "valutadatum",
        "datum",
    ),
    "description": (
        "merchant",
        "payee",
        "name",
        "description",
        "narration",
        "transactionremarks",
        "remarks",
        "particulars",
        "details",
        "transactiondetails",
        "beguenstigterauftraggeber",
        "begunstigterauftraggeber",
        "verwendungszweck",
        "buchungstext",
        "memo",
        "reference",
    ),
    "amount": ("amount", "transactionamount", "betrag", "amountinr", "amountusd", "amounteur", "amountgbp", "value"),
    "debit": (
        "withdrawalamt",
        "withdrawalamount",
        "withdrawal",
        "withdrawals",
        "debit",
        "debitamount",
        "debits",
        "soll",
        "moneyout",
        "paidout",
        "dr",
    ),
    "credit": (
        "depositamt",
        "depositamount",
        "deposit",
        "deposits",
        "credit",
        "creditamount",
        "credits",
        "haben",
        "moneyin",
        "paidin",
        "cr",
    ),
    "currency": ("currency", "waehrung", "wahrung", "ccy"),
    "state": ("state", "status"),
}


def _key(cell: str) -> str:
    cell = cell.lower().replace("ä", "ae").replace("ö", "oe").replace("ü", "ue").replace("ß", "ss")
    cell = re.sub(r"\(.*?\)", "", cell)  # "Withdrawal Amount (INR )" → withdrawal amount
    return re.sub(r"[^a-z0-9]", "", cell)


def decode(data: bytes) -> str:
    """UTF-8 (a BOM is dropped), else Windows-1252 (German and older European exports); never a binary file."""
    if b"\x00" in data[:4096]:
        raise StatementError("This is not a CSV file (it holds binary data).")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
        if text.count("\ufffd") > len(text) / 100:
            raise StatementError("This is not a CSV file (its text could not be read).") from None
        return text


def _rows(text: str) -> list[list[str]]:
    lines = text.splitlines()
    sample = "\n".join(lines[:HEADER_SEARCH_LINES])
    if re.search(r"(?i)<(html|!doctype|body|table)\b", sample):
        raise StatementError("This is not a CSV file (it is a web page).")
    counts = {d: sample.count(d) for d in (",", ";", "\t", "|")}
    delimiter = max(counts, key=lambda d: counts[d])
    if counts[delimiter] == 0:
        delimiter = ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter, skipinitialspace=True)
    return [[cell.strip() for cell in row] for row in reader]


@dataclass(frozen=True)
class Columns:
    date: int
    description: int
    amount: int | None = None
    debit: int | None = None
    credit: int | None = None
    currency: int | None = None
    state: int | None = None
    fmt: str | None = None  # a date format the user gave


def _match(header: Sequence[str]) -> dict[str, int]:
    keys = [_key(cell) for cell in header]
    found: dict[str, int] = {}
    for role, names in ROLES.items():
        for name in names:
            if name in keys and keys.index(name) not in found.values():
                found[role] = keys.index(name)
                break
    return found


def _is_header(row: Sequence[str]) -> bool:
    found = _match(row)
    return "date" in found and ("amount" in found or "debit" in found or "credit" in found or "description" in found)


def _headerless_columns(rows: list[list[str]]) -> Columns | None:
    """A file without a header row (Wells Fargo): the date column, the first amount column, the longest text."""
    width = max(len(r) for r in rows[:20])
    columns = [[r[i] if i < len(r) else "" for r in rows[:200]] for i in range(width)]
    dates = [i for i, values in enumerate(columns) if looks_like_dates(values)]
    amounts = [i for i, values in enumerate(columns) if i not in dates and looks_like_amounts(values)]
    if not dates or not amounts:
        return None
    texts = [i for i in range(width) if i not in dates and i not in amounts]
    if not texts:
        return None
    description = max(texts, key=lambda i: sum(len(v) for v in columns[i]))
    return Columns(date=dates[0], description=description, amount=amounts[0])


def _mapped(header: list[str], mapping: dict[str, str]) -> Columns:
    keys = {cell: i for i, cell in enumerate(header)}

    def column(role: str) -> int | None:
        name = mapping.get(role)
        if name is None:
            return None
        if name not in keys:
            raise StatementError(f"The mapping names a column the file does not have: {name!r}.")
        return keys[name]

    date, description = column("date"), column("description")
    if date is None or description is None:
        raise StatementError("A mapping needs the date and description columns.")
    fmt = mapping.get("date_format")
    return Columns(
        date=date,
        description=description,
        amount=column("amount"),
        debit=column("debit"),
        credit=column("credit"),
        currency=column("currency"),
        fmt=MAPPING_FORMATS.get(fmt.upper()) if fmt else None,
    )


def _locate(rows: list[list[str]], mapping: dict[str, str] | None) -> tuple[int, Columns]:
    """The index of the first data row and the columns read."""
    for index, row in enumerate(rows[:HEADER_SEARCH_LINES]):
        if mapping is not None and {mapping.get(r) for r in ("date", "description")} <= set(row):
            return index + 1, _mapped(row, mapping)
        if mapping is None and _is_header(row):
            found = _match(row)
            if "description" in found and ("amount" in found or "debit" in found or "credit" in found):
                return index + 1, Columns(
                    date=found["date"],
                    description=found["description"],
                    amount=found.get("amount") if not ("debit" in found and "credit" in found) else None,
                    debit=found.get("debit"),
                    credit=found.get("credit"),
                    currency=found.get("currency"),
                    state=found.get("state"),
                )
            break
    if mapping is not None:
        raise StatementError("The mapping's columns are not in the file's header row.")
    data = [r for r in rows if any(r)]
    headerless = _headerless_columns(data) if data else None
    if headerless is not None and looks_like_dates([data[0][headerless.date]]):
        return rows.index(data[0]), headerless
    header_index = next((i for i, r in enumerate(rows[:HEADER_SEARCH_LINES]) if sum(1 for c in r if c) >= 2), None)
    if header_index is None:
        raise StatementError("This file has no columns to read.")
    body = [r for r in rows[header_index + 1 :] if any(r)]
    if not body:
        raise StatementError("This file has no rows to import.")
    width = len(rows[header_index])
    column_values = [[r[i] if i < len(r) else "" for r in body[:200]] for i in range(width)]
    if not any(looks_like_dates(values) for values in column_values):
        raise StatementError("This file has no date column.")
    raise NeedsMappingError(columns=rows[header_index], sample=body[:3])


def _transaction_rows(rows: list[list[str]], start: int) -> list[tuple[int, list[str]]]:
    """The non-empty rows after the header, with their line numbers, up to a separator row (`********`) after
    them, which ends the transactions (a summary block follows in some banks' exports; one right under the
    header is passed over)."""
    body: list[tuple[int, list[str]]] = []
    for index, row in enumerate(rows[start:]):
        if not any(row):
            continue
        if all(SEPARATOR.match(cell) for cell in row):
            if body:
                break
            continue
        body.append((start + index + 1, row))
    return body


def _unguarded(text: str) -> str:
    """A cell an exporter kept from running as a formula ('=…, '-…) read as it was written."""
    return text[1:] if len(text) > 1 and text[0] == "'" and text[1] in "=+-@" else text


def _cell(row: list[str], index: int | None) -> str:
    return row[index] if index is not None and index < len(row) else ""


def read_csv(data: bytes, *, currency: str, mapping: dict[str, str] | None = None) -> Statement:
    rows = _rows(decode(data))
    if not any(any(r) for r in rows):
        raise StatementError("The file is empty.")
    start, cols = _locate(rows, mapping)
    body = _transaction_rows(rows, start)
    if not body:
        raise StatementError("This file has no rows to import.")
    statement = Statement(format="csv")
    dates = [_cell(r, cols.date) for _, r in body]
    fmt_order = (cols.fmt, "mapped") if cols.fmt else date_format([d for d in dates if re.search(r"\d", d)], currency)
    if fmt_order is None:
        raise StatementError("The dates in this file could not be read.")
    fmt, statement.date_order = fmt_order
    amount_cells = [_cell(r, c) for _, r in body for c in (cols.amount, cols.debit, cols.credit) if c is not None]
    comma = decimal_comma(amount_cells)
    for line, row in body:
        state = _cell(row, cols.state).lower()
        when = parse_date(_cell(row, cols.date), fmt)
        amount = _amount(row, cols, comma)
        if when is None and (amount is None or not re.search(r"\d", _cell(row, cols.date))):
            continue  # a footer, a subtotal, a balance line ("Kontostand", "Closing balance")
        if amount is None and BALANCE.search(_cell(row, cols.description)):
            continue  # "Beginning balance as of 11/01/2026": a dated line that is no transaction
        if state not in DONE_STATES:
            statement.skipped += 1
            continue
        if when is None:
            statement.reject(line, "the date could not be read")
        elif amount is None:
            statement.reject(line, "the amount could not be read")
        elif amount == 0:
            statement.reject(line, "the amount is zero")
        else:
            row_currency = _cell(row, cols.currency).upper() or None
            description = _unguarded(_cell(row, cols.description)) or "(no description)"
            statement.rows.append(StatementRow(line, when, amount, description, row_currency))
    return statement


def _amount(row: list[str], cols: Columns, comma: bool) -> Decimal | None:
    if cols.amount is not None:
        return parse_amount(_cell(row, cols.amount), comma_decimal=comma)
    debit = parse_amount(_cell(row, cols.debit), comma_decimal=comma) if cols.debit is not None else None
    credit = parse_amount(_cell(row, cols.credit), comma_decimal=comma) if cols.credit is not None else None
    if debit is None and credit is None:
        return None
    return (abs(credit) if credit else Decimal(0)) - (abs(debit) if debit else Decimal(0))
