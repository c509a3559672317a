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
from dataclasses import dataclass, replace
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
from finsight.transactions.models import MAX_NOTES_LENGTH, MAX_TAGS, normalise_tag

HEADER_SEARCH_LINES = 40
MAPPING_FORMATS = {
    "DD/MM/YYYY": "%d/%m/%Y",
    "MM/DD/YYYY": "%m/%d/%Y",
    "YYYY-MM-DD": "%Y-%m-%d",
    "DD.MM.YYYY": "%d.%m.%Y",
}
MONEY_LIKE = re.compile(r"[.,]\d{2}\)?-?$|^[-(]")  # cents or a sign: an amount, not a count
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
        "buchung",
        "valuta",
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
        "transactiondescription",
        "auftraggeberempfaenger",
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
    "tags": ("tags", "tag", "labels"),
    # a category a row names (FinSight's own export, Monzo's, many banks'): used when it is one of the user's
    "category": ("category", "categories", "kategorie", "categorie", "categoria", "categoría"),
    "notes": ("notes", "note", "notesandtags", "comment", "comments"),
    "state": ("state", "status"),
    # An unsigned amount's direction: "Dr / Cr", "Credit Debit Indicator" (Kotak, Navy Federal).
    "indicator": (
        "drcr",
        "crdr",
        "creditdebitindicator",
        "debitcreditindicator",
        "drcrindicator",
        "debitcredit",
        "creditdebit",
        "type",
    ),
}


def _key(cell: str) -> str:
    cell = cell.lower().replace("ä", "ae").replace("ö", "oe").replace("ü", "ue").replace("ß", "ss")
    cell = re.sub(r"\(.*?\)", "", cell)  # "Withdrawal Amount (INR )" → withdrawal amount
    return re.sub(r"[^a-z0-9]", "", cell)


