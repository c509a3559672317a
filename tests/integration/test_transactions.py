"""Transactions over HTTP through the local gateway (API.md transaction rows and the issue's rules)."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, time, timedelta
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

import pytest
from bson import ObjectId

from dev.roundtrips import count_round_trips
from finsight.platform import db
from finsight.platform.timeutil import month_bounds
from tests.helpers import KOLKATA, User, seed, transactions
from tests.http_client import ApiClient, HttpResponse, assert_fail

pytestmark = [pytest.mark.integration, pytest.mark.usefixtures("no_rate_history")]


# ----- create -----
def test_manual_create_answers_201_with_the_contract_fields(user: User) -> None:
    response = user.request(
        "POST",
        "/api/transactions",
        json_body={"mode": "manual", "amount": 45.5, "category": "Groceries", "description": " Walmart run "},
    )
    assert response.status == 201
    data = response.json()["data"]
    assert {"_id", "user_id", "amount", "category", "description", "date", "status"} <= set(data)
    assert (data["amount"], data["currency"], data["status"], data["mode"]) == (45.5, "INR", "completed", "manual")
    assert data["description"] == "Walmart run"
    assert data["user_id"] == user.id
    assert data["date"].endswith("+00:00")
    stored = transactions().find_one({"_id": ObjectId(data["_id"])})
    assert stored["amount_minor"] == 4550


def test_currency_defaults_to_the_users_and_follows_a_profile_change(user: User) -> None:
    assert user.add()["currency"] == "INR"
    user.set_profile(currency="USD")
    assert user.add()["currency"] == "USD"  # same session: its preferences were updated
    assert user.add(currency="eur")["currency"] == "EUR"


def test_a_bare_date_is_noon_of_that_day_in_the_users_zone(user: User) -> None:
    assert user.add(date="2026-01-15")["date"] == "2026-01-15T06:30:00+00:00"  # 12:00 in Asia/Kolkata
    assert user.add(date="2026-01-15T23:30:00+05:30")["date"] == "2026-01-15T18:00:00+00:00"


@pytest.mark.parametrize(
    ("fields", "fragment"),
    [
        ({"amount": 0}, "amount"),
        ({"amount": -5}, "amount"),
        ({"amount": 10_000_000.01}, "amount"),
        ({"amount": 1.005}, "2 decimal places"),
        ({"amount": "ten"}, "amount"),
        ({"amount": True}, "amount"),
        ({"amount": {"$gt": 0}}, "amount"),
        ({"category": "Snacks"}, "category"),
        ({"description": ""}, "description"),
        ({"description": "x" * 201}, "description"),
        ({"description": {"$ne": None}}, "description"),
        ({"date": "2026-11-23T10:00:00"}, "offset"),
        ({"date": "yesterday"}, "date"),
        ({"date": (datetime.now(UTC) + timedelta(days=3)).isoformat()}, "future"),
        ({"date": "1999-12-31"}, "2000"),
        ({"currency": "ABC"}, "ISO 4217"),
        ({"mode": "magic"}, "mode"),
    ],
)
def test_invalid_manual_entries_get_400_and_nothing_is_stored(
    user: User, fields: dict[str, Any], fragment: str
) -> None:
    body = {"mode": "manual", "amount": 10, "category": "Groceries", "description": "x", **fields}
    assert_fail(user.request("POST", "/api/transactions", json_body=body), 400, fragment)
    assert transactions().count_documents({"user_id": user.id}) == 0


def test_the_largest_amount_is_accepted(user: User) -> None:
    assert user.add(amount=10_000_000)["amount"] == 10_000_000


def test_missing_mode_is_a_clear_400(user: User) -> None:
    assert_fail(user.request("POST", "/api/transactions", json_body={"amount": 5}), 400, "mode")
    assert transactions().count_documents({"user_id": user.id}) == 0


# ----- one transaction: get, status, patch, delete -----
ITEM_ROUTES: list[tuple[str, str, dict[str, Any] | None]] = [
    ("GET", "/api/transactions/{id}", None),
    ("GET", "/api/transactions/{id}/status", None),
    ("PATCH", "/api/transactions/{id}", {"amount": 1}),
    ("DELETE", "/api/transactions/{id}", None),
]


@pytest.mark.parametrize(("method", "path", "body"), ITEM_ROUTES)
def test_another_users_id_is_404_exactly_like_a_missing_one(
    user: User, other: User, method: str, path: str, body: dict[str, Any] | None
) -> None:
    theirs = other.add()["_id"]
    foreign = user.request(method, path.format(id=theirs), json_body=body)
    missing = user.request(method, path.format(id=str(ObjectId())), json_body=body)
    assert_fail(foreign, 404)
    assert foreign.json() == missing.json()
    assert transactions().find_one({"_id": ObjectId(theirs)})["amount_minor"] == 1000  # untouched


@pytest.mark.parametrize(("method", "path", "body"), ITEM_ROUTES)
@pytest.mark.parametrize("bad_id", ["123", "not-an-object-id-at-all!", "zzzzzzzzzzzzzzzzzzzzzzzz", "%24gt"])
def test_a_malformed_id_is_400(user: User, method: str, path: str, body: Any, bad_id: str) -> None:
    assert_fail(user.request(method, path.format(id=bad_id), json_body=body), 400, "Malformed transaction id")


def test_get_and_status_of_own_transaction_with_and_without_slash(user: User) -> None:
    created = user.add(amount=12.34)
    assert user.request("GET", f"/api/transactions/{created['_id']}").json()["data"] == created
    assert user.request("GET", f"/api/transactions/{created['_id']}/").json()["data"] == created
    status = user.request("GET", f"/api/transactions/{created['_id']}/status").json()["data"]
    assert status == {**created, "transaction_ids": [created["_id"]]}


def test_patch_edits_the_given_fields_only(user: User) -> None:
    created = user.add(amount=10, description="lunch", category="Food & Dining")
    response = user.request(
        "PATCH", f"/api/transactions/{created['_id']}", json_body={"amount": 12.5, "date": "2026-01-02"}
    )
    assert response.status == 200
    data = response.json()["data"]
    assert (data["amount"], data["description"], data["category"]) == (12.5, "lunch", "Food & Dining")
    assert data["date"] == "2026-01-02T06:30:00+00:00"
    assert transactions().find_one({"_id": ObjectId(created["_id"])})["amount_minor"] == 1250


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        ({}, "at least one"),
        ({"amount": 1.005}, "decimal"),
        ({"category": "Nope"}, "category"),
        ({"user_id": "x"}, "at least one"),
    ],
)
def test_patch_refuses_bad_bodies(user: User, body: dict[str, Any], fragment: str) -> None:
    created = user.add()
    assert_fail(user.request("PATCH", f"/api/transactions/{created['_id']}", json_body=body), 400, fragment)
    assert transactions().find_one({"_id": ObjectId(created["_id"])})["user_id"] == user.id


@pytest.mark.parametrize("status", ["processing", "failed"])
def test_patch_is_409_unless_completed(user: User, status: str) -> None:
    tid = seed(user, status=status, amount_minor=None)
    assert_fail(user.request("PATCH", f"/api/transactions/{tid}", json_body={"amount": 5}), 409)


def test_delete_removes_it_but_not_while_processing(user: User) -> None:
    created = user.add()
    response = user.request("DELETE", f"/api/transactions/{created['_id']}")
    assert response.status == 200
    assert response.json()["data"]["message"]
    assert_fail(user.request("GET", f"/api/transactions/{created['_id']}"), 404)
    busy = seed(user, status="processing", amount_minor=None)
    assert_fail(user.request("DELETE", f"/api/transactions/{busy}"), 409, "still being processed")
    assert transactions().find_one({"_id": busy}) is not None
    failed = seed(user, status="failed", amount_minor=None)
    assert user.request("DELETE", f"/api/transactions/{failed}").status == 200


# ----- list -----
def ids(response: HttpResponse) -> list[str]:
    assert response.status == 200, response.text
    return [t["_id"] for t in response.json()["data"]["transactions"]]


@pytest.mark.parametrize(
    ("search", "expected"),
    [("(", ["Coffee (large)"]), (".*", ["weird .* name"]), ("\\", ["back\\slash"]), ("COFFEE", ["Coffee (large)"])],
)
def test_search_is_a_literal_case_insensitive_substring(user: User, search: str, expected: list[str]) -> None:
    for description in ("Coffee (large)", "weird .* name", "back\\slash", "plain tea"):
        seed(user, description=description)
    response = user.list(search=search)
    assert [t["description"] for t in response.json()["data"]["transactions"]] == expected


def test_filters_by_category_amount_and_local_dates(user: User) -> None:
    day = datetime(2026, 3, 10, tzinfo=KOLKATA)
    late_on_end_day = seed(user, amount_minor=500, when=day.replace(day=12, hour=23, minute=30), category="Travel")
    seed(user, amount_minor=1500, when=day.replace(hour=0, minute=10), category="Travel")
    before_start = seed(user, amount_minor=700, when=day - timedelta(minutes=20), category="Travel")
    seed(user, amount_minor=900, when=day.replace(day=11), category="Groceries")
    in_range = user.list(start_date="2026-03-10", end_date="2026-03-12", category="Travel")
    assert str(late_on_end_day) in ids(in_range)  # the end date is inclusive, in the user's zone
    assert str(before_start) not in ids(in_range)
    assert len(ids(in_range)) == 2
    assert len(ids(user.list(min_amount="5.00", max_amount="9.00"))) == 3
    assert len(ids(user.list(min_amount=15))) == 1
    with_offsets = user.list(start_date="2026-03-09T18:30:00Z", end_date="2026-03-10T00:10:00+05:30")
    assert len(ids(with_offsets)) == 1  # 00:10 local, the end bound itself, is included


def test_empty_query_parameters_mean_not_given(user: User) -> None:
    seed(user)
    response = user.request("GET", "/api/transactions?search=&category=&min_amount=&page=&limit=&sort_by=")
    assert response.status == 200
    assert response.json()["data"]["pagination"] == {"page": 1, "limit": 50, "total": 1, "pages": 1}


@pytest.mark.parametrize(
    "query",
    [
        "page=0",
        "page=-1",
        "limit=0",
        "limit=101",
        "limit=-5",
        "page=abc",
        "sort_by=name",
        "sort_order=up",
        "category=Snacks",
        "min_amount=-1",
        "min_amount=1.005",
        "min_amount=10&max_amount=5",
        "start_date=2026-13-01",
        "start_date=yesterday",
        "start_date=2026-03-10T10:00:00",
        "start_date=2026-03-12&end_date=2026-03-10",
        "cursor=not-a-cursor",
        f"search={'x' * 101}",
    ],
)
def test_invalid_list_queries_are_400(user: User, query: str) -> None:
    assert_fail(user.request("GET", f"/api/transactions?{query}"), 400)


def test_other_users_transactions_never_appear(user: User, other: User) -> None:
    seed(other, description="their secret")
    mine = seed(user, description="mine")
    assert ids(user.list()) == [str(mine)]
    assert ids(user.list(search="secret")) == []


@pytest.mark.parametrize("limit", [1, 3, 7, 50, 100])
@pytest.mark.parametrize(("sort_by", "sort_order"), [("date", "desc"), ("amount", "asc"), ("amount", "desc")])
def test_pages_never_repeat_or_skip_a_row_even_with_ties(user: User, limit: int, sort_by: str, sort_order: str) -> None:
    same_moment = datetime(2026, 2, 1, 10, 0, tzinfo=UTC)
    seeded = {str(seed(user, amount_minor=100 * (n % 3), when=same_moment)) for n in range(23)}
    seen: list[str] = []
    page = 1
    while True:
        response = user.list(sort_by=sort_by, sort_order=sort_order, page=page, limit=limit)
        batch = ids(response)
        pagination = response.json()["data"]["pagination"]
        assert pagination == {"page": page, "limit": limit, "total": 23, "pages": -(-23 // limit)}
        if not batch:
            break
        seen.extend(batch)
        page += 1
    assert len(seen) == len(set(seen)) == 23
    assert set(seen) == seeded
    assert page - 1 == -(-23 // limit)


def test_sort_orders_by_amount_and_date(user: User) -> None:
    seed(user, amount_minor=300, when=datetime(2026, 1, 3, tzinfo=UTC))
    seed(user, amount_minor=100, when=datetime(2026, 1, 1, tzinfo=UTC))
    seed(user, amount_minor=200, when=datetime(2026, 1, 2, tzinfo=UTC))
    amounts = [t["amount"] for t in user.list(sort_by="amount", sort_order="asc").json()["data"]["transactions"]]
    assert amounts == [1, 2, 3]
    dates = [t["date"][:10] for t in user.list().json()["data"]["transactions"]]
    assert dates == ["2026-01-03", "2026-01-02", "2026-01-01"]


@pytest.mark.parametrize(("sort_by", "sort_order"), [("date", "desc"), ("date", "asc"), ("amount", "desc")])
def test_keyset_cursor_walks_every_row_once_in_page_order(user: User, sort_by: str, sort_order: str) -> None:
    base = datetime(2026, 2, 1, tzinfo=UTC)
    for n in range(31):
        seed(user, amount_minor=50 * (n % 4), when=base + timedelta(hours=n // 2))
    by_pages: list[str] = []
    for page in range(1, 5):
        by_pages += ids(user.list(sort_by=sort_by, sort_order=sort_order, page=page, limit=10))
    by_cursor: list[str] = []
    response = user.list(sort_by=sort_by, sort_order=sort_order, limit=10)
    while True:
        by_cursor += ids(response)
        cursor = response.json()["data"]["next_cursor"]
        if cursor is None:
            break
        response = user.list(sort_by=sort_by, sort_order=sort_order, limit=10, cursor=cursor)
    assert by_cursor == by_pages
    assert len(set(by_cursor)) == 31


def test_a_cursor_from_another_sort_order_is_refused(user: User) -> None:
    for _ in range(3):
        seed(user)
    cursor = user.list(limit=2).json()["data"]["next_cursor"]
    assert_fail(user.list(limit=2, cursor=cursor, sort_by="amount"), 400, "cursor")


# ----- summary -----
def test_summary_counts_completed_spend_of_the_local_month_exactly(user: User) -> None:
    start, _ = month_bounds(datetime.now(UTC), KOLKATA)
    for amount in (10, 20, 30):  # 0.10 + 0.20 + 0.30
        seed(user, amount_minor=amount, when=start + timedelta(minutes=15), category="Food & Dining")
    seed(user, amount_minor=999, when=start - timedelta(minutes=30))  # 23:30 local on the previous month's last day
    seed(user, amount_minor=None, status="processing", when=start + timedelta(hours=1))
    seed(user, amount_minor=5000, status="failed", when=start + timedelta(hours=1))
    seed(user, amount_minor=700, currency="USD", when=start + timedelta(hours=1))
    seed(user, amount_minor=12345, when=start + timedelta(hours=2), category="Groceries")
    response = user.request("GET", "/api/transactions/summary")
    assert response.status == 200
    data = response.json()["data"]
    assert data["current_month_spend"] == 124.05  # 0.10 + 0.20 + 0.30 + 123.45, to the cent
    assert '"current_month_spend":124.05' in response.text
    assert data["transaction_count"] == 4
    assert (data["currency"], data["timezone"]) == ("INR", "Asia/Kolkata")
    assert data["by_category"] == [
        {"category": "Groceries", "parent": None, "amount": 123.45, "transaction_count": 1},
        {"category": "Food & Dining", "parent": None, "amount": 0.6, "transaction_count": 3},
    ]
    assert data["other_currencies"] == {"USD": 7}


def test_summary_month_follows_the_users_time_zone(user: User) -> None:
    user.set_profile(timezone="America/Los_Angeles")
    start_la, _ = month_bounds(datetime.now(UTC), ZoneInfo("America/Los_Angeles"))
    seed(user, amount_minor=100, when=start_la + timedelta(minutes=5))  # first minutes of the month in LA
    seed(user, amount_minor=200, when=start_la - timedelta(minutes=5))  # still last month in LA
    data = user.request("GET", "/api/transactions/summary/").json()["data"]
    assert (data["current_month_spend"], data["timezone"]) == (1, "America/Los_Angeles")


def test_summary_of_a_new_user_is_zero(user: User) -> None:
    data = user.request("GET", "/api/transactions/summary").json()["data"]
    assert (data["current_month_spend"], data["transaction_count"], data["by_category"]) == (0, 0, [])


# ----- history -----
def test_history_groups_by_local_day_newest_first_with_an_inclusive_end_date(user: User) -> None:
    def local(day: int, hour: int, minute: int = 0) -> datetime:
        return datetime.combine(datetime(2026, 2, day).date(), time(hour, minute), KOLKATA)

    seed(user, amount_minor=10, when=local(28, 23, 30))  # last day of February, 23:30 local (18:00 UTC)
    seed(user, amount_minor=20, when=local(28, 0, 15))  # 00:15 local is still the 27th in UTC
    seed(user, amount_minor=30, when=local(27, 12))
    seed(user, amount_minor=40, when=local(1, 0, 5))
    seed(user, amount_minor=99, when=local(1, 0, 5) - timedelta(minutes=10))  # 31 January local
    seed(user, amount_minor=None, status="processing", when=local(27, 13))
    response = user.request("GET", "/api/transactions/history?start_date=2026-02-01&end_date=2026-02-28")
    assert response.status == 200
    days = response.json()["data"]
    assert [d["date"] for d in days] == ["2026-02-28", "2026-02-27", "2026-02-01"]
    assert [(d["total_spend"], d["transaction_count"]) for d in days] == [(0.3, 2), (0.3, 1), (0.4, 1)]
    assert set(days[0]["transactions"][0]) == {"_id", "amount", "currency", "category", "description", "date"}


def test_history_accepts_datetimes_with_offsets(user: User) -> None:
    seed(user, amount_minor=10, when=datetime(2026, 2, 10, 12, tzinfo=UTC))
    seed(user, amount_minor=20, when=datetime(2026, 2, 10, 20, tzinfo=UTC))
    response = user.request(
        "GET",
        "/api/transactions/history?"
        + urlencode({"start_date": "2026-02-10T11:00:00Z", "end_date": "2026-02-10T12:00:00+00:00"}),
    )
    assert [d["transaction_count"] for d in response.json()["data"]] == [1]


def test_history_defaults_to_the_last_30_days(user: User) -> None:
    now = datetime.now(UTC)
    seed(user, amount_minor=10, when=now - timedelta(days=2))
    seed(user, amount_minor=20, when=now - timedelta(days=40))
    days = user.request("GET", "/api/transactions/history").json()["data"]
    assert sum(d["transaction_count"] for d in days) == 1


@pytest.mark.parametrize(
    "query",
    [
        "start_date=2026-02-30",
        "start_date=last-week",
        "end_date=2026-02-10T10:00:00",
        "start_date=2026-03-01&end_date=2026-02-01",
        "start_date=2024-01-01&end_date=2026-01-01",
    ],
)
def test_history_refuses_bad_ranges(user: User, query: str) -> None:
    assert_fail(user.request("GET", f"/api/transactions/history?{query}"), 400)


# ----- database round trips -----
@pytest.mark.parametrize(
    ("method", "path", "most"),
    [
        ("GET", "/api/transactions?limit=10&page=3", 3),
        ("GET", "/api/transactions/summary", 3),  # + the user's categories (each one's parent)
        ("GET", "/api/transactions/history", 2),
        # a write: + its domain event in the outbox (written after it, never failing it); a new one: + the rules;
        # naming a category: + the user's categories
        ("POST", "/api/transactions", 5),
        ("GET", "/api/transactions/{id}", 2),
        ("PATCH", "/api/transactions/{id}", 3),
        ("PATCH-category", "/api/transactions/{id}", 5),  # + their categories, + remembering it for the merchant
        ("DELETE", "/api/transactions/{id}", 3),
    ],
)
def test_each_request_makes_only_the_round_trips_it_needs(user: User, method: str, path: str, most: int) -> None:
    for _ in range(25):
        seed(user)
    tid = str(seed(user))
    body = {"mode": "manual", "amount": 1, "category": "Other", "description": "x"} if method == "POST" else None
    if method == "PATCH":
        body = {"amount": 2}
    if method == "PATCH-category":
        method, body = "PATCH", {"category": "Shopping"}
        transactions().update_one({"_id": ObjectId(tid)}, {"$set": {"description": "Starbucks latte"}})
    with count_round_trips(db.get_client()) as count:
        response = user.request(method, path.format(id=tid), json_body=body)
    assert response.status < 300, response.text
    assert count() <= most  # the token check included


# ----- bulk delete -----
def test_bulk_delete_removes_yours_and_says_why_not_for_the_rest(local_api: ApiClient) -> None:
    owner, other = User(local_api), User(local_api)
    mine = [owner.add(amount=amount)["_id"] for amount in (10, 20, 30)]
    theirs = other.add(amount=40)["_id"]
    processing = owner.request("POST", "/api/transactions", json_body={"mode": "ai", "text": "tea 5"}).json()
    stuck = processing["data"]["_id"]
    db.get_database()["transactions"].update_one({"_id": ObjectId(stuck)}, {"$set": {"status": "processing"}})
    body = {"ids": [*mine[:2], mine[0], theirs, "not-an-id", "65f0c2a1b2c3d4e5f6a7b8c9", stuck]}
    response = owner.request("POST", "/api/transactions/bulk-delete", json_body=body)
    assert response.status == 200, response.text
    assert response.json()["data"] == {
        "deleted": mine[:2],
        "not_deleted": [
            {"id": theirs, "reason": "not found"},
            {"id": "not-an-id", "reason": "malformed id"},
            {"id": "65f0c2a1b2c3d4e5f6a7b8c9", "reason": "not found"},
            {"id": stuck, "reason": "processing"},
        ],
    }
    left = {t["_id"] for t in owner.request("GET", "/api/transactions").json()["data"]["transactions"]}
    assert left & set(mine) == {mine[2]}
    assert other.request("GET", f"/api/transactions/{theirs}").status == 200  # someone else's stays


def test_bulk_delete_takes_1_to_500_ids(local_api: ApiClient) -> None:
    user = User(local_api)
    assert_fail(user.request("POST", "/api/transactions/bulk-delete", json_body={"ids": []}), 400)
    too_many = {"ids": ["65f0c2a1b2c3d4e5f6a7b8c9"] * 501}
    assert_fail(user.request("POST", "/api/transactions/bulk-delete", json_body=too_many), 400)
    assert_fail(user.request("POST", "/api/transactions/bulk-delete", json_body={"ids": "x"}), 400)
    assert_fail(local_api.request("POST", "/api/transactions/bulk-delete", json_body={"ids": ["x"]}), 401)
    ids = [user.add(amount=1)["_id"] for _ in range(3)]
    assert (
        user.request("POST", "/api/transactions/bulk-delete/", json_body={"ids": ids}).json()["data"]["deleted"] == ids
    )


def test_concurrent_bulk_deletes_of_the_same_ids_leave_nothing_and_fail_nothing(local_api: ApiClient) -> None:
    user = User(local_api)
    ids = [user.add(amount=amount)["_id"] for amount in range(1, 21)]
    barrier = threading.Barrier(4)

    def delete() -> int:
        barrier.wait()
        response = user.request("POST", "/api/transactions/bulk-delete", json_body={"ids": ids})
        return response.status

    with ThreadPoolExecutor(max_workers=4) as pool:
        assert list(pool.map(lambda _: delete(), range(4))) == [200] * 4
    assert db.get_database()["transactions"].count_documents({"user_id": user.id}) == 0
