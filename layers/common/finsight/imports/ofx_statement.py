"""OFX and QFX statements (OFX 1.x SGML and 2.x XML, bank and credit card), read with ofxtools: every
STMTTRN's posting date, signed amount (TRNAMT: negative is money out), and its NAME (or MEMO)."""

from __future__ import annotations

import io
from datetime import date
from typing import Any

from finsight.imports.statement import Statement, StatementError, StatementRow


def read_ofx(data: bytes) -> Statement:
    from ofxtools.Parser import OFXTree  # noqa: PLC0415 - ~230 ms of imports, for OFX files only

    tree = OFXTree()
    try:
        tree.parse(io.BytesIO(data))
        ofx: Any = tree.convert()
        statements = list(ofx.statements)
    except Exception as exc:  # ofxtools raises its own ParseError and others for a broken file
        raise StatementError("This OFX file could not be read (it is incomplete or malformed).") from exc
    if not statements:
        raise StatementError("This OFX file holds no statement.")
    result = Statement(format="ofx", date_order="YMD")
    # The bank's own day of each transaction: DTPOSTED's first 8 digits, before ofxtools turns it into UTC (a
    # midnight at +05:30 would be the day before; an evening in New York the day after).
    posted_days = [_day(element.findtext("DTPOSTED")) for element in tree.findall(".//STMTTRN")]
    line = 0
    for stmt in statements:
        currency = str(stmt.curdef) if getattr(stmt, "curdef", None) else None
        result.currency = result.currency or currency
        for txn in stmt.transactions or []:
            line += 1
            posted = getattr(txn, "dtposted", None)
            amount = getattr(txn, "trnamt", None)
            if posted is None or amount is None:
                result.reject(line, "a transaction without a date or an amount")
                continue
            if amount == 0:
                result.reject(line, "the amount is zero")
                continue
            description = " ".join(str(getattr(txn, "name", None) or getattr(txn, "memo", None) or "").split())
            row_currency = getattr(getattr(txn, "currency", None), "cursym", None) or currency
            own_day = posted_days[line - 1] if line <= len(posted_days) else None
            day: date = own_day or posted.date()
            result.rows.append(StatementRow(line, day, amount, description or "(no description)", row_currency))
    return result


def _day(value: str | None) -> date | None:
    digits = (value or "").strip()[:8]
    try:
        return (
            date(int(digits[:4]), int(digits[4:6]), int(digits[6:8])) if digits.isdigit() and len(digits) == 8 else None
        )
    except ValueError:
        return None
