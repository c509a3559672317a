"""Domain events as their consumers see them: each change recorded once in the outbox (whichever path made it),
published to EventBridge without ever blocking or failing the user's request, and budget thresholds alerting
users without a chat by email, once per threshold."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from pymongo.errors import AutoReconnect

from finsight.events import outbox, publisher
from finsight.platform import db
from finsight.recurring.worker import create_due_occurrences
from tests.conftest import load_event
from tests.helpers import User, mail_to, publish_events, run_budget_alerts
from tests.http_client import ApiClient

pytestmark = [pytest.mark.integration, pytest.mark.usefixtures("no_rate_history")]


def events_of(user: User, event_type: str | None = None) -> list[dict[str, Any]]:
    query: dict[str, Any] = {"event.user_id": user.id}
    if event_type:
        query["event.type"] = event_type
    return [doc["event"] for doc in db.get_database()["outbox"].find(query).sort("created_at", 1)]


def budget_mail(api: ApiClient, user: User) -> list[Any]:
    return [m for m in mail_to(api, user.email) if m.subject == "FinSight: Groceries budget"]


def test_budget_alerts_reach_a_user_without_a_chat_by_email_once_per_threshold(
    local_api: ApiClient, user: User
) -> None:
    assert user.request("POST", "/api/budgets", json_body={"category": "Groceries", "limit": 1000}).status == 201
    user.add(amount=500)
    run_budget_alerts(local_api)
    assert budget_mail(local_api, user) == []
    user.add(amount=350)  # 85 %
    run_budget_alerts(local_api)
    run_budget_alerts(local_api)  # nothing new to say
    [heads_up] = budget_mail(local_api, user)
    assert heads_up.body.startswith("Heads-up: Groceries is at 85% of its ₹1,000 budget for ")
    user.add(amount=200)  # 105 %
    run_budget_alerts(local_api)
    run_budget_alerts(local_api)
    mails = budget_mail(local_api, user)
    assert len(mails) == 2
    assert mails[1].body.startswith("Groceries is over its ₹1,000 budget for ")
    thresholds = [e["data"]["threshold"] for e in events_of(user, "budget.threshold_crossed")]
    assert thresholds == [80, 100]


@pytest.mark.usefixtures("busy_switching")
def test_threshold_runs_at_the_same_time_announce_once(local_api: ApiClient, user: User) -> None:
    assert user.request("POST", "/api/budgets", json_body={"category": "Groceries", "limit": 1000}).status == 201
    user.add(amount=1200)  # straight past both: one event, the highest
    barrier = threading.Barrier(8)

    def run() -> Any:
        barrier.wait()
        return local_api.stack.invoke("BudgetAlertsFunction", load_event("budget_alerts"))

    with ThreadPoolExecutor(max_workers=8) as pool:
        assert [o.error for o in pool.map(lambda _: run(), range(8))] == [None] * 8
    publish_events(local_api)
    assert [e["data"]["threshold"] for e in events_of(user, "budget.threshold_crossed")] == [100]
    [alert] = budget_mail(local_api, user)
    assert alert.body.startswith("Groceries is over its ₹1,000 budget for ")


def test_a_request_succeeds_when_the_outbox_refuses_its_event(
    local_api: ApiClient, user: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(self: Any, events: Any) -> int:
        raise AutoReconnect("primary stepped down")

    monkeypatch.setattr(outbox.Outbox, "add", refuse)
    created = user.add(amount=12, description="Lunch")
    assert user.request("GET", f"/api/transactions/{created['_id']}").json()["data"]["amount"] == 12
    assert events_of(user) == []


def test_events_wait_in_the_outbox_while_eventbridge_refuses_them(
    local_api: ApiClient, user: User, configure: Any
) -> None:
    user.add(amount=13)
    bus = local_api.stack.bus_name("EventBus")
    configure(EVENT_BUS_NAME="finsight-absent")
    refused = local_api.stack.invoke("PublishEventsFunction", load_event("publish_events"))
    assert refused.error is None
    assert refused.response["refused"] >= 1
    collection = db.get_database()["outbox"]
    [doc] = collection.find({"event.user_id": user.id})
    assert (doc["status"], doc["attempts"]) == ("pending", 1)
    collection.update_many({"status": "pending"}, {"$set": {"lease_until": datetime.now(UTC) - timedelta(seconds=1)}})
    configure(EVENT_BUS_NAME=bus)
    publish_events(local_api)
    assert [d["status"] for d in collection.find({"event.user_id": user.id})] == ["published"]


@pytest.mark.usefixtures("busy_switching")
def test_concurrent_publishers_put_each_event_on_the_bus_once(
    local_api: ApiClient, user: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    publish_events(local_api)  # what earlier tests left
    for amount in range(1, 31):
        user.add(amount=amount)
    sent: list[str] = []
    lock = threading.Lock()

    class CountingEventBridge:
        def put_events(self, Entries: list[dict[str, str]]) -> dict[str, Any]:  # noqa: N803 - boto3's name
            with lock:
                sent.extend(entry["Detail"] for entry in Entries)
            return {"FailedEntryCount": 0, "Entries": [{"EventId": "x"} for _ in Entries]}

    monkeypatch.setattr(publisher, "events_client", CountingEventBridge)
    barrier = threading.Barrier(6)

    def publish() -> dict[str, int]:
        barrier.wait()
        return publisher.publish_pending()

    with ThreadPoolExecutor(max_workers=6) as pool:
        counts = list(pool.map(lambda _: publish(), range(6)))
    assert sum(c["published"] for c in counts) == 30
    assert len(sent) == 30
    assert len(set(sent)) == 30


def test_recurring_occurrences_are_announced_once_however_often_the_schedule_runs(
    local_api: ApiClient, user: User
) -> None:
    body = {
        "amount": 30,
        "category": "Food & Dining",
        "description": "Chai",
        "schedule": {"frequency": "daily", "start_date": "2026-11-20"},
    }
    rule = user.request("POST", "/api/recurring", json_body=body).json()["data"]
    now = datetime(2026, 11, 22, 12, tzinfo=UTC)
    for _ in range(3):
        create_due_occurrences(now=now)
    occurred = events_of(user, "recurring.occurred")
    assert [(e["data"]["recurring_id"], e["data"]["date"]) for e in occurred] == [
        (rule["_id"], "2026-11-20"),
        (rule["_id"], "2026-11-21"),
        (rule["_id"], "2026-11-22"),
    ]
    created = events_of(user, "transaction.created")
    assert sorted(e["data"]["_id"] for e in created) == sorted(e["data"]["transaction"]["_id"] for e in occurred)
    assert {e["data"]["source"] for e in created} == {"recurring"}


def test_an_ai_entry_is_announced_when_it_completes_with_each_of_its_expenses(local_api: ApiClient, user: User) -> None:
    response = user.request("POST", "/api/transactions", json_body={"mode": "ai", "text": "uber 750 and chai 20"})
    assert response.status == 202, response.text
    assert events_of(user) == []  # nothing while it is processing
    local_api.stack.wait_for_queue("AiQueue")
    created = events_of(user, "transaction.created")
    assert sorted((e["data"]["amount"], e["data"]["status"]) for e in created) == [
        (20, "completed"),
        (750, "completed"),
    ]


def test_a_user_who_turns_alert_emails_off_gets_none(local_api: ApiClient, user: User) -> None:
    profile = user.request("POST", "/api/auth/profile", json_body={"budget_alert_emails": False})
    assert profile.status == 200, profile.text
    assert profile.json()["data"]["budget_alert_emails"] is False
    assert user.request("POST", "/api/auth/profile", json_body={"budget_alert_emails": "no"}).status == 400
    assert user.request("POST", "/api/budgets", json_body={"category": "Groceries", "limit": 1000}).status == 201
    user.add(amount=900)
    run_budget_alerts(local_api)
    assert budget_mail(local_api, user) == []
    assert [e["data"]["threshold"] for e in events_of(user, "budget.threshold_crossed")] == [80]  # still an event
    assert user.request("POST", "/api/auth/profile", json_body={"budget_alert_emails": True}).status == 200
    user.add(amount=200)
    run_budget_alerts(local_api)
    [alert] = budget_mail(local_api, user)
    assert "budget_alert_emails" in alert.body  # and how to turn them off again
    assert user.request("GET", "/api/auth/profile").json()["data"]["budget_alert_emails"] is True
