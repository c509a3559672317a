"""Sessions and refresh tokens over HTTP, with requests in flight at once as real clients send them.

The rules (README "Accounts and tokens"): a client that keeps only its login refresh token stays logged in
for the session's life; a client that adopts rotated tokens gets strict rotation with reuse detection;
parallel refreshes with one token all succeed within the leeway; sessions end by logout, reset, idle
expiry or their absolute lifetime.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt
import pytest

from tests.conftest import Configure
from tests.helpers import bearer, collection, login, new_account, profile
from tests.http_client import ApiClient, HttpResponse, assert_fail

pytestmark = [pytest.mark.integration, pytest.mark.usefixtures("no_rate_history")]


def refresh(api: ApiClient, token: str) -> HttpResponse:
    return api.post("/api/auth/refresh", json_body={}, headers=bearer(token))


def refresh_at_once(api: ApiClient, token: str, count: int = 3) -> list[HttpResponse]:
    """`count` refreshes with one token, released together (the web client's dashboard makes three)."""
    barrier = threading.Barrier(count)

    def call(_: int) -> HttpResponse:
        barrier.wait()
        return refresh(api, token)

    with ThreadPoolExecutor(count) as pool:
        return list(pool.map(call, range(count)))


def session_of(token: str) -> dict[str, Any]:
    sid = jwt.decode(token, options={"verify_signature": False})["sid"]
    found: dict[str, Any] = collection("sessions").find_one({"_id": sid})
    return found


def after_the_leeway(token: str) -> None:
    """Move the session's last rotation back in time beyond the reuse leeway (instead of waiting)."""
    session = session_of(token)
    if session["rotated_at"] is not None:
        moved = session["rotated_at"] - timedelta(seconds=60)
        collection("sessions").update_one({"_id": session["_id"]}, {"$set": {"rotated_at": moved}})


def data(response: HttpResponse) -> dict[str, Any]:
    assert response.status == 200, response.text
    return dict(response.json()["data"])


# ----- a client that keeps only the login refresh token (the FinSight web client) -----
def test_the_login_refresh_token_works_again_and_again_for_a_client_that_never_adopts_rotated_ones(
    local_api: ApiClient,
) -> None:
    _, tokens = new_account(local_api)
    for _ in range(12):  # three hours of 15-minute access tokens
        after_the_leeway(tokens["refresh_token"])
        answers = [data(response) for response in refresh_at_once(local_api, tokens["refresh_token"])]
        assert all(a["refresh_token"] for a in answers)
        for answer in answers:
            assert profile(local_api, answer["access_token"]).status == 200
    assert session_of(tokens["refresh_token"])["revoked_at"] is None


def test_parallel_refreshes_with_one_token_all_get_the_same_newest_refresh_token(local_api: ApiClient) -> None:
    _, tokens = new_account(local_api)
    answers = [data(response) for response in refresh_at_once(local_api, tokens["refresh_token"], count=6)]
    assert len({a["refresh_token"] for a in answers}) == 1
    assert answers[0]["refresh_token"] != tokens["refresh_token"]
    assert len({a["access_token"] for a in answers}) >= 1
    assert (
        session_of(tokens["refresh_token"])["refresh_jti"]
        == jwt.decode(answers[0]["refresh_token"], options={"verify_signature": False})["jti"]
    )


# ----- a client that adopts rotated refresh tokens -----
def test_a_client_that_adopts_rotated_tokens_gets_strict_rotation_with_reuse_detection(local_api: ApiClient) -> None:
    _, tokens = new_account(local_api)
    first = data(refresh(local_api, tokens["refresh_token"]))
    second = data(refresh(local_api, first["refresh_token"]))  # adopts: the session is now strict
    assert session_of(tokens["refresh_token"])["strict"] is True
    after_the_leeway(tokens["refresh_token"])
    third = data(refresh(local_api, second["refresh_token"]))
    after_the_leeway(tokens["refresh_token"])

    stolen = refresh(local_api, first["refresh_token"])  # an older token of this session: it was copied
    assert_fail(stolen, 401, "no longer valid")
    # The whole session ended: the legitimate holder's newest tokens and the login token are dead too.
    assert_fail(refresh(local_api, third["refresh_token"]), 401)
    assert_fail(refresh(local_api, tokens["refresh_token"]), 401)
    assert_fail(profile(local_api, third["access_token"]), 401)
    assert session_of(tokens["refresh_token"])["revoked_reason"] == "refresh token reused"


def test_once_strict_the_login_token_counts_as_an_older_token(local_api: ApiClient) -> None:
    _, tokens = new_account(local_api)
    first = data(refresh(local_api, tokens["refresh_token"]))
    data(refresh(local_api, first["refresh_token"]))
    after_the_leeway(tokens["refresh_token"])
    assert_fail(refresh(local_api, tokens["refresh_token"]), 401)
    assert session_of(tokens["refresh_token"])["revoked_reason"] == "refresh token reused"


def test_a_rotating_client_refreshing_in_parallel_is_not_taken_for_a_thief(local_api: ApiClient) -> None:
    _, tokens = new_account(local_api)
    current = data(refresh(local_api, tokens["refresh_token"]))["refresh_token"]
    for _ in range(5):
        after_the_leeway(tokens["refresh_token"])
        answers = [data(response) for response in refresh_at_once(local_api, current)]
        newest = {a["refresh_token"] for a in answers}
        assert len(newest) == 1
        current = newest.pop()
    assert session_of(tokens["refresh_token"])["revoked_at"] is None
    assert session_of(tokens["refresh_token"])["strict"] is True


def test_an_older_token_is_refused_once_the_leeway_is_over(local_api: ApiClient) -> None:
    _, tokens = new_account(local_api)
    first = data(refresh(local_api, tokens["refresh_token"]))
    second = data(refresh(local_api, first["refresh_token"]))
    # Within the leeway the token just replaced still answers the newest one...
    assert data(refresh(local_api, first["refresh_token"]))["refresh_token"] == second["refresh_token"]
    after_the_leeway(tokens["refresh_token"])
    # ...after it, it means a copy.
    assert_fail(refresh(local_api, first["refresh_token"]), 401)


def test_the_leeway_is_configurable(local_api: ApiClient, configure: Configure) -> None:
    configure(REFRESH_REUSE_LEEWAY_SECONDS="0")
    _, tokens = new_account(local_api)
    first = data(refresh(local_api, tokens["refresh_token"]))
    data(refresh(local_api, first["refresh_token"]))
    collection("sessions").update_one(
        {"_id": session_of(first["refresh_token"])["_id"]},
        {"$set": {"rotated_at": datetime.now(UTC) - timedelta(seconds=1)}},
    )
    assert_fail(refresh(local_api, first["refresh_token"]), 401)


# ----- how sessions end -----
def test_refresh_tokens_live_as_long_as_the_session_and_idle_sessions_end(local_api: ApiClient) -> None:
    _, tokens = new_account(local_api)
    claims = jwt.decode(tokens["refresh_token"], options={"verify_signature": False})
    assert claims["exp"] - claims["iat"] == 30 * 86_400
    session = session_of(tokens["refresh_token"])
    assert session["expires_at"] - session["created_at"] <= timedelta(days=7)  # idle expiry
    collection("sessions").update_one(
        {"_id": session["_id"]}, {"$set": {"expires_at": datetime.now(UTC) - timedelta(seconds=1)}}
    )
    assert_fail(refresh(local_api, tokens["refresh_token"]), 401, "log in again")
    assert_fail(profile(local_api, tokens["access_token"]), 401)


def test_each_refresh_extends_the_idle_expiry_but_never_past_the_lifetime(local_api: ApiClient) -> None:
    _, tokens = new_account(local_api)
    session = session_of(tokens["refresh_token"])
    soon = datetime.now(UTC) + timedelta(hours=1)
    collection("sessions").update_one({"_id": session["_id"]}, {"$set": {"expires_at": soon}})
    data(refresh(local_api, tokens["refresh_token"]))
    extended = session_of(tokens["refresh_token"])["expires_at"]
    assert extended > soon + timedelta(days=6)
    collection("sessions").update_one({"_id": session["_id"]}, {"$set": {"ends_at": soon}})
    after_the_leeway(tokens["refresh_token"])
    data(refresh(local_api, tokens["refresh_token"]))
    assert session_of(tokens["refresh_token"])["expires_at"] <= soon


def test_the_absolute_lifetime_is_configurable_and_ends_the_session(local_api: ApiClient, configure: Configure) -> None:
    configure(SESSION_MAX_AGE_SECONDS="7200")
    _, tokens = new_account(local_api)
    claims = jwt.decode(tokens["refresh_token"], options={"verify_signature": False})
    assert claims["exp"] - claims["iat"] == 7200
    assert session_of(tokens["refresh_token"])["expires_at"] <= session_of(tokens["refresh_token"])["ends_at"]
    sid = claims["sid"]
    past = datetime.now(UTC) - timedelta(seconds=1)
    collection("sessions").update_one({"_id": sid}, {"$set": {"ends_at": past, "expires_at": past}})
    assert_fail(refresh(local_api, tokens["refresh_token"]), 401, "log in again")


def test_logout_ends_a_session_whose_client_keeps_the_login_token(local_api: ApiClient) -> None:
    _, tokens = new_account(local_api)
    access = data(refresh(local_api, tokens["refresh_token"]))["access_token"]
    assert local_api.request("DELETE", "/api/auth/logout", headers=bearer(access)).status == 200
    assert_fail(refresh(local_api, tokens["refresh_token"]), 401)


def test_other_sessions_survive_a_reuse_in_one_session(local_api: ApiClient) -> None:
    email, tokens = new_account(local_api)
    other = login(local_api, email).json()["data"]
    first = data(refresh(local_api, tokens["refresh_token"]))
    data(refresh(local_api, first["refresh_token"]))
    after_the_leeway(tokens["refresh_token"])
    assert_fail(refresh(local_api, first["refresh_token"]), 401)
    assert profile(local_api, other["access_token"]).status == 200
    assert data(refresh(local_api, other["refresh_token"]))["access_token"]
