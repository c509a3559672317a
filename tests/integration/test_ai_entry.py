"""AI expense entry end to end through the local gateway: POST -> SQS -> worker -> completed (or failed)."""

from __future__ import annotations

import json
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from typing import Any, cast

import pytest
from bson import ObjectId

from finsight.ai_entry import worker as entry_worker
from finsight.ai_entry.job import DEAD_LETTER_REASON, QUEUE_FAILURE_REASON, STALE_REASON
from finsight.platform import db
from finsight.platform.db import Document
from tests.conftest import Configure, load_event
from tests.fake_gemini import FakeGemini, answer, error
from tests.helpers import User
from tests.http_client import ApiClient, HttpResponse, assert_fail

pytestmark = [pytest.mark.integration, pytest.mark.usefixtures("no_rate_history")]


def add_ai(user: User, text: str) -> HttpResponse:
    return user.request("POST", "/api/transactions/", json_body={"mode": "ai", "text": text})


def wait_until_done(user: User, transaction_id: str, timeout_s: float = 10) -> tuple[dict[str, Any], float]:
    started = time.monotonic()
    while time.monotonic() - started < timeout_s:
        status = user.request("GET", f"/api/transactions/{transaction_id}/status").json()["data"]
        if status["status"] != "processing":
            return status, time.monotonic() - started
        time.sleep(0.05)
    raise AssertionError(f"{transaction_id} still processing after {timeout_s} s")


def test_an_ai_entry_is_accepted_then_completed_within_two_seconds(user: User) -> None:
    response = add_ai(user, "Bought groceries from Walmart for $45.50")
    assert response.status == 202
    accepted = response.json()["data"]
    assert (accepted["status"], accepted["mode"], accepted["raw_text"]) == (
        "processing",
        "ai",
        "Bought groceries from Walmart for $45.50",
    )
    status, elapsed = wait_until_done(user, accepted["_id"])
    assert (status["_id"], status["status"], status["failure_reason"], status["transaction_ids"]) == (
        accepted["_id"],
        "completed",
        None,
        [accepted["_id"]],
    )
    assert elapsed < 2
    done = user.request("GET", f"/api/transactions/{accepted['_id']}").json()["data"]
    assert {**done, "transaction_ids": [accepted["_id"]]} == status
    assert (done["amount"], done["currency"], done["category"], done["parsed_by"]) == (
        45.5,
        "USD",
        "Groceries",
        "offline",
    )
    assert done["description"] == "Groceries from Walmart"


def test_a_message_with_several_expenses_makes_several_transactions(user: User) -> None:
    accepted = add_ai(user, "uber to airport 750 and chai 20 yesterday").json()["data"]
    status, _ = wait_until_done(user, accepted["_id"])
    assert status["status"] == "completed"
    first, second = status["transaction_ids"]
    assert first == accepted["_id"]
    rows = [user.request("GET", f"/api/transactions/{tid}").json()["data"] for tid in (first, second)]
    assert [(r["amount"], r["category"], r["status"]) for r in rows] == [
        (750, "Transportation", "completed"),
        (20, "Food & Dining", "completed"),
    ]
    summary = user.request("GET", "/api/transactions/summary").json()["data"]
    assert summary["transaction_count"] in (0, 2)  # yesterday may be last month on the 1st


def test_unreadable_text_ends_failed_with_a_reason(user: User) -> None:
    accepted = add_ai(user, "had a great time with friends").json()["data"]
    status, _ = wait_until_done(user, accepted["_id"])
    assert status["status"] == "failed"
    assert "couldn't find an amount" in status["failure_reason"]


