"""Domain events and webhooks, as a receiver and a user see them: signed deliveries a receiver written from the
README verifies, the delivery log, redelivery, retries with backoff, giving up after a day, turning off after
3 days (and the email), SSRF and DNS rebinding refused, repeats made once under concurrency, and an outbox that
neither blocks nor fails the user's request."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from bson import ObjectId

from finsight.platform import db
from finsight.webhooks import urls
from finsight.webhooks.delivery import Outcome, requeue_stalled, run_attempt
from finsight.webhooks.jobs import DeliveryJob
from finsight.webhooks.signing import signature_header
from tests.conftest import Configure
from tests.helpers import User, mail_to, publish_events
from tests.http_client import ApiClient, assert_fail
from tests.webhook_receiver import Receiver, verify_signature

pytestmark = [pytest.mark.integration, pytest.mark.usefixtures("no_rate_history")]
ALL_TRANSACTION_EVENTS = ["transaction.created", "transaction.updated", "transaction.deleted"]


@pytest.fixture
def loopback(configure: Configure) -> None:
    """WEBHOOKS_ALLOW_LOOPBACK=1: the local receiver (http://127.0.0.1:<port>) may be a target."""
    configure(WEBHOOKS_ALLOW_LOOPBACK="1")


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with Receiver() as running:
        yield running


def create_webhook(user: User, url: str, events: list[str] | None = None) -> dict[str, Any]:
    body = {"url": url, "events": events or ["transaction.created"]}
    response = user.request("POST", "/api/webhooks", json_body=body)
    assert response.status == 201, response.text
    return dict(response.json()["data"])


def subscribe(user: User, receiver: Receiver, events: list[str] | None = None) -> dict[str, Any]:
    hook = create_webhook(user, receiver.url, events)
    receiver.secret = hook["secret"]
    return hook


def deliver_all(api: ApiClient) -> None:
    """Publish the outbox, let the rules dispatch, and the delivery worker make the due attempts."""
    publish_events(api)
    api.stack.wait_for_queue("WebhookQueue")


def log(user: User, hook: dict[str, Any]) -> list[dict[str, Any]]:
    response = user.request("GET", f"/api/webhooks/{hook['_id']}/deliveries")
    assert response.status == 200, response.text
    return list(response.json()["data"])


def failed_once(api: ApiClient, user: User, receiver: Receiver, amount: int) -> tuple[dict[str, Any], dict[str, Any]]:
    """A webhook whose first delivery (of a new expense) the receiver answered 500: the webhook and its log entry."""
    receiver.respond_with([500])
    hook = subscribe(user, receiver)
    user.add(amount=amount)
    deliver_all(api)
    [entry] = log(user, hook)
    return hook, entry


def attempt_now(delivery_id: str, *, later: timedelta = timedelta(0)) -> Outcome:
    """Run the delivery's due attempt now (as its delayed message would, `later` after it was due)."""
    doc = db.get_database()["webhook_deliveries"].find_one({"_id": ObjectId(delivery_id)})
    assert doc is not None
    due = doc["next_attempt_at"]
    return run_attempt(DeliveryJob(delivery_id=delivery_id, not_before=due), now=due + later)


@pytest.mark.usefixtures("loopback")
def test_transaction_events_arrive_signed_and_a_receiver_written_from_the_readme_verifies_them(
    local_api: ApiClient, user: User, receiver: Receiver
) -> None:
    hook = subscribe(user, receiver, ALL_TRANSACTION_EVENTS)
    assert hook["secret"].startswith("whsec_")
    spent = user.add(amount=42, description="Chai at the station")
    assert user.request("PATCH", f"/api/transactions/{spent['_id']}", json_body={"amount": 50}).status == 200
    assert user.request("DELETE", f"/api/transactions/{spent['_id']}").status == 200
    deliver_all(local_api)
    received = receiver.wait_for(3)
    assert [r.verified for r in received] == [True, True, True]
    events = {r.event["type"]: r for r in received if r.event}
    assert set(events) == set(ALL_TRANSACTION_EVENTS)
    created = events["transaction.created"].event or {}
    assert created["data"]["_id"] == spent["_id"]
    assert (created["data"]["amount"], created["data"]["description"]) == (42, "Chai at the station")
    assert (events["transaction.updated"].event or {})["data"]["amount"] == 50
    assert (events["transaction.deleted"].event or {})["data"] == {"_id": spent["_id"]}
    for item in received:
        assert item.headers["x-finsight-event"] == (item.event or {})["type"]
        assert item.headers["x-finsight-event-id"] == (item.event or {})["id"]
        assert item.headers["content-type"] == "application/json"
    entries = log(user, hook)
    assert {e["_id"] for e in entries} == {r.headers["x-finsight-delivery"] for r in received}
    assert {(e["status"], e["attempts"], e["response_code"]) for e in entries} == {("delivered", 1, 200)}
    listed = user.request("GET", "/api/webhooks").json()["data"]
    assert [w["_id"] for w in listed] == [hook["_id"]]
    assert "secret" not in listed[0]


def test_the_documented_check_refuses_tampered_replayed_and_wrongly_keyed_deliveries() -> None:
    secret, body, now = "whsec_test-secret", b'{"id":"1","type":"transaction.created"}', 1_800_000_000
    header = signature_header(secret, now, body)
    assert verify_signature(secret, header, body, now=now + 299)
    assert not verify_signature(secret, header, body + b" ", now=now)
    assert not verify_signature(secret, header, body, now=now + 301)  # a replay after the window
    assert not verify_signature("whsec_other", header, body, now=now)
    assert not verify_signature(secret, header.replace("t=", "t=1"), body, now=now)


@pytest.mark.parametrize(
    "url",
    [
        "http://93.184.215.14/hooks",  # plain http
        "ftp://93.184.215.14/hooks",
        "https://10.0.0.5/hooks",
        "https://172.16.3.4/hooks",
        "https://192.168.1.10/hooks",
        "https://169.254.169.254/latest/meta-data/",  # the cloud metadata service
        "https://127.0.0.1:8443/hooks",
        "https://localhost/hooks",
        "https://[::1]/hooks",
        "https://[fe80::1]/hooks",
        "https://[fd00::1]/hooks",
        "https://[::ffff:10.0.0.1]/hooks",  # IPv4-mapped IPv6
        "https://0.0.0.0/hooks",
        "https://100.64.1.1/hooks",  # carrier-grade NAT
        "https://224.0.0.1/hooks",
        "https://user:password@93.184.215.14/hooks",
        "https://93.184.215.14:99999/hooks",
        "https://[64:ff9b::a00:1]/hooks",  # NAT64 of 10.0.0.1
        "https://[2002:7f00:1::1]/hooks",  # 6to4 of 127.0.0.1
        "https://[::7f00:1]/hooks",  # IPv4-compatible
        "https://[fec0::1]/hooks",  # site-local
        "https://2130706433/hooks",  # 127.0.0.1 as one number
        "https://0x7f.1/hooks",
        "https://a..b/hooks",  # names the resolver cannot even encode: a 400, not a 500
        "https://.example.com/hooks",
        "https://" + "a" * 64 + ".example.com/hooks",
        "not a url",
        "https://" + "a" * 2100 + ".com/",
    ],
)
def test_webhooks_to_private_loopback_link_local_or_non_https_targets_are_refused(
    local_api: ApiClient, user: User, url: str
) -> None:
    response = user.request("POST", "/api/webhooks", json_body={"url": url, "events": ["transaction.created"]})
    assert_fail(response, 400)
    assert db.get_database()["webhooks"].count_documents({"user_id": user.id}) == 0


def test_a_name_that_resolves_to_a_private_address_is_refused(
    local_api: ApiClient, user: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    answers = {
        "internal.example.com": ["10.1.2.3"],
        "mixed.example.com": ["93.184.215.14", "192.168.0.7"],  # a resolver may hand out either
        "metadata.example.com": ["169.254.169.254"],
    }
    monkeypatch.setattr(urls, "_lookup", lambda host, port: answers.get(host, []))
    for host in [*answers, "nowhere.example.com"]:
        body = {"url": f"https://{host}/hooks", "events": ["transaction.created"]}
        assert_fail(user.request("POST", "/api/webhooks", json_body=body), 400)
    monkeypatch.setattr(urls, "_lookup", lambda host, port: ["93.184.215.14"])
    assert create_webhook(user, "https://hooks.example.com/finsight")["enabled"] is True


def test_dns_rebinding_at_delivery_time_is_refused_and_nothing_is_sent(
    local_api: ApiClient, user: User, receiver: Receiver, monkeypatch: pytest.MonkeyPatch
) -> None:
    port = receiver.url.split(":")[2].split("/")[0]
    monkeypatch.setattr(urls, "_lookup", lambda host, port: ["93.184.215.14"])  # public when it is made
    hook = create_webhook(user, f"https://rebind.example.com:{port}/hooks")
    monkeypatch.setattr(urls, "_lookup", lambda host, port: ["127.0.0.1"])  # loopback when it is used
    user.add(amount=7)
    deliver_all(local_api)
    [entry] = log(user, hook)
    assert (entry["status"], entry["attempts"], entry["response_code"]) == ("pending", 1, None)
    assert "private, loopback or link-local" in entry["error"]
    assert receiver.received == []


@pytest.mark.usefixtures("loopback")
def test_failed_attempts_are_retried_with_backoff_until_delivered(
    local_api: ApiClient, user: User, receiver: Receiver
) -> None:
    receiver.respond_with([500, 503])
    hook = subscribe(user, receiver)
    user.add(amount=9)
    deliver_all(local_api)  # the first attempt: 500
    [entry] = log(user, hook)
    assert (entry["status"], entry["attempts"], entry["response_code"], entry["error"]) == (
        "pending",
        1,
        500,
        "HTTP 500",
    )
    first = datetime.fromisoformat(entry["last_attempt_at"])
    assert datetime.fromisoformat(entry["next_attempt_at"]) - first == timedelta(seconds=30)
    assert attempt_now(entry["_id"]) is Outcome.RETRYING  # 30 s later: 503
    [entry] = log(user, hook)
    second = datetime.fromisoformat(entry["last_attempt_at"])
    assert datetime.fromisoformat(entry["next_attempt_at"]) - second == timedelta(seconds=60)
    assert attempt_now(entry["_id"]) is Outcome.DELIVERED
    [entry] = log(user, hook)
    assert (entry["status"], entry["attempts"], entry["response_code"], entry["error"]) == ("delivered", 3, 200, None)
    received = receiver.wait_for(3)
    assert len({(r.event or {}).get("id") for r in received}) == 1  # the same event each time
    assert all(r.verified for r in received)
    # the delayed messages of the earlier schedule, arriving later, send nothing more
    assert run_attempt(DeliveryJob(delivery_id=entry["_id"], not_before=first + timedelta(seconds=30))) is (
        Outcome.DROPPED
    )
    assert len(receiver.received) == 3


@pytest.mark.usefixtures("loopback")
def test_an_early_message_waits_and_a_duplicate_of_an_old_schedule_is_dropped(
    local_api: ApiClient, user: User, receiver: Receiver
) -> None:
    _, entry = failed_once(local_api, user, receiver, 3)
    due = datetime.fromisoformat(entry["next_attempt_at"])
    early = run_attempt(DeliveryJob(delivery_id=entry["_id"], not_before=due), now=due - timedelta(seconds=20))
    assert early is Outcome.WAITING  # an SQS delay ends early or a long wait hops: it is passed on
    first = datetime.fromisoformat(entry["last_attempt_at"])
    repeat = run_attempt(DeliveryJob(delivery_id=entry["_id"], not_before=first), now=due)  # the first's twin
    assert repeat is Outcome.DROPPED
    assert len(receiver.received) == 1


@pytest.mark.usefixtures("loopback")
def test_a_delivery_failing_for_a_day_gives_up_and_can_be_redelivered_later(
    local_api: ApiClient, user: User, receiver: Receiver
) -> None:
    hook, entry = failed_once(local_api, user, receiver, 4)
    deliveries = db.get_database()["webhook_deliveries"]
    day_ago = datetime.now(UTC).replace(microsecond=0) - timedelta(days=1)
    deliveries.update_one({"_id": ObjectId(entry["_id"])}, {"$set": {"window_start": day_ago}})
    receiver.respond_with([502])
    assert attempt_now(entry["_id"]) is Outcome.FAILED
    [entry] = log(user, hook)
    assert (entry["status"], entry["attempts"], entry["error"], entry["next_attempt_at"]) == (
        "failed",
        2,
        "HTTP 502",
        None,
    )
    # redelivered (the id in capitals is the same id): the same event, a new day of retries, the backoff
    # starting over at 30 s; then the receiver takes it
    receiver.respond_with([500])
    response = user.request("POST", f"/api/webhooks/{hook['_id']}/deliveries/{entry['_id'].upper()}/redeliver")
    assert response.status == 202, response.text
    local_api.stack.wait_for_queue("WebhookQueue")
    [entry] = log(user, hook)
    assert (entry["status"], entry["attempts"]) == ("pending", 3)
    retried = datetime.fromisoformat(entry["next_attempt_at"]) - datetime.fromisoformat(entry["last_attempt_at"])
    assert retried == timedelta(seconds=30)
    assert attempt_now(entry["_id"]) is Outcome.DELIVERED
    received = receiver.wait_for(4)
    assert received[-1].verified
    assert len({(r.event or {}).get("id") for r in received}) == 1


@pytest.mark.usefixtures("loopback", "busy_switching")
def test_concurrent_redeliveries_send_once_and_a_pending_one_is_409(
    local_api: ApiClient, user: User, receiver: Receiver
) -> None:
    hook = subscribe(user, receiver)
    user.add(amount=5)
    deliver_all(local_api)
    [entry] = log(user, hook)
    path = f"/api/webhooks/{hook['_id']}/deliveries/{entry['_id']}/redeliver"
    barrier = threading.Barrier(6)

    def redeliver() -> int:
        barrier.wait()
        return user.request("POST", path).status

    with ThreadPoolExecutor(max_workers=6) as pool:
        statuses = sorted(pool.map(lambda _: redeliver(), range(6)))
    assert statuses == [202, 409, 409, 409, 409, 409]
    local_api.stack.wait_for_queue("WebhookQueue")
    assert len(receiver.wait_for(2)) == 2
    assert user.request("POST", path.replace(entry["_id"], str(ObjectId()))).status == 404


@pytest.mark.usefixtures("loopback")
def test_a_webhook_failing_for_three_days_is_turned_off_and_its_owner_emailed_once(
    local_api: ApiClient, user: User, receiver: Receiver
) -> None:
    hook, entry = failed_once(local_api, user, receiver, 6)
    receiver.respond_with([500] * 10)
    webhooks = db.get_database()["webhooks"]
    three_days_ago = datetime.now(UTC) - timedelta(days=3, minutes=1)
    webhooks.update_one({"_id": ObjectId(hook["_id"])}, {"$set": {"failing_since": three_days_ago}})
    assert attempt_now(entry["_id"]) is Outcome.RETRYING
    [listed] = user.request("GET", "/api/webhooks").json()["data"]
    assert listed["enabled"] is False
    assert listed["disabled_reason"].startswith("deliveries failed for 3 days")
    mails = [m for m in mail_to(local_api, user.email) if "webhook" in m.subject]
    assert len(mails) == 1
    assert hook["url"] in mails[0].body
    assert attempt_now(entry["_id"]) is Outcome.CANCELLED  # the next attempt finds it off
    assert len([m for m in mail_to(local_api, user.email) if "webhook" in m.subject]) == 1
    user.add(amount=8)
    deliver_all(local_api)
    assert len(log(user, hook)) == 1  # off: no delivery for new events
    turned_on = user.request("PATCH", f"/api/webhooks/{hook['_id']}", json_body={"enabled": True})
    assert turned_on.status == 200, turned_on.text
    assert (turned_on.json()["data"]["enabled"], turned_on.json()["data"]["failing_since"]) == (True, None)


@pytest.mark.usefixtures("loopback", "busy_switching")
def test_a_repeated_event_makes_one_delivery_even_when_handled_concurrently(
    local_api: ApiClient, user: User, receiver: Receiver
) -> None:
    hook = subscribe(user, receiver)
    user.add(amount=11)
    outbox = db.get_database()["outbox"]
    [pending] = list(outbox.find({"status": "pending", "event.user_id": user.id}))
    event = {"version": "0", "source": "finsight", "detail-type": "transaction.created", "detail": pending["event"]}
    barrier = threading.Barrier(6)

    def dispatch() -> Any:
        barrier.wait()
        return local_api.stack.invoke("WebhookDispatchFunction", event)

    with ThreadPoolExecutor(max_workers=6) as pool:
        outcomes = list(pool.map(lambda _: dispatch(), range(6)))
    assert [o.error for o in outcomes] == [None] * 6
    deliver_all(local_api)  # and EventBridge delivers it once more
    local_api.stack.wait_for_queue("WebhookQueue")
    assert len(log(user, hook)) == 1
    assert len(receiver.wait_for(1)) == 1
    assert len(receiver.received) == 1


def test_concurrent_creates_never_pass_the_webhook_limit(
    local_api: ApiClient, user: User, configure: Configure
) -> None:
    configure(WEBHOOKS_PER_USER="3")
    barrier = threading.Barrier(8)

    def create() -> int:
        barrier.wait()
        body = {"url": "https://93.184.215.14/hooks", "events": ["transaction.created"]}
        return user.request("POST", "/api/webhooks", json_body=body).status

    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = list(pool.map(lambda _: create(), range(8)))
    assert statuses.count(201) <= 3
    assert set(statuses) <= {201, 409}
    assert db.get_database()["webhooks"].count_documents({"user_id": user.id}) == statuses.count(201)


def test_bad_webhook_requests_get_clear_4xx(local_api: ApiClient, user: User) -> None:
    for body in (
        {"url": "https://93.184.215.14/hooks", "events": []},
        {"url": "https://93.184.215.14/hooks", "events": ["transaction.exploded"]},
        {"url": "https://93.184.215.14/hooks"},
        {"events": ["transaction.created"]},
        {"url": 12, "events": ["transaction.created"]},
    ):
        assert_fail(user.request("POST", "/api/webhooks", json_body=body), 400)
    assert_fail(user.request("PATCH", f"/api/webhooks/{ObjectId()}", json_body={"enabled": True}), 404)
    assert_fail(user.request("PATCH", f"/api/webhooks/{ObjectId()}", json_body={"enabled": "maybe"}), 400)
    assert_fail(user.request("GET", f"/api/webhooks/{ObjectId()}/deliveries?limit=0"), 400)
    hook = create_webhook(user, "https://93.184.215.14/hooks")
    deliveries = db.get_database()["webhook_deliveries"]
    deliveries.insert_one({"webhook_id": hook["_id"], "user_id": user.id, "status": "delivered"})
    assert user.request("DELETE", f"/api/webhooks/{hook['_id'].upper()}").status == 200  # the log goes too
    assert deliveries.count_documents({"webhook_id": hook["_id"]}) == 0
    assert_fail(user.request("DELETE", f"/api/webhooks/{hook['_id']}"), 404)


@pytest.mark.usefixtures("loopback")
def test_a_delivery_no_message_carries_is_queued_again_by_the_sweeper(
    local_api: ApiClient, user: User, receiver: Receiver, configure: Configure
) -> None:
    hook = subscribe(user, receiver)
    user.add(amount=14)
    queue = local_api.stack.queue_urls["WebhookQueue"]
    configure(WEBHOOK_QUEUE_URL="http://127.0.0.1:1/123456789012/absent")  # SQS refuses the dispatch's message
    publish_events(local_api)
    [entry] = log(user, hook)
    assert (entry["status"], entry["attempts"]) == ("pending", 0)
    configure(WEBHOOK_QUEUE_URL=queue)
    assert requeue_stalled(now=datetime.now(UTC) + timedelta(minutes=1)) == 0  # it may still be on its way
    assert requeue_stalled(now=datetime.now(UTC) + timedelta(minutes=3)) >= 1
    local_api.stack.wait_for_queue("WebhookQueue")
    [entry] = log(user, hook)
    assert (entry["status"], entry["attempts"]) == ("delivered", 1)
    assert len(receiver.wait_for(1)) == 1


def test_a_failure_after_a_quiet_spell_starts_the_three_days_again(
    local_api: ApiClient, user: User, receiver: Receiver, configure: Configure
) -> None:
    configure(WEBHOOKS_ALLOW_LOOPBACK="1")
    receiver.respond_with([502])
    hook = subscribe(user, receiver)
    long_ago = datetime.now(UTC) - timedelta(days=10)
    db.get_database()["webhooks"].update_one(
        {"_id": ObjectId(hook["_id"])},
        {"$set": {"failing_since": long_ago, "last_failure_at": long_ago + timedelta(hours=2)}},
    )
    user.add(amount=15)
    deliver_all(local_api)
    [listed] = user.request("GET", "/api/webhooks").json()["data"]
    assert listed["enabled"] is True
    assert datetime.fromisoformat(listed["failing_since"]) > datetime.now(UTC) - timedelta(minutes=1)