def decode(data: bytes) -> str:
    """UTF-16 with its BOM (Excel's "Unicode Text"), UTF-8 (a BOM is dropped), else Windows-1252 (German and
    older European exports); never a binary file."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise StatementError("This is not a CSV file (its text could not be read).") from None
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
    lines = text.splitlines()  # CR, LF and CRLF alike
    sample = "\n".join(lines[:HEADER_SEARCH_LINES])
    if re.search(r"(?i)<(html|!doctype|body|table)\b", sample):
        raise StatementError("This is not a CSV file (it is a web page).")
    counts = {d: sample.count(d) for d in (",", ";", "\t", "|")}
    delimiter = max(counts, key=lambda d: counts[d])
    if counts[delimiter] == 0:
        delimiter = ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, skipinitialspace=True)
    try:  # newline="": lines ended by CR alone (Excel for Mac's CSV) read as lines
        return [[cell.strip() for cell in row] for row in reader]
    except csv.Error as exc:  # a cell over the csv module's field limit, a broken quote
        raise StatementError("This CSV file could not be read (a cell is malformed or far too long).") from exc


@dataclass(frozen=True)
class Columns:
    date: int
    description: int
    amount: int | None = None
    debit: int | None = None
    credit: int | None = None
    currency: int | None = None
    state: int | None = None
    indicator: int | None = None
    tags: int | None = None
    notes: int | None = None
    category: int | None = None
    notes_with_tags: bool = False  # Monzo's "Notes and #tags" column: its hashtags are tags
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
    """A file without a header row (Wells Fargo): the date column, the amount column that looks most like money
    (cents, signs: not a row number), the wordiest text."""
    width = max(len(r) for r in rows[:20])
    columns = [[r[i] if i < len(r) else "" for r in rows[:200]] for i in range(width)]
    dates = [i for i, values in enumerate(columns) if looks_like_dates(values)]
    amounts = [i for i, values in enumerate(columns) if i not in dates and looks_like_amounts(values)]
    if not dates or not amounts:
        return None
    texts = [i for i in range(width) if i not in dates and i not in amounts]
    if not texts:
        return None
    description = max(texts, key=lambda i: sum(c.isalpha() for v in columns[i] for c in v))
    amount = max(amounts, key=lambda i: (sum(1 for v in columns[i] if MONEY_LIKE.search(v)), -i))
    return Columns(date=dates[0], description=description, amount=amount)


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
                    indicator=found.get("indicator"),
                    tags=found.get("tags"),
                    notes=found.get("notes"),
                    category=found.get("category"),
                    notes_with_tags="notes" in found and _key(row[found["notes"]]) == "notesandtags",
                )
            break
    if mapping is not None:
        raise StatementError("The mapping's columns are not in the file's header row.")
    first = _first_data_row(rows)
    data = [r for r in rows[first:] if any(r)] if first is not None else []
    headerless = _headerless_columns(data) if data else None
    # No header (a title line at most): read by content. A header of unknown names is not guessed past.
    if (
        headerless is not None
        and first is not None
        and _starts_data(rows[first], headerless.date)
        and _named_row_above(rows, first) is None
    ):
        return first, headerless
    header_index = _header_above(rows, first)
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


def _looks_like_transaction(row: list[str]) -> bool:
    """A row with a date in one cell and an amount in another."""
    dates = [i for i, cell in enumerate(row) if cell and looks_like_dates([cell])]
    return any(cell and looks_like_amounts([cell]) for i, cell in enumerate(row) if i not in dates) and bool(dates)


def _first_data_row(rows: list[list[str]]) -> int | None:
    """The first row that reads as a transaction (after any preamble), within the header search window."""
    return next((i for i, row in enumerate(rows[:HEADER_SEARCH_LINES]) if _looks_like_transaction(row)), None)


def _starts_data(row: list[str], date_column: int) -> bool:
    return date_column < len(row) and looks_like_dates([row[date_column]])


def _named_row_above(rows: list[list[str]], first: int) -> int | None:
    """The row just above the first transaction when it has two or more cells (a header), else None (a title
    line, or nothing)."""
    above = next((i for i in range(first - 1, -1, -1) if any(rows[i])), None)
    return above if above is not None and sum(1 for c in rows[above] if c) >= 2 else None


def _header_above(rows: list[list[str]], first: int | None) -> int | None:
    """The header of a file whose column names are not known: the row just above its first transaction (a
    preamble line above it is not the header), else the first row of two or more cells."""
    if first is not None:
        above = next((i for i in range(first - 1, -1, -1) if any(rows[i])), None)
        if above is not None and sum(1 for c in rows[above] if c) >= 2 and not _looks_like_transaction(rows[above]):
            return above
    return next((i for i, r in enumerate(rows[:HEADER_SEARCH_LINES]) if sum(1 for c in r if c) >= 2), None)


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
    directions = _directions(body, cols)
    for line, row in body:
        _take(statement, line, row, cols=cols, fmt=fmt, comma=comma, directions=directions)
    if cols.amount is not None and directions is None and _charges_are_positive(statement):
        statement.rows = [replace(row, amount=-row.amount) for row in statement.rows]
    return statement


def _take(
    statement: Statement,
    line: int,
    row: list[str],
    *,
    cols: Columns,
    fmt: str,
    comma: bool,
    directions: dict[str, int] | None,
) -> None:
    """One row into the statement: a transaction, an invalid row with its reason, a skipped one (pending at
    the bank), or nothing (a footer, a subtotal, a balance line)."""
    when = parse_date(_cell(row, cols.date), fmt)
    amount = _amount(row, cols, comma)
    if amount is not None and directions is not None:
        amount = abs(amount) * directions.get(_cell(row, cols.indicator).lower(), 1)
    if when is None and (amount is None or not re.search(r"\d", _cell(row, cols.date))):
        return  # a footer, a subtotal, a balance line ("Kontostand", "Closing balance")
    if amount is None and BALANCE.search(_cell(row, cols.description)):
        return  # "Beginning balance as of 11/01/2026": a dated line that is no transaction
    if _cell(row, cols.state).lower() not in DONE_STATES:
        statement.skipped += 1
    elif when is None:
        statement.reject(line, "the date could not be read")
    elif amount is None:
        statement.reject(line, "the amount could not be read")
    elif amount == 0:
        statement.reject(line, "the amount is zero")
    else:
        row_currency = _cell(row, cols.currency).upper() or None
        description = _unguarded(_cell(row, cols.description)) or "(no description)"
        notes = _unguarded(_cell(row, cols.notes))[:MAX_NOTES_LENGTH].strip()
        tags = _tags(_unguarded(_cell(row, cols.tags)))
        if cols.notes_with_tags and HASHTAG.search(notes):  # Monzo's "Notes and #tags": "#coffee with Sam"
            tags = _tags(",".join(HASHTAG.findall(notes)))
            notes = " ".join(HASHTAG.sub(" ", notes).split())
        category = " ".join(_unguarded(_cell(row, cols.category)).split())[:100] or None
        statement.rows.append(
            StatementRow(line, when, amount, description, row_currency, tags, notes or None, category)
        )


HASHTAG = re.compile(r"(?<![\w&])#([^\W\d_][\w-]*)")  # "#coffee", not "Invoice #4521"


def _tags(cell: str) -> tuple[str, ...]:
    """A tags cell ("trip, work" or "trip; work"): the tags a transaction may carry, the others left out."""
    tags: list[str] = []
    for part in re.split(r"[,;]", cell):
        try:
            tag = normalise_tag(part)
        except ValueError:
            continue
        if tag not in tags and len(tags) < MAX_TAGS:
            tags.append(tag)
    return tuple(tags)


OUT_WORDS = {"dr": -1, "d": -1, "debit": -1, "cr": 1, "c": 1, "credit": 1}
PAYMENT = re.compile(r"(?i)\b(payment|thank you|autopay|auto pay|credit|refund|return|reversal|cashback)\b")


def _directions(body: list[tuple[int, list[str]]], cols: Columns) -> dict[str, int] | None:
    """An indicator column's signs, when the column holds only Dr/Cr or Debit/Credit (a "Type" of card
    payments, sales or transfers is no indicator)."""
    if cols.indicator is None or cols.amount is None:
        return None
    values = {_cell(row, cols.indicator).lower() for _, row in body} - {""}
    return OUT_WORDS if values and values <= OUT_WORDS.keys() else None


def _charges_are_positive(statement: Statement) -> bool:
    """A card export that writes purchases positive (Amex, Apple Card, Discover): at least twice as many
    positive amounts as negative ones, and every negative one a payment, a refund or a credit to the card."""
    negative = [row for row in statement.rows if row.amount < 0]
    positive = len(statement.rows) - len(negative)
    return bool(negative) and positive >= 2 * len(negative) and all(PAYMENT.search(row.description) for row in negative)


def _amount(row: list[str], cols: Columns, comma: bool) -> Decimal | None:
    if cols.amount is not None:
        return parse_amount(_cell(row, cols.amount), comma_decimal=comma)
    debit = parse_amount(_cell(row, cols.debit), comma_decimal=comma) if cols.debit is not None else None
    credit = parse_amount(_cell(row, cols.credit), comma_decimal=comma) if cols.credit is not None else None
    if debit is None and credit is None:
        return None
    return (abs(credit) if credit else Decimal(0)) - (abs(debit) if debit else Decimal(0))
