"""Tags and notes on transactions, as a user sees them: normalised tags, notes, replacing and clearing them,
the list filtered by tags (repeatable: all of them), the tag counts, and clear 400s for what is not a tag."""

from __future__ import annotations

from typing import Any

import pytest

from tests.helpers import User
from tests.http_client import ApiClient, assert_fail

pytestmark = [pytest.mark.integration, pytest.mark.usefixtures("no_rate_history")]


def listed(user: User, query: str) -> list[tuple[str, list[str]]]:
    response = user.request("GET", f"/api/transactions?{query}")
    assert response.status == 200, response.text
    return sorted((t["description"], t["tags"]) for t in response.json()["data"]["transactions"])


def test_tags_are_normalised_and_notes_kept_on_create_and_replaced_or_cleared_on_edit(
    local_api: ApiClient, user: User
) -> None:
    made = user.add(description="Dinner", tags=["Trip", "#trip", "  Work   Lunch "], notes="  with the Goa team  ")
    assert (made["tags"], made["notes"]) == (["trip", "work lunch"], "with the Goa team")
    plain = user.add(description="Bus")
    assert (plain["tags"], plain["notes"]) == ([], None)  # every transaction has both fields
    path = f"/api/transactions/{made['_id']}"
    changed = user.request("PATCH", path, json_body={"tags": ["Goa"]}).json()["data"]
    assert (changed["tags"], changed["notes"]) == (["goa"], "with the Goa team")  # notes untouched
    cleared = user.request("PATCH", path, json_body={"tags": [], "notes": ""}).json()["data"]
    assert (cleared["tags"], cleared["notes"]) == ([], None)
    assert user.request("GET", path).json()["data"]["tags"] == []


@pytest.mark.parametrize(
    "fields",
    [
        {"tags": [f"tag{n}" for n in range(11)]},  # 11 tags
        {"tags": ["x" * 31]},
        {"tags": [""]},
        {"tags": ["a,b"]},  # the filter's separator
        {"tags": ["bell\u0007"]},  # unprintable (whitespace is collapsed instead)
        {"tags": "trip"},  # not a list
        {"tags": [1]},
        {"notes": "n" * 1001},
        {"notes": 12},
    ],
)
def test_what_is_not_a_tag_or_a_note_is_a_400(local_api: ApiClient, user: User, fields: dict[str, Any]) -> None:
    body = {"mode": "manual", "amount": 5, "category": "Other", "description": "x", **fields}
    assert_fail(user.request("POST", "/api/transactions", json_body=body), 400)
    made = user.add()
    assert_fail(user.request("PATCH", f"/api/transactions/{made['_id']}", json_body=fields), 400)


def test_the_list_filters_by_tags_and_the_tag_counts_are_the_user_s_own(local_api: ApiClient, user: User) -> None:
    user.add(description="Flight", tags=["trip", "work"])
    user.add(description="Hotel", tags=["trip"])
    user.add(description="Lunch", tags=["work"])
    user.add(description="Milk")
    other = User(local_api)
    other.add(description="Theirs", tags=["trip", "secret"])
    assert listed(user, "tag=trip") == [("Flight", ["trip", "work"]), ("Hotel", ["trip"])]
    assert listed(user, "tag=TRIP&tag=work") == [("Flight", ["trip", "work"])]  # all of them
    assert listed(user, "tag=trip,work") == [("Flight", ["trip", "work"])]
    assert listed(user, "tag=nothing") == []
    assert listed(user, "tag=") == listed(user, "")  # an empty parameter is ignored
    assert_fail(user.request("GET", f"/api/transactions?tag={'x' * 31}"), 400)
    counts = user.request("GET", "/api/tags").json()["data"]
    assert counts == [{"tag": "trip", "count": 2}, {"tag": "work", "count": 2}]
    assert user.request("GET", "/api/tags/").json()["data"] == counts
    assert_fail(local_api.get("/api/tags"), 401)


def test_an_imported_file_s_tags_and_notes_land_on_its_transactions(local_api: ApiClient, user: User) -> None:
    from tests.integration.test_imports import finished, upload

    data = b'Date,Amount,Description,Tags,Notes\n2026-11-04,-20.50,Chai stall,"work, team",with Ana\n'
    assert finished(user, upload(user, data))["rows_imported"] == 1
    [(description, tags)] = listed(user, "tag=team")
    assert (description, tags) == ("Chai stall", ["work", "team"])
    assert user.request("GET", "/api/transactions?tag=work").json()["data"]["transactions"][0]["notes"] == "with Ana"
