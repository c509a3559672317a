#!/usr/bin/env python3
"""Self-check of the statement corpus: expected.json against the files themselves.

Standard library only. This is NOT an importer: every column position below is
hard-coded per file, so the check only proves that expected.json tells the truth
about these exact files (row counts, dates, amounts, signs, descriptions, order,
encodings, twins, the HDFC overlap, and why each broken file is broken).

Run:  python3 tests/data/statements/check_corpus.py     (exit code 0 = consistent)
"""

from __future__ import annotations

import csv
import datetime as dt
import html
import io
import json
import re
import sys
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
OWN_FILES = {"expected.json", "README.md", "check_corpus.py"}
MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

# CSV layouts: a regex that spots a transaction line, and the 0-based field that holds what.
#   date=(i, fmt) date column and how an ISO date is written there ("sbi" = "1 Nov 2026")
#   signed=i      one signed amount column (negative or "(x)" = money out)
#   out=i, in=j   separate debit / credit columns
#   bal=k         running balance: each row's balance must equal the previous one plus its amount
#   state=s       Revolut State column: rows other than COMPLETED are skipped
Spec = dict[str, Any]
HDFC: Spec = {"row": r"\d{2}/\d{2}/\d{2},", "date": (0, "%d/%m/%y"), "desc": 1, "out": 4, "in": 5, "bal": 6}
US_MDY: Spec = {"row": r"\d{2}/\d{2}/\d{4},", "date": (0, "%m/%d/%Y")}
ISO: Spec = {"row": r"\d{4}-\d{2}-\d{2},", "date": (0, "%Y-%m-%d")}
CSV_SPECS: dict[str, Spec] = {
    "hdfc_savings.csv": HDFC,
    "hdfc_savings_overlap.csv": HDFC,
    "icici_savings.csv": {
        "row": r",\d+,\d{2}/\d{2}/\d{4},",
        "date": (3, "%d/%m/%Y"),
        "desc": 5,
        "out": 6,
        "in": 7,
        "bal": 8,
    },
    "sbi_account.csv": {
        "row": r"\d{1,2} [A-Z][a-z]{2} \d{4}\t",
        "delim": "\t",
        "date": (0, "sbi"),
        "desc": 2,
        "out": 4,
        "in": 5,
        "bal": 6,
    },
    "chase_credit_card.csv": {**US_MDY, "desc": 2, "signed": 5},
    "bank_of_america_checking.csv": {**US_MDY, "desc": 1, "signed": 2, "bal": 3},
    "wells_fargo_checking.csv": {"row": r'"\d{2}/\d{2}/\d{4}",', "date": (0, "%m/%d/%Y"), "desc": 4, "signed": 1},
    "deutsche_bank_giro.csv": {
        "row": r"\d{2}\.\d{2}\.\d{4};",
        "delim": ";",
        "enc": "cp1252",
        "german": True,
        "date": (0, "%d.%m.%Y"),
        "desc": 3,
        "out": 15,
        "in": 16,
    },
    "revolut_eur.csv": {
        "row": r"[A-Z_]+,Current,",
        "date": (2, "%Y-%m-%d"),
        "desc": 4,
        "signed": 5,
        "state": 8,
        "bal": 9,
    },
    "monzo_gbp.csv": {"row": r"tx_", "enc": "utf-8-sig", "date": (1, "%d/%m/%Y"), "desc": 4, "signed": 7},
    "generic_parentheses.csv": {**ISO, "desc": 2, "signed": 4},
    "ambiguous_dates_dmy.csv": {"row": r"\d{2}/\d{2}/\d{4},", "date": (0, "%d/%m/%Y"), "desc": 1, "signed": 2},
    "ambiguous_dates_mdy.csv": {**US_MDY, "desc": 1, "signed": 2},
    "unmappable.csv": {**ISO, "desc": 1, "signed": 2},
}

# One transaction: (date as written, signed amount or None when blank, description, skip?)
Record = tuple[str, Decimal | None, str, bool]

errors: list[str] = []


def fail(name: str, msg: str) -> None:
    errors.append(f"{name}: {msg}")


def num(text: str, german: bool = False) -> Decimal | None:
    """'1,20,000.00' / '(45.00)' / '-1.150,00' / ' 312.00' -> Decimal; blank -> None."""
    t = text.strip().replace(" ", "")
    if not t:
        return None
    neg = t.startswith("(") and t.endswith(")")
    t = t.strip("()")
    t = t.replace(".", "").replace(",", ".") if german else t.replace(",", "")
    try:
        value = Decimal(t)
    except InvalidOperation:
        raise ValueError(f"not a number: {text!r}") from None
    return -value if neg else value


def render(iso: str, fmt: str) -> str:
    d = dt.date.fromisoformat(iso)
    if fmt == "sbi":
        return f"{d.day} {MONTHS[d.month - 1]} {d.year}"
    return d.strftime(fmt)


