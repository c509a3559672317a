"""Statement imports end to end, as a client does them: declare the file, POST it straight to the bucket with
the presigned form, and follow the import until its rows are in the user's transactions."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import requests
from bson import ObjectId

from dev.localapi.events import s3_event
from finsight.imports.ai_categories import CATEGORISE_IMPORT, CategoriseImportJob
from finsight.jobs.lifecycle import Delivery, JobOutcome
from finsight.platform import db
from finsight.transactions.categories import Category
from tests.conftest import Configure, load_event
from tests.fake_gemini import FakeGemini, answer
from tests.helpers import User
from tests.http_client import ApiClient, assert_fail

pytestmark = [pytest.mark.integration, pytest.mark.usefixtures("no_rate_history")]

HDFC = (
    b"HDFC BANK Ltd.\nStatement of account\n\n"
    b"Date,Narration,Chq./Ref.No.,Value Dt,Withdrawal Amt.,Deposit Amt.,Closing Balance\n"
    b"01/11/26,UPI-SWIGGY-4821,0000123,01/11/26,250.00,,10000.00\n"
    b"01/11/26,UPI-SWIGGY-4821,0000124,01/11/26,250.00,,9750.00\n"
    b"02/11/26,UBER INDIA TRIP,0000125,02/11/26,180.00,,9570.00\n"
    b"05/11/26,SALARY NOV,0000126,05/11/26,,50000.00,59570.00\n"
    b"06/11/26,JIO PREPAID RECHARGE,0000127,06/11/26,299.00,,59271.00\n"
)


def upload(user: User, data: bytes, filename: str = "statement.csv", content_type: str = "text/csv") -> str:
    """Declare and upload a file as the web client would; the import's id."""
    declared = user.request(
        "POST", "/api/imports", json_body={"filename": filename, "content_type": content_type, "size": len(data)}
    )
    assert declared.status == 201, declared.text
    created = declared.json()["data"]
    form = created["upload"]
    posted = requests.post(form["url"], data=form["fields"], files={"file": (filename, data)}, timeout=10)
    assert posted.status_code in (200, 201, 204), posted.text
    return str(created["import_id"])


def finished(user: User, import_id: str) -> dict[str, Any]:
    user.api.stack.wait_for_uploads()
    user.api.stack.wait_for_queue("ImportQueue")
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        body = user.request("GET", f"/api/imports/{import_id}").json()["data"]
        if body["status"] not in ("awaiting_upload", "uploaded", "processing"):
            return dict(body)
        time.sleep(0.05)
    raise AssertionError(f"import {import_id} did not finish")


def test_a_bank_csv_is_imported_categorised_and_not_again(local_api: ApiClient, user: User) -> None:
    first = finished(user, upload(user, HDFC))
    assert (first["status"], first["format"]) == ("completed", "csv")
    assert (first["rows_total"], first["rows_imported"], first["rows_duplicate"]) == (5, 4, 0)
    assert (first["rows_skipped_income"], first["rows_invalid"]) == (1, [])
    listed = user.request("GET", "/api/transactions?sort_by=amount&sort_order=asc").json()
    rows = [(t["amount"], t["category"], t["description"]) for t in listed["data"]["transactions"]]
    assert rows == [
        (180, "Transportation", "UBER INDIA TRIP"),
        (250, "Food & Dining", "UPI-SWIGGY-4821"),
        (250, "Food & Dining", "UPI-SWIGGY-4821"),
        (299, "Utilities", "JIO PREPAID RECHARGE"),
    ]
    again = finished(user, upload(user, HDFC))  # the same statement once more
    assert (again["status"], again["rows_imported"], again["rows_duplicate"]) == ("completed", 0, 4)
    assert len(user.request("GET", "/api/imports").json()["data"]) == 2


def test_undoing_an_import_removes_its_transactions_only(local_api: ApiClient, user: User) -> None:
    manual = user.add(amount=42)["_id"]
    import_id = upload(user, HDFC)
    finished(user, import_id)
    response = user.request("DELETE", f"/api/imports/{import_id}")
    assert response.status == 200
    assert response.json()["data"]["message"] == "Import undone: 4 transactions deleted."
    ids = [t["_id"] for t in user.request("GET", "/api/transactions").json()["data"]["transactions"]]
    assert ids == [manual]
    assert_fail(user.request("GET", f"/api/imports/{import_id}"), 404)


