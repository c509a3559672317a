"""Reading bank statements (CSV, OFX, QIF) and writing their expenses once: what a user importing a file would
notice — the rows and amounts found, the dates read in the right order, what is refused and why, and that a
second import of the same or an overlapping file adds nothing, even when runs overlap."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from dev.localapi.memorydb import in_memory_client
from finsight.imports.ledger import write_expenses
from finsight.imports.statement import NeedsMappingError, Statement, StatementError, read_statement
from finsight.imports.values import date_format, parse_amount

KOLKATA = ZoneInfo("Asia/Kolkata")
CORPUS = Path(__file__).resolve().parents[1] / "data" / "statements"


def rows(statement: Statement) -> list[tuple[str, str, str]]:
    return [(r.date.isoformat(), str(r.amount), r.description) for r in statement.rows]


@pytest.mark.parametrize(
    ("text", "comma", "expected"),
    [
        ("-45.00", False, "-45.00"),
        ("(45.00)", False, "-45.00"),
        ("45.00-", False, "-45.00"),
        ("45.00 Dr", False, "-45.00"),
        ("45.00 Cr", False, "45.00"),
        ("1,20,000.00", False, "120000.00"),
        ("₹ 1,250.50", False, "1250.50"),
        ("$1,234.56", False, "1234.56"),
        ("-1.234,56", True, "-1234.56"),
        ("12,5", True, "12.5"),
        ("€ 3,00", True, "3.00"),
        ("+500", False, "500"),
    ],
)
def test_amounts_are_read_as_banks_write_them(text: str, comma: bool, expected: str) -> None:
    assert parse_amount(text, comma_decimal=comma) == Decimal(expected)


@pytest.mark.parametrize("text", ["", "abc", "12.34.56", "--5", "1e5", "NaN"])
def test_what_is_not_an_amount_is_none(text: str) -> None:
    assert parse_amount(text) is None


def test_the_date_order_is_decided_by_the_whole_column() -> None:
    assert date_format(["03/04/2026", "05/06/2026", "25/06/2026"], "USD") == ("%d/%m/%Y", "DMY")
    assert date_format(["03/04/2026", "05/06/2026", "06/25/2026"], "INR") == ("%m/%d/%Y", "MDY")
    # every day ≤ 12: undecidable from the file, so the user's currency decides
    assert date_format(["03/04/2026", "05/06/2026"], "USD") == ("%m/%d/%Y", "MDY")
    assert date_format(["03/04/2026", "05/06/2026"], "INR") == ("%d/%m/%Y", "DMY")
    assert date_format(["1 Nov 2026", "12 Nov 2026"], "INR") == ("%d %b %Y", "DMY")
    assert date_format(["2026-11-03 14:22:10", "2026-11-04"], "EUR") == ("%Y-%m-%d", "YMD")
    assert date_format(["someday"], "INR") is None


def test_a_statement_with_preamble_debit_and_credit_columns_and_a_footer() -> None:
    data = (
        "Umsätze Girokonto;;;;;;;\n"
        "Zeitraum: 01.11.2026 - 30.11.2026;;;;;;;\n"
        "\n"
        "Buchungstag;Wert;Umsatzart;Begünstigter / Auftraggeber;Verwendungszweck;Soll;Haben;Währung\n"
        "03.11.2026;03.11.2026;Kartenzahlung;Müller Bäckerei;Brot;-1.234,56;;EUR\n"
        "04.11.2026;04.11.2026;Gutschrift;ACME GmbH;Gehalt;;2.500,00;EUR\n"
        "Kontostand;;;;;;3.000,00;EUR\n"
    ).encode("cp1252")
    statement = read_statement(data, currency="EUR")
    assert rows(statement) == [("2026-11-03", "-1234.56", "Müller Bäckerei"), ("2026-11-04", "2500.00", "ACME GmbH")]
    assert [r.currency for r in statement.rows] == ["EUR", "EUR"]
    assert (statement.invalid, statement.date_order) == ([], "DMY")


def test_a_utf8_bom_a_headerless_file_and_pending_rows() -> None:
    monzo = "\ufeffDate,Name,Amount,Currency\n03/11/2026,Tesco,-12.40,GBP\n".encode()
    assert rows(read_statement(monzo, currency="GBP")) == [("2026-11-03", "-12.40", "Tesco")]
    wells = b'"11/03/2026","-45.20","*","","SHELL OIL 123"\n"11/25/2026","1200.00","*","","PAYROLL"\n'
    assert rows(read_statement(wells, currency="USD")) == [
        ("2026-11-03", "-45.20", "SHELL OIL 123"),
        ("2026-11-25", "1200.00", "PAYROLL"),
    ]
    revolut = (
        b"Type,Product,Started Date,Completed Date,Description,Amount,Fee,Currency,State,Balance\n"
        b"CARD_PAYMENT,Current,2026-11-03 14:22:10,2026-11-04 09:00:00,Lidl,-12.50,0.00,EUR,COMPLETED,100\n"
        b"CARD_PAYMENT,Current,2026-11-05 10:00:00,,Rewe,-3.50,0.00,EUR,PENDING,96.50\n"
        b"CARD_PAYMENT,Current,2026-11-06 10:00:00,,Aldi,-9.00,0.00,EUR,REVERTED,96.50\n"
    )
    statement = read_statement(revolut, currency="EUR")
    assert (rows(statement), statement.skipped) == ([("2026-11-03", "-12.50", "Lidl")], 2)


def test_rows_that_cannot_be_read_are_reported_with_their_line() -> None:
    data = b"Date,Description,Amount\n2026-11-03,coffee,-4.50\n2026-13-45,tea,-2.00\n2026-11-05,cake,lots\n"
    statement = read_statement(data, currency="INR")
    assert rows(statement) == [("2026-11-03", "-4.50", "coffee")]
    assert statement.invalid == [(3, "the date could not be read"), (4, "the amount could not be read")]


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "The file is empty."),
        (b"   \n\n", "The file is empty."),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(200), "binary data"),
        (b"<!DOCTYPE html><html><body>Session expired</body></html>", "web page"),
        (b"Name,Amount\ncoffee,-4.50\ntea,-2.00\n", "no date column"),
        (b"Date,Description,Amount\n", "no rows to import"),
        (b"OFXHEADER:100\nDATA:OFXSGML\n\n<OFX><BANKMSGSRSV1><STMTTRNRS><STMTRS><BANKTRANLIST><STMTTRN>", "OFX"),
    ],
    ids=["empty", "blank", "binary", "html", "no date column", "header only", "truncated ofx"],
)
def test_a_file_that_is_no_statement_says_why(data: bytes, reason: str) -> None:
    with pytest.raises(StatementError, match=reason):
        read_statement(data, currency="INR")


def test_unnamed_columns_need_a_mapping_and_read_with_one() -> None:
    data = b"Col A,Col B,Col C,Col D\n03/11/2026,Swiggy order,-250.00,x\n25/11/2026,Refund,100.00,y\n"
    with pytest.raises(NeedsMappingError) as needed:
        read_statement(data, currency="INR")
    assert needed.value.columns == ["Col A", "Col B", "Col C", "Col D"]
    mapping = {"date": "Col A", "amount": "Col C", "description": "Col B", "date_format": "DD/MM/YYYY"}
    assert rows(read_statement(data, currency="INR", mapping=mapping)) == [
        ("2026-11-03", "-250.00", "Swiggy order"),
        ("2026-11-25", "100.00", "Refund"),
    ]
    with pytest.raises(StatementError, match="does not have"):
        read_statement(data, currency="INR", mapping={**mapping, "amount": "Col Z"})


def test_ofx_and_qif() -> None:
    ofx = b"""OFXHEADER:100