def row_amount(row: list[str], spec: Spec) -> Decimal | None:
    german = bool(spec.get("german"))
    if "signed" in spec:
        return num(row[spec["signed"]], german)
    out, money_in = num(row[spec["out"]], german), num(row[spec["in"]], german)
    if out:  # Deutsche Bank writes Soll as negative numbers, the Indian banks as positive ones
        return -abs(out)
    return money_in


def csv_records(name: str, spec: Spec) -> list[Record]:
    text = (HERE / name).read_bytes().decode(spec.get("enc", "utf-8"))
    lines = [ln for ln in text.splitlines() if re.match(spec["row"], ln)]
    recs: list[Record] = []
    balance: Decimal | None = None
    for row in csv.reader(io.StringIO("\n".join(lines)), delimiter=spec.get("delim", ",")):
        amount = row_amount(row, spec)
        skip = "state" in spec and row[spec["state"]] != "COMPLETED"
        if "bal" in spec and not skip:
            new = num(row[spec["bal"]], bool(spec.get("german")))
            if balance is not None and amount is not None and new != balance + amount:
                fail(name, f"running balance {new} != {balance} + {amount} on {row[0]}")
            balance = new
        recs.append((row[spec["date"][0]], amount, row[spec["desc"]].strip(), skip))
    return recs


def ofx_tag(block: str, tag: str) -> str:
    found = re.search(rf"<{tag}>([^<\r\n]*)", block)
    if not found:
        raise ValueError(f"<{tag}> missing in a STMTTRN")
    return found.group(1).strip()


def ofx_records(name: str) -> list[Record]:
    text = (HERE / name).read_text(encoding="utf-8")
    return [
        (ofx_tag(block, "DTPOSTED")[:8], num(ofx_tag(block, "TRNAMT")), html.unescape(ofx_tag(block, "NAME")), False)
        for block in re.findall(r"<STMTTRN>(.*?)</STMTTRN>", text, re.S)
    ]


def qif_records(name: str) -> list[Record]:
    text = (HERE / name).read_text(encoding="utf-8")
    recs: list[Record] = []
    for block in text.split("\n^")[:-1]:
        fields = {ln[0]: ln[1:].strip() for ln in block.splitlines() if ln and not ln.startswith("!")}
        recs.append((fields["D"], num(fields["T"]), fields["P"], False))
    return recs


def records_of(name: str) -> tuple[list[Record], str]:
    """The file's transactions and how an ISO date is written in them."""
    if name.endswith((".ofx", ".qfx")):
        return ofx_records(name), "%Y%m%d"
    if name.endswith(".qif"):
        return qif_records(name), "%m/%d'%y"
    spec = CSV_SPECS[name]
    return csv_records(name, spec), spec["date"][1]


def match_expenses(name: str, expenses: list[dict[str, str]], recs: list[Record], date_fmt: str) -> set[int]:
    """Walk the file in order: each expected expense must be the next matching money-out record."""
    used: set[int] = set()
    pos = 0
    for e in expenses:
        if not re.fullmatch(r"\d+\.\d{2}", e["amount"]) or Decimal(e["amount"]) <= 0:
            fail(name, f"bad amount string {e['amount']!r}")
        want_date, want_amount = render(e["date"], date_fmt), -Decimal(e["amount"])
        for i in range(pos, len(recs)):
            date, amount, desc, skip = recs[i]
            if date.startswith(want_date) and amount == want_amount and desc == e["description"] and not skip:
                used.add(i)
                pos = i + 1
                break
        else:
            fail(name, f"no record (in file order) for expense {e}")
    return used


def check_statement(name: str, exp: dict[str, Any]) -> int:
    for key in ("format", "currency", "date_order", "expenses", "income_rows", "needs_mapping", "notes"):
        if key not in exp:
            fail(name, f"expected.json entry lacks {key!r}")
    recs, date_fmt = records_of(name)
    if not 8 <= len(recs) <= 40:
        fail(name, f"{len(recs)} transaction rows, want 8-40")
    used = match_expenses(name, exp["expenses"], recs, date_fmt)
    counts = {"income_rows": 0, "skipped_rows": 0, "non_transaction_rows": 0}
    for i, (date, amount, desc, skip) in enumerate(recs):
        if i in used:
            continue
        if skip:
            counts["skipped_rows"] += 1
        elif amount is None:
            counts["non_transaction_rows"] += 1
        elif amount > 0:
            counts["income_rows"] += 1
        else:
            fail(name, f"money-out record missing from expenses: {date} {amount} {desc!r}")
    for key, got in counts.items():
        if exp.get(key, 0) != got:
            fail(name, f"{key}: expected.json says {exp.get(key, 0)}, file has {got}")
    check_twins(name, exp)
    return len(exp["expenses"])


def check_twins(name: str, exp: dict[str, Any]) -> None:
    for twin in exp.get("twins", []):
        same = [e for e in exp["expenses"] if all(e[k] == twin[k] for k in ("date", "amount", "description"))]
        if len(same) != twin["count"]:
            fail(name, f"twin {twin} appears {len(same)} times in expenses")


def all_income(text: str) -> bool:
    amounts = [num(line.rsplit(",", 1)[1]) for line in text.splitlines()[1:]]
    return len(amounts) >= 8 and all(a is not None and a > 0 for a in amounts)