def test_an_unmappable_csv_waits_for_a_mapping_and_then_completes(local_api: ApiClient, user: User) -> None:
    data = b"Col A,Col B,Col C\n03/11/2026,Swiggy order,-250.00\n25/11/2026,Refund,100.00\n"
    import_id = upload(user, data)
    waiting = finished(user, import_id)
    assert waiting["status"] == "needs_mapping"
    assert waiting["columns"] == ["Col A", "Col B", "Col C"]
    assert_fail(
        user.request("PUT", f"/api/imports/{import_id}/mapping", json_body={"date": "Col A", "description": "Col B"}),
        400,
    )
    wrong = {"date": "Col A", "description": "Col B", "amount": "Col Z"}
    assert_fail(user.request("PUT", f"/api/imports/{import_id}/mapping", json_body=wrong), 400, "Col Z")
    mapping = {"date": "Col A", "description": "Col B", "amount": "Col C", "date_format": "DD/MM/YYYY"}
    assert user.request("PUT", f"/api/imports/{import_id}/mapping", json_body=mapping).status == 200
    done = finished(user, import_id)
    assert (done["status"], done["rows_imported"], done["rows_skipped_income"]) == ("completed", 1, 1)
    assert done["mapping"] == mapping
    assert_fail(user.request("PUT", f"/api/imports/{import_id}/mapping", json_body=mapping), 409)


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"<!DOCTYPE html><html><body>Session expired</body></html>", "This is not a CSV file (it is a web page)."),
        (b"Name,Amount\ncoffee,-4.50\n", "This file has no date column."),
    ],
)
def test_a_bad_file_fails_with_a_reason(local_api: ApiClient, user: User, data: bytes, reason: str) -> None:
    failed = finished(user, upload(user, data))
    assert (failed["status"], failed["failure_reason"]) == ("failed", reason)


def test_declaring_a_file_checks_it_and_imports_are_owner_only(local_api: ApiClient, user: User) -> None:
    for body in (
        {"filename": "x.pdf", "content_type": "application/pdf", "size": 10},
        {"filename": "x.csv", "content_type": "text/csv", "size": 0},
        {"filename": "x.csv", "content_type": "text/csv", "size": 10 * 1024 * 1024 + 1},
        {"filename": "x.csv", "content_type": "image/png", "size": 10},
    ):
        assert_fail(user.request("POST", "/api/imports", json_body=body), 400)
    assert_fail(local_api.request("POST", "/api/imports", json_body={}), 401)
    import_id = upload(user, HDFC)
    finished(user, import_id)
    other = User(local_api)
    assert_fail(other.request("GET", f"/api/imports/{import_id}"), 404)
    assert_fail(other.request("DELETE", f"/api/imports/{import_id}"), 404)
    assert other.request("GET", "/api/imports").json()["data"] == []
    assert_fail(user.request("GET", "/api/imports/not-an-id"), 400)
    assert db.get_database()["transactions"].count_documents({"user_id": other.id}) == 0


def test_an_s3_event_delivered_many_times_at_once_imports_once(local_api: ApiClient, user: User) -> None:
    import_id = upload(user, HDFC)
    done = finished(user, import_id)
    assert done["rows_imported"] == 4
    # S3 delivers at least once, Lambda retries: the same event again, 6 times at once, after the import
    # finished, and then on an import reset to just-uploaded (as if its first run never happened)
    bucket = local_api.stack.bucket_name("StatementBucket")
    event = s3_event(bucket, f"imports/{user.id}/{import_id}", len(HDFC), '"x"', 99)
    barrier = threading.Barrier(6)

    def deliver() -> list[str]:
        barrier.wait()
        outcome = local_api.stack.invoke("ImportStatementFunction", event)
        assert outcome.error is None
        return list(outcome.response["outcomes"])

    with ThreadPoolExecutor(max_workers=6) as pool:
        assert [o for outcomes in pool.map(lambda _: deliver(), range(6)) for o in outcomes] == ["skipped"] * 6
    db.get_database()["imports"].update_one({"_id": ObjectId(import_id)}, {"$set": {"status": "uploaded"}})
    with ThreadPoolExecutor(max_workers=6) as pool:
        runs = [o for outcomes in pool.map(lambda _: deliver(), range(6)) for o in outcomes]
    assert sorted(runs) == ["completed"] + ["skipped"] * 5
    after = user.request("GET", f"/api/imports/{import_id}").json()["data"]
    assert (after["rows_imported"], after["rows_duplicate"]) == (4, 0)  # its own rows, still once each
    assert db.get_database()["transactions"].count_documents({"user_id": user.id}) == 4
    # announced once (import.completed), whatever the repeats
    [event] = db.get_database()["outbox"].find({"event.user_id": user.id, "event.type": "import.completed"})
    assert (event["event"]["data"]["_id"], event["event"]["data"]["rows_imported"]) == (import_id, 4)


