"""Rules, as a user sees them: a rule files new transactions on every entry path (the API, AI entries, imports,
recurring expenses), the highest priority first; learned corrections are rules the user can edit or delete;
applying a rule re-files what is there (dry run first); no pattern can hang a request."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import Any

import pytest

from finsight.platform import db
from finsight.recurring.worker import create_due_occurrences
from finsight.rules.engine import compile_pattern
from tests.helpers import User
from tests.http_client import ApiClient, assert_fail

pytestmark = [pytest.mark.integration, pytest.mark.usefixtures("no_rate_history")]
STARBUCKS = {"match": {"merchant": "Starbucks"}, "set": {"category": "Shopping", "tags": ["coffee"]}}


def create_rule(user: User, body: dict[str, Any]) -> dict[str, Any]:
    response = user.request("POST", "/api/rules", json_body=body)
    assert response.status == 201, response.text
    return dict(response.json()["data"])


def stored(user: User, description: str) -> list[tuple[str, list[str]]]:
    docs = db.get_database()["transactions"].find({"user_id": user.id, "description": description})
    return [(doc["category"], doc.get("tags") or []) for doc in docs]


def test_a_rule_files_entries_from_the_api_the_ai_imports_and_recurring(local_api: ApiClient, user: User) -> None:
    create_rule(user, STARBUCKS)
    made = user.add(description="Starbucks latte", category="Food & Dining")
    assert (made["category"], made["tags"]) == ("Shopping", ["coffee"])
    assert user.add(description="Costa latte", category="Food & Dining")["category"] == "Food & Dining"
    ai = user.request("POST", "/api/transactions", json_body={"mode": "ai", "text": "starbucks 250"})
    assert ai.status == 202, ai.text
    local_api.stack.wait_for_queue("AiQueue")
    entry = user.request("GET", f"/api/transactions/{ai.json()['data']['_id']}").json()["data"]
    assert (entry["status"], entry["category"], entry["tags"]) == ("completed", "Shopping", ["coffee"])
    from tests.integration.test_imports import finished, upload

    statement = b"Date,Amount,Description\n2026-11-04,-5.40,STARBUCKS 0042 SEATTLE\n2026-11-05,-12.00,Chipotle\n"
    assert finished(user, upload(user, statement))["rows_imported"] == 2
    assert stored(user, "STARBUCKS 0042 SEATTLE") == [("Shopping", ["coffee"])]
    assert stored(user, "Chipotle") == [("Food & Dining", [])]
    body = {
        "amount": 5,
        "category": "Food & Dining",
        "description": "Starbucks subscription",
        "schedule": {"frequency": "daily", "start_date": "2026-11-20"},
    }
    assert user.request("POST", "/api/recurring", json_body=body).status == 201
    create_due_occurrences(now=datetime(2026, 11, 20, 12, tzinfo=UTC))
    assert stored(user, "Starbucks subscription") == [("Shopping", ["coffee"])]


def test_the_highest_priority_rule_that_matches_wins(local_api: ApiClient, user: User) -> None:
    create_rule(user, {"match": {"description_contains": "uber"}, "set": {"category": "Travel"}, "priority": 10})
    create_rule(
        user,
        {
            "match": {"regex": r"uber\s+to\s+airport", "amount_between": [100, 5000]},
            "set": {"category": "Bills & Fees"},
        },
    )
    assert user.add(description="Uber to airport", amount=750, category="Other")["category"] == "Bills & Fees"
    assert user.add(description="Uber to airport", amount=50, category="Other")["category"] == "Travel"  # out of range
    assert user.add(description="uber eats", amount=750, category="Other")["category"] == "Travel"
    listed = user.request("GET", "/api/rules").json()["data"]
    assert [rule["priority"] for rule in listed] == [100, 10]


def ai_category(api: ApiClient, user: User, text: str) -> str:
    made = user.request("POST", "/api/transactions", json_body={"mode": "ai", "text": text}).json()["data"]
    api.stack.wait_for_queue("AiQueue")
    return str(user.request("GET", f"/api/transactions/{made['_id']}").json()["data"]["category"])


def test_a_correction_becomes_a_learned_rule_the_user_can_edit_or_delete(local_api: ApiClient, user: User) -> None:
    spent = user.add(description="Netflix", category="Other")
    assert (
        user.request("PATCH", f"/api/transactions/{spent['_id']}", json_body={"category": "Bills & Fees"}).status == 200
    )
    [learned] = user.request("GET", "/api/rules").json()["data"]
    assert (learned["origin"], learned["match"]["merchant"], learned["set"]["category"]) == (
        "learned",
        "netflix",
        "Bills & Fees",
    )
    assert ai_category(local_api, user, "netflix 199") == "Bills & Fees"  # the AI entry files by it
    assert user.add(description="Netflix", category="Other")["category"] == "Other"  # not over a typed category
    # edited, it is the user's own rule: applied on every path, and never re-learned over
    patched = user.request("PATCH", f"/api/rules/{learned['_id']}", json_body={"set": {"category": "Shopping"}})
    assert patched.status == 200, patched.text
    assert patched.json()["data"]["origin"] == "user"
    assert user.add(description="Netflix", category="Other")["category"] == "Shopping"
    again = user.add(description="Netflix", category="Other")
    user.request("PATCH", f"/api/transactions/{again['_id']}", json_body={"category": "Entertainment"})
    [kept] = user.request("GET", "/api/rules").json()["data"]
    assert (kept["_id"], kept["set"]["category"]) == (learned["_id"], "Shopping")  # the correction did not undo it
    assert user.request("DELETE", f"/api/rules/{learned['_id']}").status == 200
    assert user.add(description="Netflix", category="Other")["category"] == "Other"


def test_a_learned_merchant_is_not_a_longer_one(local_api: ApiClient, user: User) -> None:
    ride = user.add(description="Uber", category="Other")
    user.request("PATCH", f"/api/transactions/{ride['_id']}", json_body={"category": "Travel"})
    assert ai_category(local_api, user, "uber 300") == "Travel"
    assert ai_category(local_api, user, "uber eats 300") == "Food & Dining"  # its strongest term is "uber eats"


def test_applying_a_rule_counts_first_then_refiles_once(local_api: ApiClient, user: User) -> None:
    for description in ("Starbucks", "STARBUCKS #12", "Tesco"):
        user.add(description=description, category="Food & Dining")
    db.get_database()["transactions"].update_many({"user_id": user.id}, {"$set": {"category": "Food & Dining"}})
    rule = create_rule(user, STARBUCKS)
    path = f"/api/rules/{rule['_id']}/apply"
    dry = user.request("POST", path).json()["data"]
    assert dry == {"dry_run": True, "matched": 2, "changed": 2}
    assert stored(user, "Starbucks") == [("Food & Dining", [])]  # a dry run changes nothing
    done = user.request("POST", f"{path}?dry_run=false").json()["data"]
    assert done == {"dry_run": False, "matched": 2, "changed": 2}
    assert stored(user, "STARBUCKS #12") == [("Shopping", ["coffee"])]
    assert stored(user, "Tesco") == [("Food & Dining", [])]
    assert user.request("POST", f"{path}?dry_run=false").json()["data"]["changed"] == 0


@pytest.mark.parametrize(
    "body",
    [
        {"match": {}, "set": {"category": "Other"}},
        {"match": {"merchant": "x"}, "set": {}},
        {"match": {"merchant": "x"}, "set": {"category": "Nope"}},
        {"match": {"amount_between": [50, 10]}, "set": {"category": "Other"}},
        {"match": {"regex": "(a)\\1"}, "set": {"category": "Other"}},  # a backreference: not RE2
        {"match": {"regex": "(?<=a)b"}, "set": {"category": "Other"}},  # a lookbehind: not RE2
        {"match": {"regex": "x" * 201}, "set": {"category": "Other"}},
        {"match": {"merchant": "x"}, "set": {"category": "Other"}, "priority": 1001},
    ],
)
def test_what_is_not_a_rule_is_a_400(local_api: ApiClient, user: User, body: dict[str, Any]) -> None:
    assert_fail(user.request("POST", "/api/rules", json_body=body), 400)


@pytest.mark.parametrize("pattern", ["(a+)+$", "(a|aa)+$", "(.*a){20}", "^(a?){25}a{25}$", "(x+x+)+y"])
def test_no_pattern_can_hang_matching(pattern: str) -> None:
    compiled = compile_pattern(pattern)
    started = time.process_time()
    for text in ("a" * 20_000 + "!", "x" * 20_000):
        compiled.search(text)
    assert time.process_time() - started < 1.0  # backtracking engines take hours on these; RE2 is linear


@pytest.mark.usefixtures("busy_switching")
def test_concurrent_creates_never_pass_the_rule_limit(local_api: ApiClient, user: User) -> None:
    from concurrent.futures import ThreadPoolExecutor
    from threading import Barrier

    from finsight.rules.service import MAX_RULES_PER_USER

    now = datetime.now(UTC)
    db.get_database()["rules"].insert_many(
        [
            {
                "user_id": user.id,
                "origin": "user",
                "match": {"merchant": f"m{n}"},
                "set": {"category": "Other"},
                "priority": 100,
                "created_at": now,
                "updated_at": now,
            }
            for n in range(MAX_RULES_PER_USER - 3)
        ]
    )
    barrier = Barrier(8)

    def create() -> int:
        barrier.wait()
        return int(user.request("POST", "/api/rules", json_body=STARBUCKS).status)

    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = list(pool.map(lambda _: create(), range(8)))
    assert set(statuses) <= {201, 409}
    assert statuses.count(201) <= 3  # (creates that saw each other may all withdraw: never more)
    assert db.get_database()["rules"].count_documents({"user_id": user.id, "origin": "user"}) <= MAX_RULES_PER_USER
