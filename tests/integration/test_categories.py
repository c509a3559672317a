"""User categories as a user meets them: their own list in the web client's category call, "Coffee" under "Food &
Dining" filled by a rule, the AI and chat, a budget on the parent that counts it, renames and deletes that carry
everything along, and every category field of the API checked against the user's own list."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from bson import ObjectId

from finsight.categories.refile import refile_recent
from finsight.platform import db
from tests.helpers import User
from tests.http_client import ApiClient, assert_fail
from tests.integration.test_public_endpoints import CATEGORIES
from tests.integration.test_whatsapp_messages import a_number, form, link, replies_to, webhook

pytestmark = [pytest.mark.integration, pytest.mark.usefixtures("no_rate_history")]
DEFAULTS = CATEGORIES  # the contract's twelve, in its order


def create(user: User, **body: Any) -> dict[str, Any]:
    response = user.request("POST", "/api/categories", json_body=body)
    assert response.status == 201, response.text
    return dict(response.json()["data"])


def patch(user: User, category_id: str, **body: Any) -> dict[str, Any]:
    response = user.request("PATCH", f"/api/categories/{category_id}", json_body=body)
    assert response.status == 200, response.text
    return dict(response.json()["data"])


def names(user: User) -> list[str]:
    response = user.request("GET", "/api/transactions/categories")
    assert response.status == 200, response.text
    return list(response.json()["data"])


def stored_categories(user: User) -> dict[str, str]:
    return {t["description"]: t["category"] for t in db.get_database()["transactions"].find({"user_id": user.id})}


def budget(user: User, category: str, limit: float = 1000) -> dict[str, Any]:
    response = user.request("POST", "/api/budgets", json_body={"category": category, "limit": limit})
    assert response.status == 201, response.text
    return dict(response.json()["data"])


def test_the_public_list_is_the_defaults_and_a_token_gets_the_users_own(local_api: ApiClient, user: User) -> None:
    assert local_api.get("/api/transactions/categories").json()["data"] == DEFAULTS
    assert names(user) == DEFAULTS  # nothing changed yet: the same list
    create(user, name="Coffee", parent="food & dining", icon="☕", colour="#6F4E37")
    create(user, name="Pets")
    patch(user, "transportation", name="Commute")
    patch(user, "education", hidden=True)
    assert names(user) == [
        "Food & Dining",
        "Coffee",
        *(["Commute", *DEFAULTS[2:10]]),
        "Other",
        "Pets",
    ]
    assert local_api.get("/api/transactions/categories").json()["data"] == DEFAULTS  # others see no change
    listed = user.request("GET", "/api/categories").json()["data"]
    coffee = next(c for c in listed if c["name"] == "Coffee")
    assert (coffee["parent"], coffee["parent_id"], coffee["icon"], coffee["colour"], coffee["default"]) == (
        "Food & Dining",
        "food-and-dining",
        "☕",
        "#6f4e37",
        None,
    )
    education = next(c for c in listed if c["id"] == "education")
    assert (education["hidden"], education["default"]) == (True, "Education")
    expired = local_api.get("/api/transactions/categories", headers={"Authorization": "Bearer not-a-token"})
    assert_fail(expired, 401)


def test_coffee_under_food_is_filled_by_a_rule_the_ai_and_chat_and_counted_by_the_parents_budget(
    local_api: ApiClient, user: User
) -> None:
    create(user, name="Coffee", parent="Food & Dining")
    rule = {"match": {"merchant": "Starbucks"}, "set": {"category": "coffee"}}
    made = user.request("POST", "/api/rules", json_body=rule)
    assert (made.status, made.json()["data"]["set"]["category"]) == (201, "Coffee"), made.text
    assert user.add(description="Starbucks latte", category="Food & Dining", amount=300)["category"] == "Coffee"
    ai = user.request("POST", "/api/transactions", json_body={"mode": "ai", "text": "starbucks 250"})
    assert ai.status == 202, ai.text
    by_name = user.request("POST", "/api/transactions", json_body={"mode": "ai", "text": "coffee with Sam 120"})
    assert by_name.status == 202, by_name.text
    local_api.stack.wait_for_queue("AiQueue")
    number = a_number()
    link(local_api, user, number)
    assert webhook(local_api, form(number, "starbucks 180")).status == 200
    local_api.stack.wait_for_queue("AiQueue")
    assert replies_to(local_api, number)[-1].startswith("Added ₹180 · Coffee")
    user.add(description="dinner", category="Food & Dining", amount=500)
    user.add(description="shoes", category="Shopping", amount=900)
    stored = stored_categories(user)
    assert (stored["Starbucks latte"], stored["dinner"], stored["shoes"]) == ("Coffee", "Food & Dining", "Shopping")
    ai_entries = db.get_database()["transactions"].find({"user_id": user.id, "mode": "ai"})
    assert sorted(t["category"] for t in ai_entries) == ["Coffee"] * 3
    food = budget(user, "Food & Dining")
    assert (food["current_spend"], food["counts"]) == (300 + 250 + 120 + 180 + 500, ["Food & Dining", "Coffee"])
    assert budget(user, "Coffee")["current_spend"] == 850  # a budget on the child counts only it
    # a split counts in two categories: the parent's budget sees the Coffee part, not the Shopping one
    shoes = next(t for t in user.list(search="shoes").json()["data"]["transactions"])
    parts = [{"amount": 600, "category": "Shopping"}, {"amount": 300, "category": "Coffee", "description": "beans"}]
    assert user.request("POST", f"/api/transactions/{shoes['_id']}/split", json_body={"parts": parts}).status == 201
    budgets = {b["category"]: b["current_spend"] for b in user.request("GET", "/api/budgets").json()["data"]}
    assert budgets == {"Food & Dining": 1650, "Coffee": 1150}
    summary = user.request("GET", "/api/transactions/summary").json()["data"]
    spend = {(c["category"], c["parent"]): c["amount"] for c in summary["by_category"]}
    assert spend == {("Coffee", "Food & Dining"): 1150, ("Food & Dining", None): 500, ("Shopping", None): 600}


def test_the_ai_files_into_renamed_hidden_and_replaced_defaults(local_api: ApiClient, user: User) -> None:
    patch(user, "transportation", name="Commute")
    patch(user, "groceries", hidden=True, replaced_by="food & dining")
    patch(user, "education", hidden=True)
    for text in ("uber 300", "groceries 500", "tuition fees 4000"):
        assert user.request("POST", "/api/transactions", json_body={"mode": "ai", "text": text}).status == 202
    local_api.stack.wait_for_queue("AiQueue")
    filed = {t["raw_text"]: t["category"] for t in db.get_database()["transactions"].find({"user_id": user.id})}
    assert filed == {"uber 300": "Commute", "groceries 500": "Food & Dining", "tuition fees 4000": "Other"}


def test_gemini_is_given_the_users_list_as_its_enum(local_api: ApiClient, user: User, gemini: Any) -> None:
    from tests.fake_gemini import answer

    create(user, name="Coffee", parent="Food & Dining")
    patch(user, "education", hidden=True)
    expense = {"amount": 4.5, "currency": "USD", "category": "Coffee", "description": "Latte", "days_ago": 0}
    gemini.script = [answer({"expenses": [expense]})]
    assert user.request("POST", "/api/transactions", json_body={"mode": "ai", "text": "latte 4.50"}).status == 202
    local_api.stack.wait_for_queue("AiQueue")
    [(_, _, body)] = gemini.requests
    schema = body["generationConfig"]["responseSchema"]
    enum = schema["properties"]["expenses"]["items"]["properties"]["category"]["enum"]
    assert enum == names(user)
    assert "Coffee" in enum
    assert "Education" not in enum
    assert stored_categories(user) == {"Latte": "Coffee"}
    # Gemini chose among the user's list: its choice stands even when a category's name is in the words
    grinder = {**expense, "amount": 30, "category": "Shopping", "description": "Coffee grinder"}
    gemini.script = [answer({"expenses": [grinder]})]
    assert user.request("POST", "/api/transactions", json_body={"mode": "ai", "text": "grinder 30"}).status == 202
    local_api.stack.wait_for_queue("AiQueue")
    assert stored_categories(user)["Coffee grinder"] == "Shopping"


def test_every_category_field_takes_only_the_users_categories(user: User) -> None:
    create(user, name="Coffee")
    patch(user, "education", hidden=True)
    assert user.add(category="COFFEE")["category"] == "Coffee"  # any case, stored as the user spells it
    done = user.add(category="Groceries")
    for category in ("Tea", "Education"):  # unknown; hidden
        sent = {"mode": "manual", "amount": 5, "category": category, "description": "x"}
        assert_fail(user.request("POST", "/api/transactions", json_body=sent), 400)
        assert_fail(user.request("PATCH", f"/api/transactions/{done['_id']}", json_body={"category": category}), 400)
        assert_fail(user.request("POST", "/api/budgets", json_body={"category": category, "limit": 5}), 400)
        rule = {"match": {"merchant": "x"}, "set": {"category": category}}
        assert_fail(user.request("POST", "/api/rules", json_body=rule), 400)
        recurring = {
            "amount": 5,
            "category": category,
            "description": "x",
            "schedule": {"frequency": "monthly", "start_date": "2026-12-20"},
        }
        assert_fail(user.request("POST", "/api/recurring", json_body=recurring), 400)
        parts = [{"amount": 5, "category": category}, {"amount": 5, "category": "Coffee"}]
        split = user.request("POST", f"/api/transactions/{done['_id']}/split", json_body={"parts": parts})
        assert_fail(split, 400)
    assert_fail(user.list(category="Tea"), 400)
    assert user.list(category="education").status == 200  # a hidden default's history can still be listed
    assert (
        "Tea"
        in user.request(
            "POST",
            "/api/transactions",
            json_body={"mode": "manual", "amount": 5, "category": "Tea", "description": "x"},
        ).json()["data"]["message"]
    )
    assert db.get_database()["transactions"].count_documents({"user_id": user.id}) == 2  # nothing refused stored


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"name": "coffee"}, 409),  # taken whatever the case
        ({"name": "  FOOD   & dining "}, 409),  # a default's name
        ({"name": "education"}, 409),  # a hidden default's too
        ({"name": ""}, 400),
        ({"name": "x" * 41}, 400),
        ({"name": "tab\there"}, 201),  # spacing is collapsed
        ({"name": "bell\x07"}, 400),
        ({"name": "Beans", "parent": "Coffee"}, 400),  # Coffee is a sub-category: one level only
        ({"name": "Beans", "parent": "Nope"}, 400),
        ({"name": "Beans", "parent": "Education"}, 400),  # hidden
        ({"name": "Beans", "colour": "red"}, 400),
        ({"name": "Beans", "icon": "x" * 33}, 400),
        ({"name": "Beans", "user_id": "someone"}, 201),  # unknown fields are ignored, like everywhere
        ({"name": 5}, 400),
    ],
)
def test_what_a_new_category_must_be(user: User, body: dict[str, Any], status: int) -> None:
    create(user, name="Coffee", parent="Food & Dining")
    patch(user, "education", hidden=True)
    response = user.request("POST", "/api/categories", json_body=body)
    assert response.status == status, response.text
    stored = db.get_database()["categories"].find_one({"user_id": user.id, "name": {"$in": ["Beans", "tab here"]}})
    assert stored is None or stored["user_id"] == user.id
    if status != 201:
        assert_fail(response, status)
        assert db.get_database()["categories"].count_documents({"user_id": user.id, "default": {"$exists": False}}) == 1


def test_defaults_are_renamed_hidden_and_shown_again_never_deleted(user: User) -> None:
    assert_fail(user.request("PATCH", "/api/categories/other", json_body={"hidden": True}), 400)
    assert patch(user, "other", name="Misc")["name"] == "Misc"
    assert_fail(user.request("DELETE", "/api/categories/groceries"), 400)
    assert_fail(user.request("PATCH", "/api/categories/groceries", json_body={"parent": "Shopping"}), 400)
    assert_fail(user.request("PATCH", "/api/categories/groceries", json_body={"replaced_by": "Shopping"}), 400)
    assert_fail(
        user.request("PATCH", "/api/categories/groceries", json_body={"hidden": True, "replaced_by": "Nope"}), 400
    )
    assert_fail(user.request("PATCH", "/api/categories/nope", json_body={"name": "x"}), 400)  # no such id
    assert_fail(user.request("PATCH", "/api/categories/0123456789abcdef01234567", json_body={"name": "x"}), 404)
    assert_fail(user.request("PATCH", "/api/categories/groceries", json_body={}), 400)
    create(user, name="Snacks", parent="Groceries")
    assert_fail(user.request("PATCH", "/api/categories/groceries", json_body={"hidden": True}), 409)
    hidden = patch(user, "travel", hidden=True, replaced_by="Misc")
    assert (hidden["hidden"], hidden["replaced_by"]) == (True, "Misc")
    shown = patch(user, "travel", hidden=False)
    assert (shown["hidden"], shown["replaced_by"]) == (False, None)
    assert "Travel" in names(user)


def test_a_rename_refiles_everything_and_the_old_name_keeps_working(local_api: ApiClient, user: User) -> None:
    coffee = create(user, name="Coffee", parent="Food & Dining")
    user.add(description="latte", category="Coffee", amount=4)
    budget(user, "Coffee", 50)
    recurring = {
        "amount": 3,
        "category": "Coffee",
        "description": "bean club",
        "schedule": {"frequency": "monthly", "start_date": "2026-12-20"},
    }
    assert user.request("POST", "/api/recurring", json_body=recurring).status == 201
    assert (
        user.request(
            "POST", "/api/rules", json_body={"match": {"merchant": "costa"}, "set": {"category": "Coffee"}}
        ).status
        == 201
    )
    renamed = patch(user, coffee["id"], name="Café")
    assert (renamed["name"], renamed["parent"]) == ("Café", "Food & Dining")
    database = db.get_database()
    assert stored_categories(user) == {"latte": "Café"}
    assert [b["category"] for b in database["budgets"].find({"user_id": user.id})] == ["Café"]
    assert [r["category"] for r in database["recurring"].find({"user_id": user.id})] == ["Café"]
    assert [r["set"]["category"] for r in database["rules"].find({"user_id": user.id})] == ["Café"]
    assert user.add(description="espresso", category="coffee")["category"] == "Café"  # the old name still works
    assert [t["description"] for t in user.list(category="Coffee").json()["data"]["transactions"]] == [
        "espresso",
        "latte",
    ]
    assert "Coffee" not in names(user)
    assert "Café" in names(user)
    # what a request that read the list before the rename wrote under the old name is moved by the sweeper
    late = dict(database["transactions"].find_one({"user_id": user.id, "description": "latte"}) or {})
    database["transactions"].insert_one({**late, "_id": ObjectId(), "description": "late writer", "category": "Coffee"})
    assert refile_recent(database) == 1
    assert stored_categories(user)["late writer"] == "Café"
    assert refile_recent(database, now=datetime.now(UTC) + timedelta(hours=2)) == 0  # an hour later it stops
    # the old name is free again: a new Coffee is a category of its own, no longer an alias
    create(user, name="Coffee")
    assert user.add(description="drip", category="Coffee")["category"] == "Coffee"
    assert refile_recent(database) == 0
    assert stored_categories(user)["drip"] == "Coffee"


def test_deleting_a_category_moves_what_was_in_it(user: User, other: User) -> None:
    coffee = create(user, name="Coffee", parent="Food & Dining")
    user.add(description="latte", category="Coffee", amount=4)
    budget(user, "Coffee", 50)
    budget(user, "Food & Dining", 400)
    assert_fail(other.request("DELETE", f"/api/categories/{coffee['id']}"), 404)  # not theirs
    assert_fail(user.request("DELETE", f"/api/categories/{coffee['id']}?move_to=Nope"), 400)
    assert_fail(user.request("DELETE", f"/api/categories/{coffee['id']}?move_to=coffee"), 400)
    assert_fail(user.request("DELETE", "/api/categories/0123456789abcdef01234567"), 404)
    deleted = user.request("DELETE", f"/api/categories/{coffee['id']}")  # to its parent by default
    assert deleted.status == 200, deleted.text
    assert deleted.json()["data"] == {
        "deleted": coffee["id"],
        "moved_to": "Food & Dining",
        "moved": {"transactions": 1, "budgets": 1, "recurring": 0, "rules": 0},
    }
    assert stored_categories(user) == {"latte": "Food & Dining"}
    [food] = user.request("GET", "/api/budgets").json()["data"]
    assert (food["category"], food["limit"], food["current_spend"]) == ("Food & Dining", 400, 4)  # it counted Coffee
    assert "Coffee" not in names(user)
    assert_fail(user.request("DELETE", f"/api/categories/{coffee['id']}"), 404)
    pets = create(user, name="Pets")
    create(user, name="Vet", parent="Pets")
    assert_fail(user.request("DELETE", f"/api/categories/{pets['id']}"), 409)  # it has sub-categories


def test_concurrent_creates_of_one_name_make_one_category(local_api: ApiClient, user: User) -> None:
    def attempt(index: int) -> int:
        name = "Coffee" if index % 2 else "COFFEE"
        return user.request("POST", "/api/categories", json_body={"name": name}).status

    with ThreadPoolExecutor(8) as pool:
        statuses = sorted(pool.map(attempt, range(8)))
    assert statuses == [201] + [409] * 7
    assert names(user).count("Coffee") + names(user).count("COFFEE") == 1


def test_the_limit_of_own_categories_holds_under_concurrent_creates(user: User) -> None:
    from finsight.categories.service import MAX_OWN_CATEGORIES

    now = datetime.now(UTC)
    db.get_database()["categories"].insert_many(
        [
            {"user_id": user.id, "name": f"c{i}", "key": f"c{i}", "created_at": now}
            for i in range(MAX_OWN_CATEGORIES - 3)
        ]
    )
    with ThreadPoolExecutor(8) as pool:
        statuses = list(
            pool.map(lambda i: user.request("POST", "/api/categories", json_body={"name": f"new {i}"}).status, range(8))
        )
    assert statuses.count(201) <= 3
    assert set(statuses) <= {201, 409}
    assert db.get_database()["categories"].count_documents({"user_id": user.id}) <= MAX_OWN_CATEGORIES


def test_chat_edit_takes_the_users_categories(local_api: ApiClient, user: User) -> None:
    from tests.integration.test_whatsapp_commands import Chat

    create(user, name="Coffee", parent="Food & Dining")
    patch(user, "shopping", name="Stuff")
    chat = Chat(local_api, user)
    chat.say("chai 20")
    [short] = chat.short_ids()
    assert chat.say(f"/edit {short} category coffee").startswith(f"Updated: {short} · ₹20 · Coffee · ")
    assert chat.say(f"/edit {short} category shopping").startswith(f"Updated: {short} · ₹20 · Stuff · ")  # former
    listed = chat.say(f"/edit {short} category snacks")
    assert listed.startswith("Categories: Food & Dining, Coffee, Transportation, ")
    assert "Stuff" in listed


# ----- races and edges a review found (each failed before its fix) -----
def held_after_reading(monkeypatch: pytest.MonkeyPatch, call: Any) -> Any:
    """Run `call` in a thread that stops right after it read the user's categories, until the returned function
    lets it go on (and returns its answer): another request changes the list meanwhile."""
    import threading

    from finsight.categories import service

    original = service.catalogue_of  # type: ignore[attr-defined]  # (the name the service module calls)
    read, go = threading.Event(), threading.Event()
    out: dict[str, Any] = {}

    def reading(database: Any, user_id: str) -> Any:
        found = original(database, user_id)
        if not read.is_set():
            read.set()
            go.wait(10)
        return found

    monkeypatch.setattr(service, "catalogue_of", reading)
    thread = threading.Thread(target=lambda: out.setdefault("answer", call()))
    thread.start()
    assert read.wait(10)

    def finish() -> Any:
        go.set()
        thread.join(10)
        return out["answer"]

    return finish


@pytest.mark.parametrize("first", ["rename", "delete"])
def test_a_rename_racing_another_change_never_strands_transactions(
    user: User, monkeypatch: pytest.MonkeyPatch, first: str
) -> None:
    coffee = create(user, name="Coffee")
    user.add(description="latte", category="Coffee", amount=4)
    url = f"/api/categories/{coffee['id']}"
    finish = held_after_reading(
        monkeypatch,
        (lambda: user.request("PATCH", url, json_body={"name": "Kaffee"}))
        if first == "rename"
        else (lambda: user.request("DELETE", url)),
    )
    assert user.request("PATCH", url, json_body={"name": "Café"}).status == 200
    late = finish()
    assert_fail(late, 409)  # it read "Coffee": the change it meant is no longer what it would do
    assert stored_categories(user) == {"latte": "Café"}
    assert "Café" in names(user)


def test_a_case_only_rename_is_swept_too(user: User) -> None:
    coffee = create(user, name="coffee")
    patch(user, coffee["id"], name="Coffee")
    database = db.get_database()
    late = dict(database["transactions"].find_one({"user_id": user.id}) or user.add(category="Coffee"))
    database["transactions"].insert_one({**late, "_id": ObjectId(), "description": "late", "category": "coffee"})
    refile_recent(database)
    assert stored_categories(user)["late"] == "Coffee"


def test_hiding_a_default_points_rules_and_recurring_at_its_replacement(user: User) -> None:
    assert (
        user.request(
            "POST", "/api/rules", json_body={"match": {"merchant": "uber"}, "set": {"category": "Travel"}}
        ).status
        == 201
    )
    patch(user, "travel", hidden=True, replaced_by="Transportation")
    assert user.add(description="Uber ride", category="Groceries")["category"] == "Transportation"
    patch(user, "groceries", hidden=True, replaced_by="Shopping")
    assert_fail(user.request("PATCH", "/api/categories/shopping", json_body={"hidden": True}), 409)  # stands in
    assert_fail(user.request("POST", "/api/categories", json_body={"name": "Books", "parent": "Groceries"}), 400)


def test_a_budget_that_cannot_merge_refuses_the_delete_before_anything_moves(user: User) -> None:
    coffee = create(user, name="Coffee", parent="Food & Dining")
    user.add(description="latte", category="Coffee", amount=4)
    budget(user, "Coffee", 50)
    user.set_profile(currency="USD")
    budget(user, "Food & Dining", 400)
    assert_fail(user.request("DELETE", f"/api/categories/{coffee['id']}"), 409)
    assert stored_categories(user) == {"latte": "Coffee"}
    assert "Coffee" in names(user)


def test_names_differing_only_in_unicode_form_are_one_name(user: User) -> None:
    create(user, name="Cafe\u0301")
    assert_fail(user.request("POST", "/api/categories", json_body={"name": "Caf\u00e9"}), 409)
    assert user.add(category="caf\u00e9")["category"] == "Caf\u00e9"


def test_a_public_call_with_an_empty_or_other_authorization_header_is_public(local_api: ApiClient) -> None:
    for header in ("", "Basic dXNlcjpwYXNz"):
        answer = local_api.get("/api/transactions/categories", headers={"Authorization": header})
        assert (answer.status, answer.json()["data"]) == (200, DEFAULTS)


def test_racing_changes_never_make_a_deeper_tree_or_hide_a_parent_of_visible_children(
    user: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    pets = create(user, name="Pets")
    vet = create(user, name="Vet")
    finish = held_after_reading(
        monkeypatch,
        lambda: user.request("POST", "/api/categories", json_body={"name": "Snacks", "parent": "Groceries"}),
    )
    hidden = user.request("PATCH", "/api/categories/groceries", json_body={"hidden": True})
    made = finish()
    assert sorted([hidden.status, made.status]) in ([200, 409], [201, 409], [409, 409])
    monkeypatch.undo()
    finish = held_after_reading(
        monkeypatch, lambda: user.request("PATCH", f"/api/categories/{vet['id']}", json_body={"parent": "Pets"})
    )
    moved = user.request("PATCH", f"/api/categories/{pets['id']}", json_body={"parent": "Food & Dining"})
    late = finish()
    assert sorted([moved.status, late.status]) in ([200, 409], [409, 409])
    listed = user.request("GET", "/api/categories").json()["data"]
    by_id = {c["id"]: c for c in listed}
    for category in listed:  # one level, and no hidden parent with a visible child
        parent = by_id.get(category["parent_id"] or "")
        assert parent is None or (parent["parent_id"] is None and not parent["hidden"]), listed


def test_a_rename_and_a_hide_in_one_change_point_rules_at_the_replacement(user: User) -> None:
    rule = {"match": {"merchant": "udemy"}, "set": {"category": "Education"}}
    assert user.request("POST", "/api/rules", json_body=rule).status == 201
    patch(user, "education", name="School", hidden=True, replaced_by="Shopping")
    assert user.add(description="udemy python", category="Groceries")["category"] == "Shopping"


def test_a_sub_category_made_while_its_parent_is_deleted_ends_at_the_top_level(
    user: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    pets = create(user, name="Pets")
    finish = held_after_reading(
        monkeypatch, lambda: user.request("POST", "/api/categories", json_body={"name": "Kitten", "parent": "Pets"})
    )
    assert user.request("DELETE", f"/api/categories/{pets['id']}").status == 200
    made = finish()
    assert made.status in (201, 409)
    kitten = next((c for c in user.request("GET", "/api/categories").json()["data"] if c["name"] == "Kitten"), None)
    assert kitten is None or (kitten["parent"], kitten["parent_id"]) == (None, None)


def test_an_imported_file_s_category_column_files_rows_into_the_users_categories(user: User) -> None:
    from tests.integration.test_imports import finished, upload

    create(user, name="Coffee", parent="Food & Dining")
    data = (
        b"Date,Amount,Currency,Category,Description,Source,Tags,Notes\n"  # FinSight's own export's columns
        b"2026-11-04,-4.50,INR,coffee,Costa,manual,,\n"  # one of the user's (any case): filed there
        b"2026-11-05,-12.00,INR,Food & Drink,Chipotle,manual,,\n"  # a bank's own name: the lexicon files it
        b"2026-11-06,-30.00,INR,Education,Tuition,manual,,\n"
    )
    assert finished(user, upload(user, data))["rows_imported"] == 3
    assert stored_categories(user) == {"Costa": "Coffee", "Chipotle": "Food & Dining", "Tuition": "Education"}