def test_an_import_whose_run_stopped_or_whose_upload_never_came_ends_failed(local_api: ApiClient, user: User) -> None:
    declared = user.request(
        "POST", "/api/imports", json_body={"filename": "a.csv", "content_type": "text/csv", "size": 9}
    )
    never = declared.json()["data"]["import_id"]
    stopped = upload(user, HDFC)
    finished(user, stopped)
    imports = db.get_database()["imports"]
    long_ago = datetime.now(UTC) - timedelta(hours=2)
    imports.update_one({"_id": ObjectId(never)}, {"$set": {"created_at": long_ago}})
    imports.update_one({"_id": ObjectId(stopped)}, {"$set": {"status": "processing", "lease_until": long_ago}})
    outcome = local_api.stack.invoke("AiSweeperFunction", load_event("ai_sweeper"))
    assert outcome.error is None
    assert outcome.response["imports"] >= 2
    assert user.request("GET", f"/api/imports/{never}").json()["data"]["failure_reason"] == (
        "The file was never uploaded."
    )
    assert user.request("GET", f"/api/imports/{stopped}").json()["data"]["failure_reason"] == (
        "The import stopped. Please upload the file again."
    )


CORPUS = Path(__file__).resolve().parents[1] / "data" / "statements"


def test_an_overlapping_statement_adds_only_its_new_rows(local_api: ApiClient, user: User) -> None:
    first = finished(user, upload(user, (CORPUS / "hdfc_savings.csv").read_bytes(), "hdfc_savings.csv"))
    assert (first["status"], first["rows_imported"], first["rows_duplicate"]) == ("completed", 25, 0)
    overlap = finished(user, upload(user, (CORPUS / "hdfc_savings_overlap.csv").read_bytes(), "hdfc_overlap.csv"))
    # the later statement's rows dated after tomorrow are refused as future dates until their day comes
    future = [r for r in overlap["rows_invalid"] if r["reason"] == "the date is before 2000 or in the future"]
    assert (overlap["status"], overlap["rows_duplicate"]) == ("completed", 5)
    assert overlap["rows_imported"] + len(future) == 11
    assert overlap["rows_invalid_count"] == len(future)
    assert db.get_database()["transactions"].count_documents({"user_id": user.id}) == 25 + overlap["rows_imported"]


@pytest.mark.parametrize(
    ("name", "content_type", "fmt", "expenses", "currency"),
    [
        ("statement_v1.ofx", "application/x-ofx", "ofx", 13, "USD"),  # the statement's CURDEF
        ("statement_v2.qfx", "application/vnd.intu.qfx", "ofx", 12, "USD"),
        ("statement.qif", "application/octet-stream", "qif", 12, "INR"),  # QIF names none: the user's
    ],
)
def test_ofx_qfx_and_qif_files_import(
    local_api: ApiClient, user: User, name: str, content_type: str, fmt: str, expenses: int, currency: str
) -> None:
    done = finished(user, upload(user, (CORPUS / name).read_bytes(), name, content_type))
    assert (done["status"], done["format"], done["rows_imported"]) == ("completed", fmt, expenses)
    stored = db.get_database()["transactions"].find({"user_id": user.id})
    assert {(t["source"], t["currency"]) for t in stored} == {("import", currency)}


def test_a_file_of_only_income_fails_and_says_why(local_api: ApiClient, user: User) -> None:
    done = finished(user, upload(user, (CORPUS / "only_income.csv").read_bytes(), "only_income.csv"))
    assert (done["status"], done["rows_skipped_income"]) == ("failed", 8)
    assert done["failure_reason"] == "The file has no expenses: its 8 rows are money in."


UNKNOWN = (
    b"Date,Description,Amount\n"
    b"2026-11-02,UPI-SWIGGY-4821,-250.00\n"  # the lexicon knows it
    b"2026-11-03,NEFT DR-ACME TECHNOLOGIES-INV 2231,-1800.00\n"  # the lexicon cannot tell
    b"2026-11-04,POS 4591 PQR ENTERPRISES,-640.00\n"
)


def test_with_a_gemini_key_rows_the_lexicon_left_in_other_are_filed_in_one_call(
    local_api: ApiClient, user: User, gemini: FakeGemini
) -> None:
    gemini.script = [
        answer({"lines": [{"index": 0, "category": "Bills & Fees"}, {"index": 1, "category": "Groceries"}]})
    ]
    done = finished(user, upload(user, UNKNOWN))
    assert done["rows_imported"] == 3
    local_api.stack.wait_for_queue("AiQueue")
    stored = {
        t["description"]: (t["category"], t["category_source"])
        for t in db.get_database()["transactions"].find({"user_id": user.id})
    }
    assert stored == {
        "UPI-SWIGGY-4821": ("Food & Dining", "lexicon"),
        "NEFT DR-ACME TECHNOLOGIES-INV 2231": ("Bills & Fees", "ai"),
        "POS 4591 PQR ENTERPRISES": ("Groceries", "ai"),
    }
    [(_, _, request)] = gemini.requests  # one call for the batch, not one per row
    prompt = request["contents"][0]["parts"][0]["text"]
    assert [name in prompt for name in ("ACME TECHNOLOGIES", "PQR ENTERPRISES", "SWIGGY")] == [True, True, False]