def test_one_user_cannot_fill_the_ai_queue_for_everyone(user: User, other: User, configure: Configure) -> None:
    configure(AI_REQUESTS_PER_USER_PER_HOUR="3")
    barrier = threading.Barrier(10)

    def entry(_: int) -> HttpResponse:
        barrier.wait()
        return add_ai(user, "tea 20")

    with ThreadPoolExecutor(10) as pool:
        answers = list(pool.map(entry, range(10)))
    assert sorted(a.status for a in answers) == [202] * 3 + [429] * 7  # counted first: never more than 3
    limited = next(a for a in answers if a.status == 429)
    assert_fail(limited, 429, "AI requests")
    assert 0 < int(limited.headers["retry-after"]) <= 3600
    assert_fail(user.request("POST", "/api/ai/summary"), 429)  # summaries share the budget
    assert add_ai(other, "tea 20").status == 202  # everyone else is unaffected
    manual = user.add(amount=20, category="Food & Dining", description="tea")  # manual entries are not limited
    assert manual["status"] == "completed"


def test_a_poison_entry_ends_failed_with_a_reason_on_its_first_delivery(local_api: ApiClient, user: User) -> None:
    # It made the offline parser raise on every delivery: dead-lettered, and the dead-letter alarm fired.
    accepted = add_ai(user, "coffee 999999999999999999999999999999").json()["data"]
    status, _ = wait_until_done(user, accepted["_id"])
    assert status["status"] == "failed"
    assert "10,000,000" in status["failure_reason"]
    stored = cast(Document, db.get_database()["transactions"].find_one({"_id": ObjectId(accepted["_id"])}))
    assert stored["failure_reason"] != DEAD_LETTER_REASON
    assert stored["parsed_by"] == "offline"


def assert_placeholder_row(row: dict[str, Any], text: str, status: str) -> None:
    """What the web client reads on every row (it calls category.toLowerCase() and amount.toFixed()):
    API.md's placeholders while processing and when failed."""
    assert (row["amount"], row["category"], row["description"], row["status"]) == (0, "Other", text, status)
    assert isinstance(row["date"], str)
    assert datetime.fromisoformat(row["date"]).tzinfo is not None
    assert row["raw_text"] == text


def test_processing_and_failed_entries_carry_the_contract_placeholders_in_every_route(user: User) -> None:
    text = "bought some stuff for the house"
    user.add(amount=100, category="Housing", description="rent share")
    accepted = add_ai(user, text).json()["data"]
    assert_placeholder_row(accepted, text, "processing")
    status, _ = wait_until_done(user, accepted["_id"])
    assert_placeholder_row(status, text, "failed")
    assert status["failure_reason"]
    assert_placeholder_row(user.request("GET", f"/api/transactions/{accepted['_id']}").json()["data"], text, "failed")
    listed = user.request("GET", "/api/transactions/").json()["data"]["transactions"]
    assert_placeholder_row(next(row for row in listed if row["_id"] == accepted["_id"]), text, "failed")
    assert [r["_id"] for r in user.list(search="stuff for the").json()["data"]["transactions"]] == [accepted["_id"]]
    # Placeholders never count: only the completed 100 does.
    assert user.request("GET", "/api/transactions/summary").json()["data"]["current_month_spend"] == 100
    [day] = user.request("GET", "/api/transactions/history").json()["data"]
    assert (day["total_spend"], day["transaction_count"]) == (100, 1)
    budget = user.request("POST", "/api/budgets/", json_body={"category": "Other", "limit": 50}).json()["data"]
    assert budget["current_spend"] == 0


def test_a_long_entry_shows_its_text_cut_at_a_word_to_the_description_limit(user: User) -> None:
    text = ("paid the electrician for rewiring the kitchen and the hall " * 8).strip()
    accepted = add_ai(user, text).json()["data"]
    assert accepted["raw_text"] == text
    assert len(accepted["description"]) <= 200
    shown = accepted["description"].removesuffix("\u2026")
    assert shown != accepted["description"]
    assert text.startswith(shown)
    assert text[len(shown)] == " "  # cut between two words


