"""Budgets over HTTP through the local gateway: CRUD, one per category and month, spend and pace."""

from __future__ import annotations

import calendar
import threading
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from bson import ObjectId

from dev.roundtrips import count_round_trips
from finsight.platform import db
from finsight.platform.timeutil import month_bounds
from tests.helpers import KOLKATA, User, seed
from tests.http_client import ApiClient, HttpResponse, assert_fail

pytestmark = [pytest.mark.integration, pytest.mark.usefixtures("no_rate_history")]

ZONE_LA = ZoneInfo("America/Los_Angeles")


def this_month(zone: ZoneInfo = KOLKATA) -> tuple[int, int]:
    local = datetime.now(UTC).astimezone(zone)
    return local.year, local.month


def shifted(year: int, month: int, by: int) -> tuple[int, int]:
    index = year * 12 + month - 1 + by
    return index // 12, index % 12 + 1


def create(user: User, **fields: Any) -> HttpResponse:
    year, month = this_month()
    body = {"category": "Food & Dining", "limit": 5000, "month": month, "year": year, **fields}
    return user.request("POST", "/api/budgets/", json_body=body)


def made(user: User, **fields: Any) -> dict[str, Any]:
    response = create(user, **fields)
    assert response.status == 201, response.text
    return dict(response.json()["data"])


def budgets() -> Any:
    return db.get_database()["budgets"]


def insert_last_months_budget(user: User) -> ObjectId:
    """A Groceries budget of 100 for last month, straight into the database (the API refuses to make one)."""
    last_year, last_month = shifted(*this_month(), -1)
    now = datetime.now(UTC)
    doc = {
        "user_id": user.id,
        "category": "Groceries",
        "limit_minor": 10000,
        "currency": "INR",
        "month": last_month,
        "year": last_year,
        "created_at": now,
        "updated_at": now,
    }
    return ObjectId(budgets().insert_one(doc).inserted_id)


# ----- create -----
def test_create_answers_201_with_the_contract_fields_and_spend_so_far(user: User) -> None:
    start, _ = month_bounds(datetime.now(UTC), KOLKATA)
    seed(user, amount_minor=125050, category="Food & Dining", when=start + timedelta(minutes=1))
    response = create(user, limit=5000.5)
    assert response.status == 201, response.text
    budget = response.json()["data"]
    year, month = this_month()
    assert {k: budget[k] for k in ("user_id", "category", "limit", "month", "year", "current_spend")} == {
        "user_id": user.id,
        "category": "Food & Dining",
        "limit": 5000.5,
        "month": month,
        "year": year,
        "current_spend": 1250.5,
    }
    assert ObjectId.is_valid(budget["_id"])
    assert (budget["remaining"], budget["percent_used"], budget["currency"]) == (3750, 25.0, "INR")
    assert budget["created_at"].endswith("+00:00")
    stored = budgets().find_one({"_id": ObjectId(budget["_id"])})
    assert (stored["limit_minor"], stored["user_id"]) == (500050, user.id)


def test_month_and_year_default_to_the_current_local_month(user: User) -> None:
    response = user.request("POST", "/api/budgets", json_body={"category": "Travel", "limit": 100})
    assert response.status == 201, response.text
    data = response.json()["data"]
    assert (data["year"], data["month"]) == this_month()


def test_a_future_month_may_be_budgeted_but_not_a_past_one(user: User) -> None:
    year, month = this_month()
    next_year, next_month = shifted(year, month, 1)
    assert made(user, month=next_month, year=next_year)["current_spend"] == 0
    last_year, last_month = shifted(year, month, -1)
    assert_fail(create(user, month=last_month, year=last_year), 400, "past month")
    assert_fail(create(user, month=month, year=year - 1), 400, "past month")


@pytest.mark.parametrize(
    ("fields", "fragment"),
    [
        ({"limit": 0}, "limit"),
        ({"limit": -5}, "limit"),
        ({"limit": 10_000_000.01}, "limit"),
        ({"limit": 12.345}, "limit"),
        ({"limit": "lots"}, "limit"),
        ({"limit": None}, "limit"),
        ({"category": "Groceriez"}, "category"),
        ({"category": {"$ne": None}}, "category"),
        ({"month": 0}, "month"),
        ({"month": 13}, "month"),
        ({"year": 1999}, "year"),
        ({"year": 99999}, "year"),
    ],
)
def test_invalid_budgets_get_400_and_nothing_is_stored(user: User, fields: dict[str, Any], fragment: str) -> None:
    assert_fail(create(user, **fields), 400, fragment)
    assert budgets().count_documents({"user_id": user.id}) == 0


