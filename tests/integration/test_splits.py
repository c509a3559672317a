"""Split transactions, as a user sees them: the parts replace the original in the list, the month summary,
history and budgets, each in its own category; the sum must match; a split happens once however many
requests race; undoing it brings the original back."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from tests.helpers import User, seed
from tests.http_client import ApiClient, assert_fail

pytestmark = [pytest.mark.integration, pytest.mark.usefixtures("no_rate_history")]
PARTS = [
    {"amount": 900, "category": "Groceries"},
    {"amount": 300, "category": "Shopping", "description": "Phone charger"},
]


def split(user: User, transaction_id: str, parts: list[dict[str, Any]]) -> Any:
    return user.request("POST", f"/api/transactions/{transaction_id}/split", json_body={"parts": parts})


def by_category(user: User) -> dict[str, float]:
    summary = user.request("GET", "/api/transactions/summary").json()["data"]
    return {row["category"]: row["amount"] for row in summary["by_category"]}


def test_a_split_counts_each_part_in_its_category_and_undoing_it_restores_the_original(
    local_api: ApiClient, user: User
) -> None:
    assert user.request("POST", "/api/budgets", json_body={"category": "Groceries", "limit": 2000}).status == 201
    walmart = user.add(amount=1200, category="Shopping", description="Walmart", tags=["home"])
    response = split(user, walmart["_id"], PARTS)
    assert response.status == 201, response.text
    result = response.json()["data"]
    assert result["split_of"] == walmart["_id"]
    assert [(p["amount"], p["category"], p["description"], p["split_of"]) for p in result["parts"]] == [
        (900, "Groceries", "Walmart", walmart["_id"]),
        (300, "Shopping", "Phone charger", walmart["_id"]),
    ]
    assert all(p["date"] == walmart["date"] and p["tags"] == ["home"] for p in result["parts"])
    listed = user.request("GET", "/api/transactions").json()["data"]["transactions"]
    assert sorted(t["amount"] for t in listed) == [300, 900]  # the original is no longer listed
    assert by_category(user) == {"Groceries": 900, "Shopping": 300}
    [budget] = user.request("GET", "/api/budgets").json()["data"]
    assert budget["current_spend"] == 900
    history = user.request("GET", "/api/transactions/history").json()["data"]
    assert sum(day["total_spend"] for day in history) == 1200
    assert_fail(user.request("GET", f"/api/transactions/{walmart['_id']}"), 404)
    # undone: the parts go, the original is back as it was
    restored = user.request("DELETE", f"/api/transactions/{walmart['_id']}/split")
    assert restored.status == 200, restored.text
    assert (restored.json()["data"]["amount"], restored.json()["data"]["category"]) == (1200, "Shopping")
    assert by_category(user) == {"Shopping": 1200}
    assert [t["_id"] for t in user.request("GET", "/api/transactions").json()["data"]["transactions"]] == [
        walmart["_id"]
    ]
    assert_fail(user.request("DELETE", f"/api/transactions/{walmart['_id']}/split"), 404)


def test_parts_must_add_up_and_only_a_completed_whole_transaction_splits(local_api: ApiClient, user: User) -> None:
    spent = user.add(amount=100)
    assert_fail(
        split(user, spent["_id"], [{"amount": 60, "category": "Other"}, {"amount": 30, "category": "Other"}]), 400
    )
    assert_fail(split(user, spent["_id"], [{"amount": 100, "category": "Other"}]), 400)  # one part is no split
    assert_fail(split(user, spent["_id"], [{"amount": 5, "category": "Other"}] * 21), 400)
    assert_fail(
        split(user, spent["_id"], [{"amount": 60, "category": "Nope"}, {"amount": 40, "category": "Other"}]), 400
    )
    parts = split(user, spent["_id"], [{"amount": 60.5, "category": "Other"}, {"amount": 39.5, "category": "Travel"}])
    assert parts.status == 201, parts.text
    part = parts.json()["data"]["parts"][0]
    assert_fail(
        split(user, part["_id"], [{"amount": 30, "category": "Other"}, {"amount": 30.5, "category": "Other"}]), 409
    )
    assert_fail(split(user, spent["_id"], PARTS), 404)  # split already: the original is gone from view
    assert_fail(user.request("DELETE", f"/api/transactions/{part['_id']}/split"), 404)  # a part is no split
    other = User(local_api)
    assert_fail(split(other, user.add(amount=1200)["_id"], PARTS), 404)
    processing = seed(user, amount_minor=120000, status="processing")  # an AI entry still being read
    assert_fail(split(user, str(processing), PARTS), 409)


@pytest.mark.usefixtures("busy_switching")
def test_concurrent_splits_of_one_transaction_split_it_once(local_api: ApiClient, user: User) -> None:
    spent = user.add(amount=1200)
    barrier = threading.Barrier(6)

    def attempt() -> int:
        barrier.wait()
        return int(split(user, spent["_id"], PARTS).status)

    with ThreadPoolExecutor(max_workers=6) as pool:
        statuses = list(pool.map(lambda _: attempt(), range(6)))
    assert statuses.count(201) == 1
    assert set(statuses) <= {201, 404, 409}
    listed = user.request("GET", "/api/transactions").json()["data"]["transactions"]
    assert sorted(t["amount"] for t in listed) == [300, 900]


@pytest.mark.usefixtures("busy_switching")
def test_splits_and_undos_racing_never_lose_or_double_the_money(local_api: ApiClient, user: User) -> None:
    spent = user.add(amount=1200)
    assert split(user, spent["_id"], PARTS).status == 201
    barrier = threading.Barrier(6)

    def act(index: int) -> int:
        barrier.wait()
        if index % 2:
            return int(user.request("DELETE", f"/api/transactions/{spent['_id']}/split").status)
        return int(split(user, spent["_id"], PARTS).status)

    with ThreadPoolExecutor(max_workers=6) as pool:
        list(pool.map(act, range(6)))
    listed = user.request("GET", "/api/transactions").json()["data"]["transactions"]
    assert sum(t["amount"] for t in listed) == 1200  # the original, or one split's parts: never both, never none
    assert sorted(t["amount"] for t in listed) in ([1200], [300, 900])


def test_undoing_a_split_without_a_split_id_removes_only_its_own_parts(local_api: ApiClient, user: User) -> None:
    """A hidden original stored before splits had ids: the undo must never match every other transaction."""
    keep = user.add(amount=70, description="Kept")
    spent = user.add(amount=1200)
    assert split(user, spent["_id"], PARTS).status == 201
    from bson import ObjectId

    from finsight.platform import db

    db.get_database()["transactions"].update_many(
        {"$or": [{"_id": ObjectId(spent["_id"])}, {"split_of": ObjectId(spent["_id"])}]}, {"$unset": {"split_id": ""}}
    )
    assert user.request("DELETE", f"/api/transactions/{spent['_id']}/split").status == 200
    listed = user.request("GET", "/api/transactions").json()["data"]["transactions"]
    assert sorted(t["_id"] for t in listed) == sorted([keep["_id"], spent["_id"]])


# ----- a split the AI parser proposes -----
class Proposes:
    """A parser that reads one payment of 1200 at Walmart, split into 900 of groceries and a 300 charger."""

    name = "scripted"

    def parse(self, text: str, **_: Any) -> list[Any]:
        from datetime import UTC, datetime
        from decimal import Decimal

        from finsight.ai_entry.parsing import ParsedExpense, ParsedPart

        parts = (ParsedPart(Decimal(900), "Groceries", "groceries"), ParsedPart(Decimal(300), "Shopping", "charger"))
        return [ParsedExpense(Decimal(1200), "INR", "Shopping", "Walmart", datetime.now(UTC), "scripted", parts)]


WALMART = {
    "amount": 1200,
    "currency": "INR",
    "category": "Shopping",
    "description": "Walmart",
    "days_ago": 0,
    "parts": [
        {"amount": 900, "category": "Groceries", "description": "groceries"},
        {"amount": 300, "category": "Shopping", "description": "phone charger"},
    ],
}


def test_a_split_gemini_proposes_is_stored_as_one_and_undone_like_one(user: User, gemini: Any) -> None:
    from tests.fake_gemini import answer
    from tests.integration.test_ai_entry import add_ai, wait_until_done

    gemini.script = [answer({"expenses": [WALMART, {**WALMART, "amount": 50, "description": "chai", "parts": []}]})]
    entry = add_ai(user, "groceries and a phone charger 1200 at Walmart, 900 food; chai 50").json()["data"]
    status, _ = wait_until_done(user, entry["_id"])
    assert (status["status"], len(status["transaction_ids"])) == ("completed", 3)
    listed = user.request("GET", "/api/transactions").json()["data"]["transactions"]
    parts = sorted((t["amount"], t["category"], t["description"], t["split_of"] is not None) for t in listed)
    assert parts == [
        (50, "Shopping", "chai", False),
        (300, "Shopping", "phone charger", True),
        (900, "Groceries", "groceries", True),
    ]
    assert by_category(user) == {"Groceries": 900, "Shopping": 350}
    [original_id] = {t["split_of"] for t in listed if t["split_of"]}
    undone = user.request("DELETE", f"/api/transactions/{original_id}/split")
    assert undone.status == 200, undone.text
    after = user.request("GET", "/api/transactions").json()["data"]["transactions"]
    assert sorted((t["amount"], t["description"]) for t in after) == [(50, "chai"), (1200, "Walmart")]
    # a proposal that does not add up is no split: the payment stays whole
    bad = {
        **WALMART,
        "parts": [
            {"amount": 900, "category": "Groceries", "description": "g"},
            {"amount": 200, "category": "Shopping", "description": "c"},
        ],
    }
    gemini.script = [answer({"expenses": [bad]})]
    whole = add_ai(user, "walmart 1200").json()["data"]
    wait_until_done(user, whole["_id"])
    done = user.request("GET", f"/api/transactions/{whole['_id']}").json()["data"]
    assert (done["amount"], done["split_of"]) == (1200, None)


def test_concurrent_deliveries_of_a_proposed_split_store_it_once(local_api: ApiClient) -> None:

    from finsight.ai_entry.worker import apply_parse_job
    from finsight.platform import db
    from tests.helpers import processing

    database = db.get_database()
    job = processing(database, "groceries and a charger 1200 at Walmart, 900 food")
    barrier = threading.Barrier(4)

    def deliver(_: int) -> Any:
        barrier.wait()
        return apply_parse_job(job, Proposes())

    with ThreadPoolExecutor(4) as pool:
        list(pool.map(deliver, range(4)))
    apply_parse_job(job, Proposes())  # a late redelivery: finishes nothing twice
    visible = list(database["transactions"].find({"user_id": job.user_id}))
    assert sorted(t["amount_minor"] for t in visible) == [30000, 90000]
    assert len({t["split_of"] for t in visible}) == 1
    [original] = database["transactions"].find({"user_id": f"split:{job.user_id}"})
    assert (original["_id"], original["amount_minor"]) == (visible[0]["split_of"], 120000)
    assert database["transactions"].count_documents({"user_id": f"pending:{job.user_id}"}) == 0


def test_an_entry_that_completed_before_its_delivery_died_shows_everything_after_the_dead_letter(
    local_api: ApiClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    from datetime import UTC, datetime, timedelta

    from finsight.ai_entry.job import fail_dead_letter, sweep_stale_jobs
    from finsight.ai_entry.worker import apply_parse_job
    from finsight.platform import db
    from finsight.transactions.repository import TransactionRepository
    from tests.helpers import processing

    def dies(*_: Any, **__: Any) -> None:
        raise RuntimeError("the function timed out")

    database = db.get_database()
    job = processing(database, "groceries and a charger 1200 at Walmart, 900 food")
    monkeypatch.setattr(TransactionRepository, "reveal", dies)  # completed, then died before showing the rest
    with pytest.raises(RuntimeError):
        apply_parse_job(job, Proposes())
    monkeypatch.undo()
    fail_dead_letter(job)  # SQS gave up on the message
    sweep_stale_jobs(now=datetime.now(UTC) + timedelta(hours=1))
    visible = list(database["transactions"].find({"user_id": job.user_id}))
    assert sorted(t["amount_minor"] for t in visible) == [30000, 90000]  # the whole payment, in its two parts
    assert database["transactions"].count_documents({"user_id": f"split:{job.user_id}"}) == 1  # undo still works


def test_an_undo_cut_short_after_restoring_the_original_finishes_when_asked_again(
    local_api: ApiClient, user: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    from finsight.transactions import splits

    spent = user.add(amount=1200)
    assert split(user, spent["_id"], PARTS).status == 201
    monkeypatch.setattr(splits, "get_database", lambda: _CutAfterRestore(real_database()))
    assert user.request("DELETE", f"/api/transactions/{spent['_id']}/split").status == 503
    monkeypatch.undo()
    assert user.request("DELETE", f"/api/transactions/{spent['_id']}/split").status == 200  # the retry finishes it
    listed = user.request("GET", "/api/transactions").json()["data"]["transactions"]
    assert [t["amount"] for t in listed] == [1200]


def real_database() -> Any:
    from finsight.platform import db

    return db.get_database()


class _CutAfterRestore:
    """A database whose transactions collection fails on the first `find` after a restore (the undo's parts)."""

    def __init__(self, database: Any) -> None:
        self._database = database

    def __getitem__(self, name: str) -> Any:
        return _Collection(self._database[name])


class _Collection:
    def __init__(self, collection: Any) -> None:
        self._collection = collection
        self._restored = False

    def find_one_and_update(self, *args: Any, **kwargs: Any) -> Any:
        self._restored = True
        return self._collection.find_one_and_update(*args, **kwargs)

    def find(self, *args: Any, **kwargs: Any) -> Any:
        if self._restored:
            from pymongo.errors import AutoReconnect

            raise AutoReconnect("connection lost")
        return self._collection.find(*args, **kwargs)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._collection, name)