DATA:OFXSGML
VERSION:102
SECURITY:NONE
ENCODING:USASCII
CHARSET:1252
COMPRESSION:NONE
OLDFILEUID:NONE
NEWFILEUID:NONE

<OFX><SIGNONMSGSRSV1><SONRS><STATUS><CODE>0<SEVERITY>INFO</STATUS><DTSERVER>20261130120000<LANGUAGE>ENG</SONRS>
</SIGNONMSGSRSV1><BANKMSGSRSV1><STMTTRNRS><TRNUID>1<STATUS><CODE>0<SEVERITY>INFO</STATUS><STMTRS><CURDEF>USD
<BANKACCTFROM><BANKID>123<ACCTID>456<ACCTTYPE>CHECKING</BANKACCTFROM><BANKTRANLIST><DTSTART>20261101<DTEND>20261130
<STMTTRN><TRNTYPE>DEBIT<DTPOSTED>20261103120000<TRNAMT>-45.20<FITID>1<NAME>SHELL OIL</STMTTRN>
<STMTTRN><TRNTYPE>CREDIT<DTPOSTED>20261105<TRNAMT>1000.00<FITID>2<NAME>PAYROLL</STMTTRN>
</BANKTRANLIST><LEDGERBAL><BALAMT>100.00<DTASOF>20261130</LEDGERBAL></STMTRS></STMTTRNRS></BANKMSGSRSV1></OFX>
"""
    statement = read_statement(ofx, currency="INR")
    assert (statement.format, statement.currency) == ("ofx", "USD")
    assert rows(statement) == [("2026-11-03", "-45.20", "SHELL OIL"), ("2026-11-05", "1000.00", "PAYROLL")]
    qif = b"!Type:Bank\nD11/03'26\nT-1,234.50\nPAmazon\n^\nD11/25'26\nT500.00\nPSalary\n^\n"
    statement = read_statement(qif, currency="USD")
    assert (statement.format, statement.date_order) == ("qif", "MDY")
    assert rows(statement) == [("2026-11-03", "-1234.50", "Amazon"), ("2026-11-25", "500.00", "Salary")]


# ----- writing the expenses -----
STATEMENT = (
    b"Date,Narration,Withdrawal Amt.,Deposit Amt.\n"
    b"01/11/26,UPI-SWIGGY-1,250.00,\n"
    b"01/11/26,UPI-SWIGGY-1,250.00,\n"  # a genuine twin: two orders, same day, same amount
    b"02/11/26,Uber trip,180.00,\n"
    b"03/11/26,SALARY,,50000\n"
    b"04/11/26,Old thing,99.00,\n"
)
OVERLAP = (
    b"Date,Narration,Withdrawal Amt.,Deposit Amt.\n"
    b"02/11/26,Uber trip,180.00,\n"
    b"04/11/26,Old thing,99.00,\n"
    b"05/11/26,IRCTC ticket,1500.00,\n"
)


def write(database: object, data: bytes, import_id: str) -> tuple[int, int]:
    statement = read_statement(data, currency="INR")
    outcome = write_expenses(
        database,  # type: ignore[arg-type]
        user_id="u1",
        import_id=import_id,
        statement=statement,
        currency="INR",
        zone=KOLKATA,
    )
    return outcome.imported, outcome.duplicate


def test_expenses_are_categorised_stored_once_and_twins_kept() -> None:
    database = in_memory_client()["finsight"]
    assert write(database, STATEMENT, "first") == (4, 0)  # income is not an expense
    stored = list(database["transactions"].find({}, sort=[("date", 1), ("_id", 1)]))
    assert [(t["description"], t["category"], t["amount_minor"], t["source"]) for t in stored] == [
        ("UPI-SWIGGY-1", "Food & Dining", 25000, "import"),
        ("UPI-SWIGGY-1", "Food & Dining", 25000, "import"),
        ("Uber trip", "Transportation", 18000, "import"),
        ("Old thing", "Other", 9900, "import"),
    ]
    assert stored[0]["date"].date() == date(2026, 11, 1)
    assert write(database, STATEMENT, "again") == (0, 4)  # the same file once more: nothing new
    assert write(database, OVERLAP, "next") == (1, 2)  # an overlapping statement: only the new row
    assert write(database, STATEMENT, "first") == (4, 0)  # the first import resumed: its own rows, not doubled
    assert database["transactions"].count_documents({}) == 5


def test_concurrent_runs_of_one_import_write_each_row_once() -> None:
    database = in_memory_client()["finsight"]
    barrier = threading.Barrier(6)

    def run(_: int) -> tuple[int, int]:
        barrier.wait()
        return write(database, STATEMENT, "same")

    with ThreadPoolExecutor(max_workers=6) as pool:
        outcomes = list(pool.map(run, range(6)))
    assert outcomes == [(4, 0)] * 6  # each run sees the import's four rows as its own
    assert database["transactions"].count_documents({}) == 4


def test_rows_outside_the_allowed_range_are_invalid_not_stored() -> None:
    database = in_memory_client()["finsight"]
    data = (
        b"Date,Description,Amount,Currency\n"
        b"1999-12-31,old,-5.00,INR\n"
        b"2026-11-03,huge,-20000000.00,INR\n"
        b"2026-11-03,odd,-5.00,XXX\n"
    )
    statement = read_statement(data, currency="INR")
    outcome = write_expenses(database, user_id="u1", import_id="i", statement=statement, currency="INR", zone=KOLKATA)
    assert (outcome.imported, outcome.duplicate) == (0, 0)
    assert [reason for _, reason in outcome.invalid] == [
        "the date is before 2000 or in the future",
        "the amount is over 10,000,000",
        "unknown currency 'XXX'",
    ]


# ----- files a second review found read wrongly (each failed before its fix) -----
def test_lines_ended_by_cr_alone_and_utf16_text_read() -> None:
    mac = b"Date,Description,Amount\r2026-11-03,coffee,-4.50\r2026-11-04,tea,-2.00\r"
    assert rows(read_statement(mac, currency="INR")) == [
        ("2026-11-03", "-4.50", "coffee"),
        ("2026-11-04", "-2.00", "tea"),
    ]
    unicode_text = "Date\tDescription\tAmount\r\n2026-11-03\tcafé\t-4.50\r\n".encode("utf-16")
    assert rows(read_statement(unicode_text, currency="EUR")) == [("2026-11-03", "-4.50", "café")]


def test_a_malformed_cell_and_a_huge_amount_are_refusals_not_crashes() -> None:
    huge_cell = b'Date,Description,Amount\n2026-11-03,"' + b"x" * 200_000 + b'",-4.50\n'
    with pytest.raises(StatementError, match="could not be read"):
        read_statement(huge_cell, currency="INR")
    database = in_memory_client()["finsight"]
    data = b"Date,Description,Amount\n2026-11-03,odd,-999999999999999999999999999999.99\n2026-11-03,tiny,-0.004\n"
    outcome = write_expenses(
        database,
        user_id="u1",
        import_id="i",
        statement=read_statement(data, currency="INR"),
        currency="INR",
        zone=KOLKATA,
    )
    assert [reason for _, reason in outcome.invalid] == ["the amount is over 10,000,000", "the amount rounds to zero"]


def test_a_title_line_above_headerless_rows_and_a_preamble_above_an_unknown_header() -> None:
    titled = b"Account statement\n1,01/04/2026,-5.00,COFFEE HOUSE\n2,02/04/2026,-7.00,BAKERY\n"
    assert rows(read_statement(titled, currency="INR")) == [
        ("2026-04-01", "-5.00", "COFFEE HOUSE"),
        ("2026-04-02", "-7.00", "BAKERY"),
    ]
    french = (
        "Compte de chèques;****1234;Solde au 30/04/2026;1 234,56\n\n"
        "Date opération;Libellé opération;Montant opération\n"
        "03/04/2026;CB CARREFOUR;-45,20\n"
        "05/04/2026;VIR SALAIRE;2 000,00\n"
    ).encode("cp1252")
    with pytest.raises(NeedsMappingError) as needed:
        read_statement(french, currency="EUR")
    assert needed.value.columns == ["Date opération", "Libellé opération", "Montant opération"]
    mapping = {"date": "Date opération", "description": "Libellé opération", "amount": "Montant opération"}
    assert rows(read_statement(french, currency="EUR", mapping=mapping))[0] == ("2026-04-03", "-45.20", "CB CARREFOUR")
    ing = (
        "Umsatzanzeige;Datei erstellt am: 30.04.2026\nIBAN;DE12 3456\n\n"
        "Buchung;Valuta;Auftraggeber/Empfänger;Buchungstext;Verwendungszweck;Saldo;Währung;Betrag;Währung\n"
        "03.04.2026;03.04.2026;REWE Markt;Lastschrift;Einkauf;1.000,00;EUR;-23,45;EUR\n"
    ).encode("cp1252")
    assert rows(read_statement(ing, currency="EUR")) == [("2026-04-03", "-23.45", "REWE Markt")]


def test_the_direction_of_unsigned_amounts_and_cards_that_write_charges_positive() -> None:
    kotak = b"Date,Description,Amount,Dr / Cr\n03/04/2026,SWIGGY,250.00,DR\n05/04/2026,SALARY,50000.00,CR\n"
    assert rows(read_statement(kotak, currency="INR")) == [
        ("2026-04-03", "-250.00", "SWIGGY"),
        ("2026-04-05", "50000.00", "SALARY"),
    ]
    apple = (
        b"Transaction Date,Clearing Date,Description,Merchant,Category,Type,Amount (USD)\n"
        b"04/03/2026,04/04/2026,UBER *TRIP,Uber,Transportation,Purchase,23.10\n"
        b"04/05/2026,04/06/2026,WHOLE FOODS,Whole Foods,Grocery,Purchase,84.30\n"
        b"04/07/2026,04/08/2026,ACH DEPOSIT INTERNET TRANSFER,Payment,Payment,Payment,-500.00\n"
    )
    statement = read_statement(apple, currency="USD")
    assert [(r.description, str(r.amount)) for r in statement.rows] == [
        ("Uber", "-23.10"),
        ("Whole Foods", "-84.30"),
        ("Payment", "500.00"),
    ]


def test_qif_decimal_commas_and_ofx_days_as_the_bank_wrote_them() -> None:
    qif = b"!Type:Bank\nD03.11.2026\nT-1.234,56\nPMiete\n^\nD25.11.2026\nT-5,00\nPBrot\n^\n"
    assert rows(read_statement(qif, currency="EUR")) == [
        ("2026-11-03", "-1234.56", "Miete"),
        ("2026-11-25", "-5.00", "Brot"),
    ]
    ofx = (
        (CORPUS / "statement_v1.ofx")
        .read_bytes()
        .replace(b"20261102120000.000[-8:PST]", b"20261102000000.000[+5.30:IST]", 1)
    )
    assert read_statement(ofx, currency="INR").rows[0].date == date(2026, 11, 2)  # not 1 Nov (its UTC day)


def test_tags_and_notes_columns_are_read_and_monzo_s_hashtags_become_tags() -> None:
    own = b'Date,Amount,Description,Tags,Notes\n2026-11-04,-20.50,Chai,"Work; #Team, work",with Ana\n'
    [row] = read_statement(own, currency="INR").expenses
    assert (row.tags, row.notes) == (("work", "team"), "with Ana")
    monzo = (CORPUS / "monzo_gbp.csv").read_bytes()
    first, second, *_ = read_statement(monzo, currency="GBP").expenses
    assert (first.tags, first.notes) == (("coffee",), None)  # "Notes and #tags": #coffee
    assert (second.tags, second.notes) == ((), None)
    other = b"Date,Amount,Description,Notes\n2026-11-04,-20.50,Printer ink,Invoice #4521 #urgent\n"
    [row] = read_statement(other, currency="INR").expenses
    assert (row.tags, row.notes) == ((), "Invoice #4521 #urgent")  # only Monzo's column holds tags