def looks_broken(name: str, data: bytes) -> bool | None:
    """True when the file is broken the way expected.json says; None when no check exists for it."""
    if name == "empty.csv":
        return len(data) == 0
    if name == "binary.csv":
        return 200 <= len(data) <= 1000 and data.startswith(b"\x89PNG\r\n\x1a\n")
    checks: dict[str, Callable[[str], bool]] = {
        "header_only.csv": lambda text: len([ln for ln in text.splitlines() if ln.strip()]) == 1,
        "not_a_statement.csv": lambda text: text.lstrip().lower().startswith("<!doctype html"),
        "no_date_column.csv": lambda text: not re.search(r"\d{1,4}[-/.]\d{1,2}[-/.]\d{2,4}", text),
        "only_income.csv": all_income,
        "truncated.ofx": lambda text: text.startswith("OFXHEADER:100") and "</OFX>" not in text,
    }
    check = checks.get(name)
    return None if check is None else check(data.decode("utf-8"))


def check_rejected(name: str, data: bytes) -> None:
    verdict = looks_broken(name, data)
    if verdict is None:
        fail(name, "no rejection check defined for this file")
    elif not verdict:
        fail(name, "file does not look broken the way expected.json says")


def special_checks() -> None:
    db = (HERE / "deutsche_bank_giro.csv").read_bytes()
    try:
        db.decode("utf-8")
        fail("deutsche_bank_giro.csv", "decodes as UTF-8; it must be Windows-1252")
    except UnicodeDecodeError:
        pass
    if "Müller Bäckerei".encode("cp1252") not in db or b"\r\n" not in db:
        fail("deutsche_bank_giro.csv", "missing cp1252 'Müller Bäckerei' or CRLF line ends")
    if not (HERE / "monzo_gbp.csv").read_bytes().startswith(b"\xef\xbb\xbfTransaction ID,"):
        fail("monzo_gbp.csv", "does not start with a UTF-8 BOM + header")
    if "\t" not in (HERE / "sbi_account.csv").read_text(encoding="utf-8"):
        fail("sbi_account.csv", "not tab separated")
    first = (HERE / "wells_fargo_checking.csv").read_text(encoding="utf-8").splitlines()[0]
    if not re.fullmatch(r'"\d\d/\d\d/\d{4}","-?\d+\.\d\d","\*","\d*","[^"]+"', first):
        fail("wells_fargo_checking.csv", "first line is not a headerless 5-field data row")
    if not (HERE / "statement_v1.ofx").read_bytes().startswith(b"OFXHEADER:100\r\nDATA:OFXSGML\r\n"):
        fail("statement_v1.ofx", "missing OFX 1.x SGML header")
    qfx = (HERE / "statement_v2.qfx").read_text(encoding="utf-8")
    if not qfx.startswith("<?xml") or 'OFXHEADER="200"' not in qfx or "<CCSTMTRS>" not in qfx:
        fail("statement_v2.qfx", "not an OFX 2.x credit-card statement")
    # Overlap: last 5 transaction lines of the first HDFC file open the second one.
    rows = [
        [ln for ln in (HERE / n).read_text(encoding="utf-8").splitlines() if re.match(HDFC["row"], ln)]
        for n in ("hdfc_savings.csv", "hdfc_savings_overlap.csv")
    ]
    if rows[0][-5:] != rows[1][:5] or rows[1][5] in rows[0]:
        fail("hdfc_savings_overlap.csv", "does not repeat exactly the last 5 rows of hdfc_savings.csv")
    for n in ("chase_credit_card.csv", "generic_parentheses.csv"):
        lines = (HERE / n).read_text(encoding="utf-8").splitlines()
        if len(lines) == len(set(lines)):
            fail(n, "expected a pair of byte-identical twin lines")


def main() -> int:
    expected = json.loads((HERE / "expected.json").read_text(encoding="utf-8"))
    on_disk = {p.name for p in HERE.iterdir() if p.is_file() and p.name not in OWN_FILES}
    for missing in sorted(on_disk - expected.keys()):
        fail(missing, "file has no entry in expected.json")
    for ghost in sorted(expected.keys() - on_disk):
        fail(ghost, "entry in expected.json but no such file")
    total = 0
    for name in sorted(expected.keys() & on_disk):
        exp = expected[name]
        try:
            if exp.get("rejected"):
                if not exp.get("reason"):
                    fail(name, "rejected entry without a reason")
                check_rejected(name, (HERE / name).read_bytes())
            else:
                total += check_statement(name, exp)
        except Exception as exc:  # a crash in one file should not hide the others
            fail(name, f"check crashed: {exc!r}")
    special_checks()
    accepted = sum(1 for e in expected.values() if not e.get("rejected"))
    print(f"{len(expected)} files ({accepted} statements, {len(expected) - accepted} broken), {total} expense rows")
    for err in errors:
        print("FAIL", err)
    print("OK" if not errors else f"{len(errors)} problem(s)")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
