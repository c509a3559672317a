"""Recurring expenses: rules through the API, occurrences created by the hourly schedule exactly once, in each
user's zone, caught up after missed runs, edited for the future only, kept when the rule goes."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from finsight.platform import db
from finsight.recurring.worker import create_due_occurrences
from tests.conftest import load_event
from tests.helpers import User
from tests.http_client import ApiClient, assert_fail

pytestmark = [pytest.mark.integration, pytest.mark.usefixtures("no_rate_history")]


def rule(user: User, **fields: Any) -> dict[str, Any]:
    body = {"amount": 25000, "category": "Housing", "description": "Rent", **fields}
    response = user.request("POST", "/api/recurring", json_body=body)
    assert response.status == 201, response.text
    return dict(response.json()["data"])


def created(user: User) -> list[tuple[str, int]]:
    docs = db.get_database()["transactions"].find({"user_id": user.id, "source": "recurring"}).sort("date", 1)
    return [(doc["date"].isoformat()[:10], doc["amount_minor"]) for doc in docs]


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def test_rent_on_the_last_day_catches_up_once_after_missed_runs(local_api: ApiClient, user: User) -> None:
    rule(user, schedule={"frequency": "monthly", "day_of_month": -1, "start_date": "2026-09-01"})
    create_due_occurrences(now=at("2026-09-15T00:00:00"))
    assert created(user) == []
    create_due_occurrences(now=at("2026-11-30T20:00:00"))  # two months of outage, then a run
    # noon on the last day in Kolkata is 06:30 UTC; 30 November's came due at 20:00 UTC (01:30 on 1 Dec there)
    assert created(user) == [("2026-09-30", 2500000), ("2026-10-31", 2500000), ("2026-11-30", 2500000)]
    create_due_occurrences(now=at("2026-11-30T21:00:00"))
    assert len(created(user)) == 3
    listed = user.request("GET", "/api/transactions").json()["data"]["transactions"]
    assert {(t["description"], t["amount"], t["category"]) for t in listed} == {("Rent", 25000, "Housing")}


@pytest.mark.usefixtures("busy_switching")
def test_concurrent_schedule_runs_create_each_occurrence_once(local_api: ApiClient, user: User) -> None:
    rule(
        user,
        amount=30,
        category="Food & Dining",
        description="Chai",
        schedule={"frequency": "daily", "start_date": "2026-11-20"},
    )
    barrier = threading.Barrier(6)

    def run() -> int:
        barrier.wait()
        return create_due_occurrences(now=at("2026-11-30T12:00:00"))

    with ThreadPoolExecutor(max_workers=6) as pool:
        list(pool.map(lambda _: run(), range(6)))
    assert [day for day, _ in created(user)] == [f"2026-11-{d}" for d in range(20, 31)]


def test_each_user_s_day_is_their_own_zone_s(local_api: ApiClient) -> None:
    auckland, new_york = User(local_api), User(local_api)
    for person, zone in ((auckland, "Pacific/Auckland"), (new_york, "America/New_York")):
        assert person.request("POST", "/api/auth/profile", json_body={"timezone": zone}).status == 200
        rule(
            person,
            amount=5,
            category="Other",
            description="Daily",
            schedule={"frequency": "daily", "start_date": "2026-11-29"},
        )
    create_due_occurrences(now=at("2026-12-01T12:00:00"))  # 2 Dec 01:00 in Auckland, 1 Dec 07:00 in New York

    def local_days(person: User, zone: str) -> list[str]:
        docs = db.get_database()["transactions"].find({"user_id": person.id, "source": "recurring"}).sort("date", 1)
        return [doc["date"].astimezone(ZoneInfo(zone)).isoformat()[:16] for doc in docs]

    assert local_days(auckland, "Pacific/Auckland") == [f"2026-{d}T12:00" for d in ("11-29", "11-30", "12-01", "12-02")]
    assert local_days(new_york, "America/New_York") == [f"2026-{d}T12:00" for d in ("11-29", "11-30", "12-01")]


def test_editing_changes_the_future_only_and_deleting_keeps_the_past(local_api: ApiClient, user: User) -> None:
    made = rule(user, schedule={"frequency": "monthly", "day_of_month": 1, "start_date": "2026-10-01"})
    create_due_occurrences(now=at("2026-11-15T00:00:00"))
    changed = user.request("PATCH", f"/api/recurring/{made['_id']}", json_body={"amount": 26000})
    assert changed.status == 200
    assert changed.json()["data"]["created_through"] == "2026-11-15"
    create_due_occurrences(now=at("2026-12-01T12:00:00"))
    assert created(user) == [("2026-10-01", 2500000), ("2026-11-01", 2500000), ("2026-12-01", 2600000)]
    upcoming = user.request("GET", f"/api/recurring/{made['_id']}/upcoming?n=3").json()["data"]
    assert upcoming["dates"][0] == "2027-01-01"
    assert user.request("DELETE", f"/api/recurring/{made['_id']}").status == 200
    create_due_occurrences(now=at("2027-02-01T12:00:00"))
    assert len(created(user)) == 3  # nothing new, nothing removed
    assert user.request("GET", "/api/recurring").json()["data"] == []


def test_paused_rules_create_nothing_and_the_scheduled_function_runs(local_api: ApiClient, user: User) -> None:
    rule(user, paused=True, schedule={"frequency": "daily", "start_date": "2026-11-01"})
    outcome = local_api.stack.invoke("RecurringDueFunction", load_event("recurring_due"))
    assert outcome.error is None
    assert created(user) == []


@pytest.mark.parametrize(
    "schedule",
    [
        {"frequency": "monthly", "day_of_month": 0, "start_date": "2026-12-01"},
        {"frequency": "monthly", "day_of_month": 32, "start_date": "2026-12-01"},
        {"frequency": "monthly", "weekday": 2, "start_date": "2026-12-01"},
        {"frequency": "weekly", "day_of_month": 3, "start_date": "2026-12-01"},
        {"frequency": "daily", "interval": 0, "start_date": "2026-12-01"},
        {"frequency": "daily", "start_date": "2026-12-01", "end_date": "2026-11-01"},
        {"frequency": "hourly", "start_date": "2026-12-01"},
        {"frequency": "daily", "start_date": "1899-12-01"},
        {"frequency": "daily", "start_date": "not a date"},
    ],
)
def test_a_schedule_that_cannot_be_is_a_400(local_api: ApiClient, user: User, schedule: dict[str, Any]) -> None:
    body = {"amount": 1, "category": "Other", "description": "x", "schedule": schedule}
    assert_fail(user.request("POST", "/api/recurring", json_body=body), 400)


def test_rules_are_owner_only(local_api: ApiClient, user: User) -> None:
    made = rule(user, schedule={"frequency": "yearly", "start_date": "2024-02-29"})
    other = User(local_api)
    for method, path in (("PATCH", ""), ("DELETE", ""), ("GET", "/upcoming")):
        body = {"amount": 1} if method == "PATCH" else None
        assert_fail(other.request(method, f"/api/recurring/{made['_id']}{path}", json_body=body), 404)
    assert_fail(user.request("GET", "/api/recurring/nope/upcoming"), 400)
    yearly = user.request("GET", f"/api/recurring/{made['_id']}/upcoming?n=2").json()["data"]["dates"]
    assert yearly[0].endswith("-02-28") or yearly[0].endswith("-02-29")


# ----- subscriptions found in the history -----
def seed_history(user: User) -> None:
    today = datetime.now(UTC)
    docs = []
    for months_ago in range(8, 0, -1):  # Netflix on the 5th of each of the last 8 months, 649 since 3 months
        day = (today.replace(day=5, hour=12) - timedelta(days=30 * months_ago)).replace(day=5)
        amount = 64900 if months_ago <= 3 else 49900
        docs.append(
            {
                "date": day,
                "amount_minor": amount,
                "description": f"NETFLIX.COM {months_ago}7123",
                "category": "Entertainment",
            }
        )
    for days_ago in (3, 9, 10, 22, 40, 41, 77, 101, 130, 161, 170, 200):  # Swiggy, often but irregular
        docs.append(
            {
                "date": today - timedelta(days=days_ago),
                "amount_minor": 10000 + days_ago * 37,
                "description": "UPI-SWIGGY",
                "category": "Food & Dining",
            }
        )
    for doc in docs:
        doc.update(
            {"user_id": user.id, "currency": "INR", "status": "completed", "mode": "manual", "created_at": today}
        )
    db.get_database()["transactions"].insert_many(docs)


def test_a_subscription_is_found_accepted_and_then_no_longer_suggested(local_api: ApiClient, user: User) -> None:
    seed_history(user)
    found = user.request("GET", "/api/recurring/suggestions").json()["data"]
    assert [(s["frequency"], s["amount"], s["category"]) for s in found] == [("monthly", 649, "Entertainment")]
    assert found[0]["description"].startswith("NETFLIX.COM")
    accepted = user.request("POST", f"/api/recurring/suggestions/{found[0]['key']}/accept")
    assert accepted.status == 201, accepted.text
    made = accepted.json()["data"]
    assert (made["amount"], made["schedule"]["frequency"], made["schedule"]["day_of_month"]) == (649, "monthly", 5)
    assert made["schedule"]["start_date"] == found[0]["next_date"]
    assert user.request("GET", "/api/recurring/suggestions").json()["data"] == []
    assert_fail(user.request("POST", f"/api/recurring/suggestions/{found[0]['key']}/accept"), 404)


def test_a_malformed_suggestion_key_is_a_400(local_api: ApiClient, user: User) -> None:
    assert_fail(user.request("POST", "/api/recurring/suggestions/not-a-key/accept"), 400, "16 hexadecimal")


def test_a_paused_rule_s_days_are_not_made_up_when_it_resumes(local_api: ApiClient, user: User) -> None:
    made = rule(
        user,
        amount=30,
        category="Food & Dining",
        description="Chai",
        schedule={"frequency": "daily", "start_date": "2026-11-01"},
    )
    create_due_occurrences(now=at("2026-11-03T12:00:00"))
    assert user.request("PATCH", f"/api/recurring/{made['_id']}", json_body={"paused": True}).status == 200
    create_due_occurrences(now=at("2026-11-10T12:00:00"))
    assert user.request("PATCH", f"/api/recurring/{made['_id']}", json_body={"paused": False}).status == 200
    create_due_occurrences(now=at("2026-11-12T12:00:00"))
    assert [day for day, _ in created(user)] == [f"2026-11-{d:02d}" for d in (1, 2, 3, 11, 12)]


def test_across_a_daylight_saving_change_each_occurrence_is_at_noon_local(local_api: ApiClient, user: User) -> None:
    assert user.request("POST", "/api/auth/profile", json_body={"timezone": "Europe/London"}).status == 200
    rule(
        user,
        amount=5,
        category="Other",
        description="Paper",
        schedule={"frequency": "weekly", "weekday": 5, "start_date": "2026-10-17"},
    )
    create_due_occurrences(now=at("2026-11-01T12:00:00"))  # clocks went back on 25 October
    docs = db.get_database()["transactions"].find({"user_id": user.id, "source": "recurring"}).sort("date", 1)
    stamps = [doc["date"].isoformat() for doc in docs]
    assert stamps == ["2026-10-17T11:00:00+00:00", "2026-10-24T11:00:00+00:00", "2026-10-31T12:00:00+00:00"]


@pytest.mark.usefixtures("busy_switching")
def test_concurrent_creates_never_pass_the_limit_of_rules(local_api: ApiClient, user: User) -> None:
    base = {
        "amount": 1,
        "category": "Other",
        "description": "x",
        "schedule": {"frequency": "daily", "start_date": "2026-11-01"},
    }
    docs = [
        {
            "user_id": user.id,
            "amount_minor": 100,
            "currency": "INR",
            "category": "Other",
            "description": f"r{i}",
            "schedule": base["schedule"],
            "paused": True,
            "effective_from": "2026-11-01",
            "created_at": datetime.now(UTC),
            "updated_at": datetime.now(UTC),
        }
        for i in range(97)
    ]
    db.get_database()["recurring"].insert_many(docs)
    barrier = threading.Barrier(8)

    def create() -> int:
        barrier.wait()
        return user.request("POST", "/api/recurring", json_body=base).status

    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = list(pool.map(lambda _: create(), range(8)))
    assert set(statuses) <= {201, 409}
    assert db.get_database()["recurring"].count_documents({"user_id": user.id}) <= 100
    assert statuses.count(201) == db.get_database()["recurring"].count_documents({"user_id": user.id}) - 97
