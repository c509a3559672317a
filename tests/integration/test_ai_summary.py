"""AI spending summary end to end through the local gateway: POST -> SQS -> worker -> result (owner only)."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from bson import ObjectId

from finsight.insights import worker as summary_worker
from finsight.insights.job import DEAD_LETTER_REASON, QUEUE_FAILURE_REASON, STALE_REASON
from finsight.platform import db
from tests.conftest import load_event
from tests.fake_gemini import FakeGemini, answer, error
from tests.helpers import User, seed
from tests.http_client import ApiClient, HttpResponse, assert_fail

pytestmark = [pytest.mark.integration, pytest.mark.usefixtures("no_rate_history")]


def ask(user: User) -> HttpResponse:
    return user.request("POST", "/api/ai/summary")


def result(user: User, task_id: str) -> HttpResponse:
    return user.request("GET", f"/api/ai/summary/result/{task_id}")


def wait_for(user: User, task_id: str, timeout_s: float = 10) -> dict[str, Any]:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        data = result(user, task_id).json()["data"]
        if data["status"] in ("completed", "failed"):
            return dict(data)
        time.sleep(0.05)
    raise AssertionError(f"summary {task_id} still running after {timeout_s} s")


def jobs() -> Any:
    return db.get_database()["summary_jobs"]


@pytest.fixture
def worker_held(local_api: ApiClient, monkeypatch: pytest.MonkeyPatch) -> Iterator[threading.Event]:
    """The worker waits on summaries until the event is set (a job stays pending meanwhile)."""
    worker = summary_worker  # the worker side of the layer, shared by every execution environment
    release = threading.Event()
    real = worker.apply_summary_job

    def held(*args: Any, **kwargs: Any) -> Any:
        release.wait(10)
        return real(*args, **kwargs)

    monkeypatch.setattr(worker, "apply_summary_job", held)
    yield release
    release.set()


def test_a_summary_is_accepted_then_completed_with_its_facts(user: User) -> None:
    now = datetime.now(UTC)
    seed(user, amount_minor=10, category="Food & Dining", when=now - timedelta(hours=1))
    seed(user, amount_minor=20, category="Food & Dining", when=now - timedelta(days=2))
    seed(user, amount_minor=4000, category="Shopping", when=now - timedelta(days=40))  # the 30 days before
    response = ask(user)
    assert response.status == 202, response.text
    [task_id] = response.json()["data"].values()
    assert ObjectId.is_valid(task_id)
    done = wait_for(user, task_id)
    assert (done["task_id"], done["status"], done["phrased_by"], done["failure_reason"]) == (
        task_id,
        "completed",
        "template",
        None,
    )
    assert done["summary"].startswith("You spent INR 0.30 in the last 30 days")
    assert "100% less" not in done["summary"]
    assert done["tips"] == [  # no budget yet: the tip suggests one for the largest category
        "A monthly budget for Food & Dining, your largest category, shows how the month is going."
    ]
    facts = done["facts"]
    assert (facts["total_spend"], facts["transaction_count"], facts["previous_total_spend"]) == (0.3, 2, 40)
    assert [(c["category"], c["amount"], c["previous_amount"]) for c in facts["by_category"]] == [
        ("Food & Dining", 0.3, 0),
        ("Shopping", 0, 40),
    ]
    assert '"total_spend":0.3' in result(user, task_id).text
    stored = jobs().find_one({"_id": ObjectId(task_id)})
    assert stored["expires_at"] - stored["created_at"] == timedelta(days=1)  # the TTL index deletes it then


def test_with_and_without_a_trailing_slash(user: User) -> None:
    response = user.request("POST", "/api/ai/summary/")
    assert response.status == 202
    task_id = response.json()["data"]["task_id"]
    wait_for(user, task_id)
    assert user.request("GET", f"/api/ai/summary/result/{task_id}/").status == 200


def test_no_spending_data_completes_with_a_summary_that_says_so(user: User) -> None:
    done = wait_for(user, ask(user).json()["data"]["task_id"])
    assert done["status"] == "completed"
    assert "no spending recorded" in done["summary"]
    assert (done["facts"]["total_spend"], done["facts"]["by_category"]) == (0, [])


def test_a_budget_at_risk_is_in_the_facts(user: User) -> None:
    budget = user.request("POST", "/api/budgets", json_body={"category": "Travel", "limit": 1}).json()["data"]
    seed(user, amount_minor=5000, category="Travel", when=datetime.now(UTC) - timedelta(minutes=1))
    done = wait_for(user, ask(user).json()["data"]["task_id"])
    [risk] = done["facts"]["budgets_at_risk"]
    assert (risk["budget_id"], risk["category"], risk["current_spend"]) == (budget["_id"], "Travel", 50)
    assert "Travel is already INR 49 over its INR 1 budget this month." in done["tips"]


def test_a_second_request_while_one_is_pending_is_429_with_its_task_id(user: User, worker_held: Any) -> None:
    first = ask(user)
    assert first.status == 202
    task_id = first.json()["data"]["task_id"]
    assert result(user, task_id).json()["data"]["status"] in ("pending", "processing")
    second = ask(user)
    assert_fail(second, 429, "still being prepared")
    assert second.json()["data"]["task_id"] == task_id
    assert int(second.headers["retry-after"]) >= 1
    worker_held.set()
    assert wait_for(user, task_id)["status"] == "completed"
    assert ask(user).status == 202  # finished: the user may ask again


def test_concurrent_requests_start_one_summary(user: User, worker_held: Any) -> None:
    barrier = threading.Barrier(4)
    statuses: list[int] = []

    def attempt() -> None:
        barrier.wait()
        statuses.append(ask(user).status)

    threads = [threading.Thread(target=attempt) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [202, 429, 429, 429]
    assert jobs().count_documents({"user_id": user.id}) == 1


def test_another_users_pending_job_does_not_block_the_caller(user: User, other: User, worker_held: Any) -> None:
    assert ask(other).status == 202
    assert ask(user).status == 202


def test_only_the_owner_may_read_a_summary(user: User, other: User) -> None:
    task_id = ask(user).json()["data"]["task_id"]
    wait_for(user, task_id)
    foreign = result(other, task_id)
    unknown = result(other, str(ObjectId()))
    assert_fail(foreign, 404, "Summary not found")
    assert foreign.json() == unknown.json()
    assert "summary" not in foreign.json()["data"]


@pytest.mark.parametrize("bad_id", ["123", "zzzzzzzzzzzzzzzzzzzzzzzz", "abcdefabcdef"])
def test_a_malformed_task_id_is_400(user: User, bad_id: str) -> None:
    assert_fail(result(user, bad_id), 400, "Malformed task id")


def test_an_expired_summary_is_404(user: User) -> None:
    task_id = ask(user).json()["data"]["task_id"]
    wait_for(user, task_id)
    jobs().update_one({"_id": ObjectId(task_id)}, {"$set": {"expires_at": datetime.now(UTC) - timedelta(seconds=1)}})
    assert_fail(result(user, task_id), 404, "kept for a day")


def test_summary_routes_need_a_token(local_api: ApiClient) -> None:
    assert_fail(local_api.post("/api/ai/summary"), 401)
    assert_fail(local_api.get(f"/api/ai/summary/result/{ObjectId()}"), 401)


@pytest.mark.usefixtures("queue_down")
def test_when_the_queue_refuses_the_job_fails_503_and_the_user_may_ask_again(user: User) -> None:
    response = ask(user)
    assert response.status == 503
    assert response.json()["status"] == "error"
    [stored] = list(jobs().find({"user_id": user.id}))
    assert (stored["status"], stored["failure_reason"], "active_for" in stored) == (
        "failed",
        QUEUE_FAILURE_REASON,
        False,
    )
    assert ask(user).status == 503  # not 429: the failed job does not hold the slot


def test_a_summary_that_keeps_failing_ends_failed_through_the_dead_letter_queue(
    local_api: ApiClient, user: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    worker = summary_worker  # the worker side of the layer, shared by every execution environment

    def crash(*args: Any, **kwargs: Any) -> None:
        raise ConnectionError("database unreachable")

    monkeypatch.setattr(worker, "apply_summary_job", crash)
    task_id = ask(user).json()["data"]["task_id"]
    done = wait_for(user, task_id, timeout_s=20)  # 3 receives, then the dead-letter consumer
    assert (done["status"], done["failure_reason"], done["summary"]) == ("failed", DEAD_LETTER_REASON, None)
    monkeypatch.undo()
    assert ask(user).status == 202


def test_the_sweeper_fails_summaries_left_running_too_long(local_api: ApiClient, user: User) -> None:
    now = datetime.now(UTC)
    base = {"user_id": user.id, "status": "pending", "updated_at": now, "expires_at": now + timedelta(days=1)}
    hour_ago = now - timedelta(hours=1)
    stale = (
        jobs().insert_one({**base, "active_for": user.id, "created_at": hour_ago, "claimed_at": hour_ago}).inserted_id
    )
    assert_fail(ask(user), 429)
    outcome = local_api.stack.invoke("AiSweeperFunction", load_event("ai_sweeper"))
    assert outcome.error is None
    assert outcome.response["summaries"] >= 1
    assert (jobs().find_one({"_id": stale})["status"], result(user, str(stale)).json()["data"]["failure_reason"]) == (
        "failed",
        STALE_REASON,
    )
    assert ask(user).status == 202


def test_with_a_gemini_key_gemini_phrases_the_facts(user: User, gemini: FakeGemini) -> None:
    seed(user, amount_minor=123456, category="Travel", when=datetime.now(UTC) - timedelta(hours=2))
    gemini.script = [answer({"summary": "You spent INR 1,234.56, all on travel.", "tips": ["Book trains early."]})]
    done = wait_for(user, ask(user).json()["data"]["task_id"])
    assert (done["summary"], done["tips"], done["phrased_by"]) == (
        "You spent INR 1,234.56, all on travel.",
        ["Book trains early."],
        "gemini",
    )
    [(path, _, body)] = gemini.requests
    assert path.endswith(":generateContent")
    prompt = body["contents"][0]["parts"][0]["text"]
    assert '"total_spend":1234.56' in prompt  # Gemini is given the facts; it computes nothing
    assert body["generationConfig"]["responseMimeType"] == "application/json"


def test_when_gemini_stays_down_the_last_delivery_uses_the_templates(user: User, gemini: FakeGemini) -> None:
    seed(user, amount_minor=5000, category="Travel", when=datetime.now(UTC) - timedelta(hours=2))
    gemini.script = [error(503, "UNAVAILABLE")]
    done = wait_for(user, ask(user).json()["data"]["task_id"], timeout_s=20)
    assert (done["status"], done["phrased_by"]) == ("completed", "template")
    assert done["summary"].startswith("You spent INR 50 in the last 30 days")
    assert len(gemini.requests) == 3  # one per delivery: SQS retried twice before the fallback