@pytest.mark.parametrize("status", ["processing", "failed"])
def test_rows_stored_with_null_fields_are_still_shown_with_placeholders(user: User, status: str) -> None:
    now = datetime.now(UTC).replace(microsecond=0)
    base = {"user_id": user.id, "currency": "INR", "date": now, "created_at": now, "mode": "ai", "status": status}
    nulls = {"amount_minor": None, "category": None, "description": None}
    tid = str(db.get_database()["transactions"].insert_one({**base, **nulls, "raw_text": "old entry"}).inserted_id)
    assert_placeholder_row(user.request("GET", f"/api/transactions/{tid}").json()["data"], "old entry", status)
    assert_placeholder_row(user.request("GET", f"/api/transactions/{tid}/status").json()["data"], "old entry", status)
    [row] = user.request("GET", "/api/transactions").json()["data"]["transactions"]
    assert_placeholder_row(row, "old entry", status)


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        ({"mode": "ai"}, "text"),
        ({"mode": "ai", "text": "   "}, "text"),
        ({"mode": "ai", "text": "x" * 501}, "text"),
        ({"mode": "ai", "text": {"$ne": ""}}, "text"),
    ],
)
def test_ai_text_is_validated_and_nothing_is_stored(user: User, body: dict[str, Any], fragment: str) -> None:
    assert_fail(user.request("POST", "/api/transactions", json_body=body), 400, fragment)
    assert db.get_database()["transactions"].count_documents({"user_id": user.id}) == 0


@pytest.mark.usefixtures("queue_down")
def test_when_the_queue_refuses_the_entry_is_failed_and_the_client_gets_503(user: User) -> None:
    response = add_ai(user, "coffee 4.50")
    assert response.status == 503
    assert response.json()["status"] == "error"
    [stored] = list(db.get_database()["transactions"].find({"user_id": user.id}))
    assert (stored["status"], stored["failure_reason"]) == ("failed", QUEUE_FAILURE_REASON)


def test_a_duplicate_delivery_changes_nothing(local_api: ApiClient, user: User) -> None:
    accepted = add_ai(user, "coffee 4.50 and uber 12").json()["data"]
    wait_until_done(user, accepted["_id"])
    before = list(db.get_database()["transactions"].find({"user_id": user.id}).sort("_id", 1))
    stack = local_api.stack
    body = json.dumps({"type": "parse_expense", "transaction_id": accepted["_id"], "user_id": user.id})
    stack.boto3_client("sqs").send_message(QueueUrl=stack.queue_urls["AiQueue"], MessageBody=body)
    time.sleep(1)
    after = list(db.get_database()["transactions"].find({"user_id": user.id}).sort("_id", 1))
    assert after == before


