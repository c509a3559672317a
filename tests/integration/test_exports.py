"""Exports as a user takes them: ask, follow to the link, download — a CSV that spreadsheets open safely and
that FinSight's own importer reads back to the same expenses, or a JSON of everything the user owns."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
import requests
from bson import ObjectId

from finsight.imports.statement import read_statement
from finsight.platform import db
from tests.conftest import Configure, load_event
from tests.helpers import User
from tests.http_client import ApiClient, assert_fail

pytestmark = [pytest.mark.integration, pytest.mark.usefixtures("no_rate_history")]


def export(user: User, **body: Any) -> dict[str, Any]:
    queued = user.request("POST", "/api/exports", json_body=body)
    assert queued.status == 202, queued.text
    export_id = queued.json()["data"]["export_id"]
    user.api.stack.wait_for_queue("ExportQueue")
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        view = user.request("GET", f"/api/exports/{export_id}").json()["data"]
        if view["status"] in ("completed", "failed"):
            return dict(view)
        time.sleep(0.05)
    raise AssertionError("the export did not finish")


def download(view: dict[str, Any]) -> bytes:
    assert view["status"] == "completed", view
    assert view["expires_in_seconds"] == 900
    response = requests.get(view["download_url"], timeout=10)
    assert response.status_code == 200
    return response.content


@pytest.fixture
def spender(local_api: ApiClient, user: User) -> User:
    user.add(amount=250, category="Transportation", description="Uber to airport", date="2026-11-03")
    user.add(
        amount=20.5,
        category="Food & Dining",
        description="Chai",
        date="2026-11-04",
        tags=["Work", "team"],
        notes="with Ana",
    )
    user.add(amount=99, category="Shopping", description='=HYPERLINK("http://evil")', date="2026-11-05")
    user.add(amount=15, category="Other", description="-20% sale", date="2026-10-01")
    return user


def test_a_csv_export_opens_safely_and_reads_back_as_the_same_expenses(spender: User) -> None:
    data = download(export(spender, format="csv"))
    assert data.startswith(b"\xef\xbb\xbf")  # UTF-8 with a BOM: spreadsheet apps read ₹ and é right
    lines = data.decode("utf-8-sig").splitlines()
    assert lines[0] == "Date,Amount,Currency,Category,Description,Source,Tags,Notes"
    assert lines[1:] == [
        "2026-10-01,-15.00,INR,Other,'-20% sale,manual,,",
        "2026-11-03,-250.00,INR,Transportation,Uber to airport,manual,,",
        '2026-11-04,-20.50,INR,Food & Dining,Chai,manual,"work, team",with Ana',
        '2026-11-05,-99.00,INR,Shopping,"\'=HYPERLINK(""http://evil"")",manual,,',
    ]
    statement = read_statement(data, currency="INR")  # the round trip, through FinSight's own importer
    assert [(r.date.isoformat(), -r.amount, r.description, r.tags, r.notes) for r in statement.expenses] == [
        ("2026-10-01", Decimal("15.00"), "-20% sale", (), None),
        ("2026-11-03", Decimal("250.00"), "Uber to airport", (), None),
        ("2026-11-04", Decimal("20.50"), "Chai", ("work", "team"), "with Ana"),
        ("2026-11-05", Decimal("99.00"), '=HYPERLINK("http://evil")', (), None),
    ]


def test_a_date_range_limits_the_transactions(spender: User) -> None:
    view = export(spender, format="csv", start_date="2026-11-01", end_date="2026-11-04")
    assert view["rows"] == 2
    assert len(download(view).decode("utf-8-sig").splitlines()) == 3


def test_a_json_export_holds_everything_the_user_owns_and_no_secret(spender: User) -> None:
    assert spender.request("POST", "/api/budgets", json_body={"category": "Shopping", "limit": 5000}).status == 201
    [chai] = [
        t for t in spender.request("GET", "/api/transactions").json()["data"]["transactions"] if t["amount"] == 20.5
    ]
    spender.request("PATCH", f"/api/transactions/{chai['_id']}", json_body={"category": "Groceries"})  # learns
    document = json.loads(download(export(spender, format="json")))
    assert (document["format"], document["version"]) == ("finsight-export", 1)
    assert document["profile"]["email"] == spender.email
    assert len(document["transactions"]) == 4
    assert {b["category"] for b in document["budgets"]} == {"Shopping"}
    assert document["budgets"][0]["limit"] == 5000
    assert [(m["term"], m["category"]) for m in document["learned_categories"]] == [("chai", "Groceries")]
    raw = json.dumps(document)
    assert "password" not in raw
    assert "$2b$" not in raw


def test_exports_are_checked_and_owner_only(local_api: ApiClient, spender: User) -> None:
    for body in ({"format": "xlsx"}, {}, {"format": "csv", "start_date": "2026-12-01", "end_date": "2026-11-01"}):
        assert_fail(spender.request("POST", "/api/exports", json_body=body), 400)
    assert_fail(local_api.request("POST", "/api/exports", json_body={"format": "csv"}), 401)
    view = export(spender, format="csv")
    other = User(local_api)
    assert_fail(other.request("GET", f"/api/exports/{view['export_id']}"), 404)
    assert_fail(other.request("GET", "/api/exports/not-an-id"), 400)


def test_an_export_sqs_gave_up_on_ends_failed(local_api: ApiClient, spender: User) -> None:
    view = export(spender, format="csv")
    exports = db.get_database()["exports"]
    long_ago = datetime.now(UTC) - timedelta(hours=3)
    exports.update_one({"_id": ObjectId(view["export_id"])}, {"$set": {"status": "processing", "updated_at": long_ago}})
    outcome = local_api.stack.invoke("AiSweeperFunction", load_event("ai_sweeper"))
    assert outcome.error is None
    assert outcome.response["exports"] >= 1
    failed = spender.request("GET", f"/api/exports/{view['export_id']}").json()["data"]
    assert (failed["status"], failed["download_url"]) == ("failed", None)
    assert failed["failure_reason"] == "The export stopped. Please ask for it again."


def test_date_bounds_with_offsets_are_compared_as_instants(spender: User) -> None:
    # 1 Jan 00:00 in India is 31 Dec 18:30 UTC, before 31 Dec 23:00 in New York (1 Jan 04:00 UTC)
    body = {"format": "csv", "start_date": "2026-01-01T00:00:00+05:30", "end_date": "2025-12-31T23:00:00-05:00"}
    assert spender.request("POST", "/api/exports", json_body=body).status == 202
    backwards = {"format": "csv", "start_date": "2026-11-05", "end_date": "2026-11-04"}
    assert_fail(spender.request("POST", "/api/exports", json_body=backwards), 400, "start_date must not be after")


def test_an_export_the_queue_does_not_take_is_a_503_and_ends_failed(
    local_api: ApiClient, user: User, configure: Configure
) -> None:
    configure(EXPORT_QUEUE_URL=local_api.stack.queue_urls["ExportQueue"] + "-gone")
    assert user.request("POST", "/api/exports", json_body={"format": "csv"}).status == 503
    [export] = db.get_database()["exports"].find({"user_id": user.id})
    assert (export["status"], export["failure_reason"]) == ("failed", "Not queued.")