def test_without_a_key_they_stay_in_other_and_a_user_s_refiling_is_never_undone(
    local_api: ApiClient, user: User
) -> None:
    done = finished(user, upload(user, UNKNOWN))
    local_api.stack.wait_for_queue("AiQueue")
    rows = {t["description"]: t for t in db.get_database()["transactions"].find({"user_id": user.id})}
    assert rows["POS 4591 PQR ENTERPRISES"]["category"] == "Other"
    assert done["status"] == "completed"
    # the user re-files one to Other on purpose: a later categoriser (a key configured since) leaves it alone
    mine = str(rows["POS 4591 PQR ENTERPRISES"]["_id"])
    assert user.request("PATCH", f"/api/transactions/{mine}", json_body={"category": "Other"}).status == 200
    job = CategoriseImportJob(
        user_id=user.id, import_id=done["import_id"], transaction_ids=[str(r["_id"]) for r in rows.values()]
    )

    class Everything:
        def categorise(self, descriptions: list[str], categories: Any = ()) -> list[str | None]:
            return [Category.SHOPPING.value] * len(descriptions)

    class Models:
        def expense_parser(self, *, final_attempt: bool) -> Any:
            raise AssertionError

        def summary_writer(self) -> Any:
            return None

        def categoriser(self) -> Everything:
            return Everything()

    assert CATEGORISE_IMPORT.apply(job, Delivery(final_attempt=False, models=Models())) == JobOutcome.COMPLETED
    after = {t["description"]: t["category"] for t in db.get_database()["transactions"].find({"user_id": user.id})}
    assert after == {
        "UPI-SWIGGY-4821": "Food & Dining",
        "NEFT DR-ACME TECHNOLOGIES-INV 2231": "Shopping",
        "POS 4591 PQR ENTERPRISES": "Other",  # the user's choice
    }


def test_undo_waits_for_a_running_import_and_an_event_after_an_undo_writes_nothing(
    local_api: ApiClient, user: User
) -> None:
    import_id = upload(user, HDFC)
    finished(user, import_id)
    imports = db.get_database()["imports"]
    soon = datetime.now(UTC) + timedelta(minutes=5)
    imports.update_one({"_id": ObjectId(import_id)}, {"$set": {"status": "processing", "lease_until": soon}})
    assert_fail(user.request("DELETE", f"/api/imports/{import_id}"), 409)  # a run holds it
    imports.update_one({"_id": ObjectId(import_id)}, {"$set": {"status": "uploaded"}})
    assert user.request("DELETE", f"/api/imports/{import_id}").status == 200
    # the upload's event, delivered again after the undo: no import to write for, so nothing is written
    event = s3_event(local_api.stack.bucket_name("StatementBucket"), f"imports/{user.id}/{import_id}", 1, '"x"', 7)
    outcome = local_api.stack.invoke("ImportStatementFunction", event)
    assert outcome.response["outcomes"] == ["skipped"]
    assert db.get_database()["transactions"].count_documents({"user_id": user.id}) == 0


def test_an_import_that_never_started_after_its_mapping_ends_failed(local_api: ApiClient, user: User) -> None:
    import_id = upload(user, HDFC)
    finished(user, import_id)
    long_ago = datetime.now(UTC) - timedelta(hours=3)
    db.get_database()["imports"].update_one(
        {"_id": ObjectId(import_id)}, {"$set": {"status": "uploaded", "updated_at": long_ago}}
    )
    assert local_api.stack.invoke("AiSweeperFunction", load_event("ai_sweeper")).error is None
    failed = user.request("GET", f"/api/imports/{import_id}").json()["data"]
    assert (failed["status"], failed["failure_reason"]) == (
        "failed",
        "The import did not start. Please upload the file again.",
    )


def test_a_mapping_the_queue_does_not_take_is_a_503_and_the_import_waits_again(
    local_api: ApiClient, user: User, configure: Configure
) -> None:
    import_id = upload(user, b"Col A,Col B,Col C\n03/11/2026,Swiggy order,-250.00\n")
    assert finished(user, import_id)["status"] == "needs_mapping"
    configure(IMPORT_QUEUE_URL=local_api.stack.queue_urls["ImportQueue"] + "-gone")
    mapping = {"date": "Col A", "description": "Col B", "amount": "Col C"}
    response = user.request("PUT", f"/api/imports/{import_id}/mapping", json_body=mapping)
    assert response.status == 503, response.text
    assert user.request("GET", f"/api/imports/{import_id}").json()["data"]["status"] == "needs_mapping"