def test_a_job_that_keeps_failing_lands_in_the_dead_letter_queue_and_ends_failed(
    local_api: ApiClient, user: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    worker = entry_worker  # the worker side of the layer, shared by every execution environment

    def crash(job: Any, parser: Any) -> None:
        raise ConnectionError("database unreachable")

    monkeypatch.setattr(worker, "apply_parse_job", crash)
    accepted = add_ai(user, "coffee 4.50").json()["data"]
    status, _ = wait_until_done(user, accepted["_id"], timeout_s=20)  # 3 receives, then the DLQ consumer
    assert (status["status"], status["failure_reason"]) == ("failed", DEAD_LETTER_REASON)


def test_a_malformed_message_goes_to_the_dead_letter_queue_and_is_dropped(local_api: ApiClient) -> None:
    stack = local_api.stack
    sqs = stack.boto3_client("sqs")
    sqs.send_message(QueueUrl=stack.queue_urls["AiQueue"], MessageBody='{"type": "parse_expense", "oops": 1}')

    def both_queues_empty() -> bool:
        counts = [
            sqs.get_queue_attributes(
                QueueUrl=stack.queue_urls[name],
                AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
            )["Attributes"]
            for name in ("AiQueue", "AiDeadLetterQueue")
        ]
        return all(
            int(c["ApproximateNumberOfMessages"]) + int(c["ApproximateNumberOfMessagesNotVisible"]) == 0 for c in counts
        )

    deadline = time.monotonic() + 20
    time.sleep(1)
    while not both_queues_empty():
        assert time.monotonic() < deadline, "the poison message is still queued"
        time.sleep(0.2)


def test_the_sweeper_fails_entries_whose_deliveries_are_over_but_not_entries_waiting_in_a_backlog(
    local_api: ApiClient, user: User
) -> None:
    now = datetime.now(UTC)
    collection = db.get_database()["transactions"]
    base = {"user_id": user.id, "status": "processing", "mode": "ai", "raw_text": "x", "currency": "INR", "date": now}
    hour_ago, two_days_ago = now - timedelta(hours=1), now - timedelta(days=2)
    delivered_long_ago = collection.insert_one({**base, "created_at": hour_ago, "delivered_at": hour_ago}).inserted_id
    expired = collection.insert_one({**base, "created_at": two_days_ago}).inserted_id  # its message is gone
    waiting = collection.insert_one({**base, "created_at": hour_ago}).inserted_id  # still queued behind others
    delivered_now = collection.insert_one({**base, "created_at": hour_ago, "delivered_at": now}).inserted_id
    result = local_api.stack.invoke("AiSweeperFunction", load_event("ai_sweeper"))
    assert result.error is None
    assert result.response["entries"] >= 2
    for failed in (delivered_long_ago, expired):
        stored = cast(Document, collection.find_one({"_id": failed}))
        assert (stored["status"], stored["failure_reason"]) == ("failed", STALE_REASON)
    for running in (waiting, delivered_now):
        assert cast(Document, collection.find_one({"_id": running}))["status"] == "processing"
    collection.delete_many({"_id": {"$in": [waiting, delivered_now]}})


def test_a_worker_notes_when_it_first_got_an_entry(user: User) -> None:
    accepted = add_ai(user, "tea 20").json()["data"]
    wait_until_done(user, accepted["_id"])
    stored = cast(Document, db.get_database()["transactions"].find_one({"_id": ObjectId(accepted["_id"])}))
    assert stored["created_at"] <= stored["delivered_at"] <= stored["updated_at"]


@pytest.mark.parametrize("function", ["AiWorkerFunction", "AiDeadLetterFunction"])
def test_the_sample_sqs_events_are_handled(local_api: ApiClient, function: str) -> None:
    name = local_api.stack.template.functions[function].code_uri.name
    result = local_api.stack.invoke(function, load_event(name))
    assert result.error is None
    assert result.response == {"batchItemFailures": []}  # the sample names no existing transaction: skipped
    assert ObjectId.is_valid(json.loads(load_event(name)["Records"][0]["body"])["transaction_id"])


def test_with_a_gemini_key_the_worker_asks_gemini(user: User, gemini: FakeGemini) -> None:
    gemini.script = [
        answer(
            {
                "expenses": [
                    {
                        "amount": 4.5,
                        "currency": "USD",
                        "category": "Food & Dining",
                        "description": "Coffee",
                        "days_ago": 0,
                    },
                    {
                        "amount": 12,
                        "currency": "USD",
                        "category": "Transportation",
                        "description": "Uber",
                        "days_ago": 0,
                    },
                ]
            }
        )
    ]
    accepted = add_ai(user, "coffee 4.50 and uber 12").json()["data"]
    status, _ = wait_until_done(user, accepted["_id"])
    assert status["status"] == "completed"
    assert len(status["transaction_ids"]) == 2
    done = user.request("GET", f"/api/transactions/{accepted['_id']}").json()["data"]
    assert (done["amount"], done["parsed_by"], done["description"]) == (4.5, "gemini", "Coffee")
    assert len(gemini.requests) == 1


def test_when_gemini_stays_down_the_last_delivery_uses_the_offline_parser(user: User, gemini: FakeGemini) -> None:
    gemini.script = [error(503, "UNAVAILABLE")]
    accepted = add_ai(user, "taxi 12 yesterday").json()["data"]
    status, _ = wait_until_done(user, accepted["_id"], timeout_s=20)
    assert status["status"] == "completed"
    done = user.request("GET", f"/api/transactions/{accepted['_id']}").json()["data"]
    assert (done["amount"], done["parsed_by"]) == (12, "offline")
    assert len(gemini.requests) == 3  # one per delivery: SQS retried twice before the fallback


def test_a_category_correction_is_remembered_for_that_users_next_entries(local_api: ApiClient, user: User) -> None:
    walmart = user.add(amount=30, category="Groceries", description="Walmart run")
    response = user.request("PATCH", f"/api/transactions/{walmart['_id']}", json_body={"category": "Shopping"})
    assert response.status == 200

    accepted = add_ai(user, "walmart 45.50").json()["data"]  # the offline parser alone says Groceries
    wait_until_done(user, accepted["_id"])
    assert user.request("GET", f"/api/transactions/{accepted['_id']}").json()["data"]["category"] == "Shopping"

    stranger = User(local_api)
    theirs = add_ai(stranger, "walmart 45.50").json()["data"]
    wait_until_done(stranger, theirs["_id"])
    assert stranger.request("GET", f"/api/transactions/{theirs['_id']}").json()["data"]["category"] == "Groceries"


def test_corrections_apply_per_expense_of_a_message(user: User) -> None:
    coffee = user.add(amount=5, category="Food & Dining", description="Starbucks latte")
    user.request("PATCH", f"/api/transactions/{coffee['_id']}", json_body={"category": "Entertainment"})
    accepted = add_ai(user, "starbucks 6.50 and uber 12").json()["data"]
    status, _ = wait_until_done(user, accepted["_id"])
    categories = [
        user.request("GET", f"/api/transactions/{tid}").json()["data"]["category"] for tid in status["transaction_ids"]
    ]
    assert categories == ["Entertainment", "Transportation"]


def test_an_edit_without_a_known_merchant_teaches_nothing(user: User) -> None:
    odd = user.add(amount=5, category="Other", description="zxqv thing")
    user.request("PATCH", f"/api/transactions/{odd['_id']}", json_body={"category": "Shopping"})
    assert db.get_database()["rules"].count_documents({"user_id": user.id, "origin": "learned"}) == 0


def test_one_bad_record_in_a_batch_fails_alone(local_api: ApiClient, user: User) -> None:
    from dev.localapi.events import sqs_event

    collection = db.get_database()["transactions"]
    now = datetime.now(UTC).replace(microsecond=0)
    base = {
        "user_id": user.id,
        "status": "processing",
        "mode": "ai",
        "currency": "INR",
        "date": now,
        "created_at": now,
        "updated_at": now,
    }
    good = [collection.insert_one({**base, "raw_text": text}).inserted_id for text in ("tea 20", "taxi 150")]
    records = [
        {
            "MessageId": "good-1",
            "ReceiptHandle": "r1",
            "Body": json.dumps({"transaction_id": str(good[0]), "user_id": user.id}),
        },
        {"MessageId": "poison", "ReceiptHandle": "r2", "Body": "{not json"},
        {
            "MessageId": "good-2",
            "ReceiptHandle": "r3",
            "Body": json.dumps({"transaction_id": str(good[1]), "user_id": user.id}),
        },
    ]
    result = local_api.stack.invoke("AiWorkerFunction", sqs_event(records, "arn:aws:sqs:us-east-1:123456789012:q"))
    assert result.error is None
    assert result.response == {"batchItemFailures": [{"itemIdentifier": "poison"}]}
    assert [cast(Document, collection.find_one({"_id": tid}))["status"] for tid in good] == ["completed", "completed"]