def test_the_largest_limit_is_accepted_exactly(user: User) -> None:
    assert made(user, limit=10_000_000)["limit"] == 10_000_000
    assert made(user, category="Travel", limit=0.01)["limit"] == 0.01


def test_a_second_budget_for_the_same_category_and_month_is_409(user: User, other: User) -> None:
    made(user)
    assert_fail(create(user, limit=10), 409, "already have a budget")
    assert budgets().count_documents({"user_id": user.id}) == 1
    made(user, category="Travel")  # another category: fine
    made(other)  # another user: fine


def test_two_concurrent_creates_make_one_budget(user: User) -> None:
    barrier = threading.Barrier(4)
    statuses: list[int] = []

    def attempt() -> None:
        barrier.wait()
        statuses.append(create(user, category="Shopping").status)

    threads = [threading.Thread(target=attempt) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [201, 409, 409, 409]
    assert budgets().count_documents({"user_id": user.id, "category": "Shopping"}) == 1


# ----- list -----
def test_list_is_the_current_month_by_default_and_month_year_pick_another(user: User) -> None:
    year, month = this_month()
    next_year, next_month = shifted(year, month, 1)
    made(user, category="Travel")
    made(user, category="Food & Dining")
    made(user, category="Shopping", month=next_month, year=next_year)
    current = user.request("GET", "/api/budgets/").json()["data"]
    assert [b["category"] for b in current] == ["Food & Dining", "Travel"]  # contract order
    assert user.request("GET", "/api/budgets").json()["data"] == current
    following = user.request("GET", f"/api/budgets?month={next_month}&year={next_year}").json()["data"]
    assert [b["category"] for b in following] == ["Shopping"]
    assert user.request("GET", f"/api/budgets?month={month}&year=&").json()["data"] == current  # empty = not given


def test_past_budgets_can_still_be_read(user: User) -> None:
    year, month = this_month()
    last_year, last_month = shifted(year, month, -1)
    start, _ = month_bounds(datetime.now(UTC), KOLKATA)
    insert_last_months_budget(user)
    seed(user, amount_minor=15000, when=start - timedelta(days=2))  # last month, over the limit
    [budget] = user.request("GET", f"/api/budgets?month={last_month}&year={last_year}").json()["data"]
    assert (budget["current_spend"], budget["remaining"], budget["percent_used"]) == (150, -50, 150.0)
    days = calendar.monthrange(last_year, last_month)[1]
    assert budget["pace"] == {
        "projected_spend": 150,  # the month is over: the projection is what was spent
        "projected_to_exceed": True,
        "days_elapsed": days,
        "days_in_month": days,
    }


@pytest.mark.parametrize("query", ["month=13", "month=0", "month=x", "year=2026", "month=3&year=1999"])
def test_invalid_list_queries_are_400(user: User, query: str) -> None:
    assert_fail(user.request("GET", f"/api/budgets?{query}"), 400)


def test_a_user_without_budgets_gets_an_empty_list(user: User) -> None:
    assert user.request("GET", "/api/budgets").json() == {"status": "success", "data": []}


def test_other_users_budgets_never_appear(user: User, other: User) -> None:
    made(other)
    assert user.request("GET", "/api/budgets").json()["data"] == []


# ----- spend and pace -----
def test_spend_counts_completed_transactions_of_that_category_month_and_currency_exactly(user: User) -> None:
    start, end = month_bounds(datetime.now(UTC), KOLKATA)
    for amount in (10, 20, 30):  # 0.10 + 0.20 + 0.30
        seed(user, amount_minor=amount, category="Food & Dining", when=start + timedelta(minutes=15))
    seed(user, amount_minor=999, category="Food & Dining", when=start - timedelta(minutes=30))  # last month
    seed(user, amount_minor=999, category="Food & Dining", when=end + timedelta(minutes=30))  # next month
    seed(user, amount_minor=None, category="Food & Dining", status="processing", when=start + timedelta(hours=1))
    seed(user, amount_minor=5000, category="Food & Dining", status="failed", when=start + timedelta(hours=1))
    seed(user, amount_minor=700, category="Food & Dining", currency="USD", when=start + timedelta(hours=1))
    seed(user, amount_minor=12345, category="Groceries", when=start + timedelta(hours=2))
    food = made(user, limit=1)
    assert food["current_spend"] == 0.6
    groceries = made(user, category="Groceries", limit=100)
    assert (groceries["current_spend"], groceries["remaining"], groceries["percent_used"]) == (123.45, -23.45, 123.5)
    listed = {b["category"]: b for b in user.request("GET", "/api/budgets").json()["data"]}
    assert (listed["Food & Dining"]["current_spend"], listed["Groceries"]["current_spend"]) == (0.6, 123.45)
    assert '"current_spend":0.6' in user.request("GET", f"/api/budgets/{food['_id']}").text


def test_the_budget_month_follows_the_users_time_zone(user: User) -> None:
    user.set_profile(timezone="America/Los_Angeles")
    start_la, end_la = month_bounds(datetime.now(UTC), ZONE_LA)
    seed(user, amount_minor=100, category="Food & Dining", when=start_la + timedelta(minutes=5))  # this month in LA
    seed(user, amount_minor=200, category="Food & Dining", when=start_la - timedelta(minutes=5))  # last month in LA
    seed(user, amount_minor=400, category="Food & Dining", when=end_la - timedelta(minutes=5))  # last minutes of it
    seed(user, amount_minor=800, category="Food & Dining", when=end_la + timedelta(minutes=5))  # next month in LA
    year, month = this_month(ZONE_LA)
    budget = made(user, year=year, month=month)
    assert (budget["year"], budget["month"], budget["current_spend"]) == (year, month, 5)


def test_pace_projects_month_end_spend_from_the_days_gone_by(user: User) -> None:
    start, _ = month_bounds(datetime.now(UTC), KOLKATA)
    seed(user, amount_minor=300000, category="Food & Dining", when=start + timedelta(minutes=1))
    budget = made(user, limit=4000)
    today = datetime.now(UTC).astimezone(KOLKATA)
    days = calendar.monthrange(today.year, today.month)[1]
    expected = round(3000 * days / today.day, 2)
    assert budget["pace"]["days_elapsed"] == today.day
    assert budget["pace"]["days_in_month"] == days
    assert budget["pace"]["projected_spend"] == pytest.approx(expected, abs=0.01)
    assert budget["pace"]["projected_to_exceed"] is (expected > 4000)
    year, month = shifted(today.year, today.month, 1)
    future = made(user, category="Travel", year=year, month=month)
    assert future["pace"] == {
        "projected_spend": 0,
        "projected_to_exceed": False,
        "days_elapsed": 0,
        "days_in_month": calendar.monthrange(year, month)[1],
    }


def test_listing_twelve_budgets_costs_four_round_trips(user: User) -> None:
    start, _ = month_bounds(datetime.now(UTC), KOLKATA)
    categories = user.request("GET", "/api/transactions/categories").json()["data"]
    for index, category in enumerate(categories):
        made(user, category=category, limit=100 + index)
        seed(user, amount_minor=1000 * (index + 1), category=category, when=start + timedelta(minutes=index + 1))
    with count_round_trips(db.get_client()) as count:
        response = user.request("GET", "/api/budgets")
    listed = response.json()["data"]
    assert len(listed) == 12
    assert [b["current_spend"] for b in listed] == [10 * (index + 1) for index in range(12)]
    assert count() <= 4  # the token check, the budgets, one grouped spend query, the user's categories


# ----- read, edit, delete -----
def test_get_own_budget_with_and_without_slash(user: User) -> None:
    budget = made(user)
    for path in (f"/api/budgets/{budget['_id']}", f"/api/budgets/{budget['_id']}/"):
        response = user.request("GET", path)
        assert response.status == 200, response.text
        assert response.json()["data"] == budget


@pytest.mark.parametrize("method", ["PUT", "PATCH"])
def test_put_and_patch_change_any_subset_of_fields(user: User, method: str) -> None:
    budget = made(user)
    response = user.request(method, f"/api/budgets/{budget['_id']}", json_body={"limit": 7500.25})
    assert response.status == 200, response.text
    changed = response.json()["data"]
    assert (changed["limit"], changed["category"], changed["_id"]) == (7500.25, "Food & Dining", budget["_id"])
    year, month = shifted(budget["year"], budget["month"], 2)
    moved = user.request(
        method, f"/api/budgets/{budget['_id']}/", json_body={"category": "Travel", "month": month, "year": year}
    ).json()["data"]
    assert (moved["category"], moved["month"], moved["year"], moved["limit"]) == ("Travel", month, year, 7500.25)
    assert user.request("GET", f"/api/budgets/{budget['_id']}").json()["data"] == moved


def test_a_client_may_put_the_whole_budget_back_even_for_a_past_month(user: User) -> None:
    year, month = this_month()
    last_year, last_month = shifted(year, month, -1)
    past_id = insert_last_months_budget(user)
    body = {"category": "Groceries", "limit": 100, "month": last_month, "year": last_year}  # unchanged
    response = user.request("PUT", f"/api/budgets/{past_id}", json_body=body)
    assert response.status == 200, response.text
    assert response.json()["data"]["limit"] == 100


@pytest.mark.parametrize(
    "body",
    [{"category": "Travel"}, {"limit": 500}, {"month": 12, "year": 2100}, {"category": "Groceries", "limit": 101}],
)
def test_a_past_months_budget_is_read_only_for_every_field(user: User, body: dict[str, Any]) -> None:
    past_id = insert_last_months_budget(user)
    before = user.request("GET", f"/api/budgets/{past_id}").json()["data"]
    for method in ("PUT", "PATCH"):
        assert_fail(user.request(method, f"/api/budgets/{past_id}", json_body=body), 400, "past month")
    assert user.request("GET", f"/api/budgets/{past_id}").json()["data"] == before
    assert user.request("DELETE", f"/api/budgets/{past_id}").status == 200  # a record can still be removed


@pytest.mark.parametrize(
    ("body", "status", "fragment"),
    [
        ({}, 400, "at least one"),
        ({"limit": 0}, 400, "limit"),
        ({"limit": 10_000_001}, 400, "limit"),
        ({"category": "Nope"}, 400, "category"),
        ({"month": 13}, 400, "month"),
        ({"year": 2000}, 400, "past month"),
        ({"category": "Travel"}, 409, "already have a budget"),
    ],
)
def test_invalid_edits_are_refused_and_change_nothing(
    user: User, body: dict[str, Any], status: int, fragment: str
) -> None:
    budget = made(user)
    made(user, category="Travel")
    for method in ("PUT", "PATCH"):
        assert_fail(user.request(method, f"/api/budgets/{budget['_id']}", json_body=body), status, fragment)
    assert user.request("GET", f"/api/budgets/{budget['_id']}").json()["data"] == budget


def test_delete_removes_it_and_then_it_is_404(user: User) -> None:
    budget = made(user)
    response = user.request("DELETE", f"/api/budgets/{budget['_id']}")
    assert response.status == 200
    assert response.json()["data"] == {"message": "Budget deleted."}
    assert budgets().count_documents({"user_id": user.id}) == 0
    for method, body in (("GET", None), ("PUT", {"limit": 1}), ("PATCH", {"limit": 1}), ("DELETE", None)):
        assert_fail(user.request(method, f"/api/budgets/{budget['_id']}", json_body=body), 404, "Budget not found")
    made(user)  # the category and month are free again


ID_ROUTES = [("GET", None), ("PUT", {"limit": 1}), ("PATCH", {"limit": 1}), ("DELETE", None)]


@pytest.mark.parametrize(("method", "body"), ID_ROUTES)
def test_another_users_budget_is_404_exactly_like_a_missing_one(
    user: User, other: User, method: str, body: Any
) -> None:
    theirs = made(other)
    foreign = user.request(method, f"/api/budgets/{theirs['_id']}", json_body=body)
    missing = user.request(method, f"/api/budgets/{ObjectId()}", json_body=body)
    assert_fail(foreign, 404, "Budget not found")
    assert foreign.json() == missing.json()
    assert other.request("GET", f"/api/budgets/{theirs['_id']}").json()["data"] == theirs  # untouched


@pytest.mark.parametrize(("method", "body"), ID_ROUTES)
@pytest.mark.parametrize("bad_id", ["123", "zzzzzzzzzzzzzzzzzzzzzzzz", "abcdefabcdef"])
def test_a_malformed_budget_id_is_400(user: User, method: str, body: Any, bad_id: str) -> None:
    assert_fail(user.request(method, f"/api/budgets/{bad_id}", json_body=body), 400, "Malformed budget id")


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("GET", "/api/budgets", None),
        ("POST", "/api/budgets", {"category": "Travel", "limit": 1}),
        *((m, f"/api/budgets/{ObjectId()}", body) for m, body in ID_ROUTES),
    ],
)
def test_budget_routes_need_a_token(local_api: ApiClient, method: str, path: str, body: Any) -> None:
    assert_fail(local_api.request(method, path, json_body=body), 401)
