"""QIF statements (Quicken Interchange Format), read with quiffen: each transaction's date, signed amount
(T/U: negative is money out) and payee (or memo). QIF dates carry no order of their own (11/03'26): the order
is decided from all of the file's D lines together, as for a CSV column."""

from __future__ import annotations

import re
from typing import Any

from finsight.imports.statement import Statement, StatementError, StatementRow
from finsight.imports.values import date_format, decimal_comma, parse_amount

DATE_LINE = re.compile(r"^D(.+)$", re.MULTILINE)
AMOUNT_LINE = re.compile(r"^([TU\$])(.+)$", re.MULTILINE)


def read_qif(data: bytes, *, currency: str) -> Statement:
    from quiffen import Qif  # noqa: PLC0415 - for QIF files only

    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
    text = text.replace("\r\n", "\n").strip()
    found = date_format(DATE_LINE.findall(text), currency)
    if found is None:
        raise StatementError("The dates in this QIF file could not be read.")
    _, order = found
    text = _plain_amounts(text)
    try:
        qif: Any = Qif.parse_string(text, day_first=order == "DMY")
    except Exception as exc:  # quiffen raises its own errors and ValueError for a broken file
        raise StatementError("This QIF file could not be read (it is incomplete or malformed).") from exc
    result = Statement(format="qif", date_order=order)
    line = 0
    for account in qif.accounts.values():
        for transactions in account.transactions.values():
            for txn in transactions:
                line += 1
                if txn.amount == 0:
                    result.reject(line, "the amount is zero")
                    continue
                description = " ".join(str(txn.payee or txn.memo or "").split()) or "(no description)"
                result.rows.append(StatementRow(line, txn.date.date(), txn.amount, description))
    if line == 0:
        raise StatementError("This QIF file holds no transactions.")
    return result


def _plain_amounts(text: str) -> str:
    """T and U lines as quiffen reads them (1234.56): a file writing decimal commas (T-1.234,56, European
    Quicken and Money exports) would be read 100 times too large or small."""
    amounts = AMOUNT_LINE.findall(text)
    if not decimal_comma(value for _, value in amounts):
        return text

    def plain(match: re.Match[str]) -> str:
        amount = parse_amount(match.group(2), comma_decimal=True)
        return match.group(0) if amount is None else f"{match.group(1)}{amount}"

    return AMOUNT_LINE.sub(plain, text)
