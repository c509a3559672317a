"""The calls the FinSight web client makes, in its order and shape, asserting what it reads.

The client (Next.js, `Pranavchikte/finsight_ai_frontend`) talks to `<NEXT_PUBLIC_BACKEND_URL>` = `.../api`
through one axios instance (`lib/api.ts`): the access token from its storage on every request; on a 401
from anything but the auth routes it posts the refresh token it got at login (never a rotated one) to
`/auth/refresh`, stores the new access token and retries once, one refresh per failed request; if the
refresh fails it drops both tokens and sends the user to the login page. Its pages call
`category.toLowerCase()` and `amount.toFixed()` on every row they show. `WebClient` below behaves the
same way, so these tests fail where the real client would break.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote
from zoneinfo import ZoneInfo

import jwt
import pytest

from finsight.accounts.tokens import TokenType, issue_token
from finsight.platform import db
from finsight.platform.db import Document
from finsight.transactions.categories import list_categories
from tests.helpers import mail_to
from tests.http_client import ApiClient, HttpResponse

pytestmark = [pytest.mark.integration, pytest.mark.usefixtures("no_rate_history")]

PASSWORD = "Str0ng!Pass"
CATEGORIES = [category.value for category in list_categories()]
NO_BODY = object()


class LoggedOutError(Exception):
    """The client gave up on the session and sent the user to the login page."""


class WebClient:
    """The web client's HTTP behaviour (lib/api.ts), with its localStorage."""

    AUTH_ROUTES = ("/auth/login", "/auth/register", "/auth/forgot-password", "/auth/reset-password")

    def __init__(self, api: ApiClient) -> None:
        self.api = api
        self.storage: dict[str, str] = {}
        self.logged_out = False
        self.refreshes = 0
        self.lock = threading.Lock()

    def call(self, method: str, path: str, *, params: dict[str, Any] | None = None, body: Any = NO_BODY) -> Any:
        """The answer's `data`, or raise `LoggedOutError`; a 4xx other than 401 is returned as the response."""
        response = self._send(method, path, params, body)
        if response.status == 401 and not any(route in path for route in self.AUTH_ROUTES):
            access = self._refresh()
            response = self._send(method, path, params, body, access=access)
        return response

    def data(self, method: str, path: str, **kwargs: Any) -> Any:
        response = self.call(method, path, **kwargs)
        assert response.status < 300, f"{method} {path}: {response.status} {response.text}"
        body = response.json()
        assert body["status"] == "success"
        return body["data"]

    def _send(
        self, method: str, path: str, params: dict[str, Any] | None, body: Any, access: str | None = None
    ) -> HttpResponse:
        headers = {}
        token = access or self.storage.get("access_token")
        if token:
            headers["Authorization"] = f"Bearer {token}"
        url = "/api" + path + (axios_query(params) if params else "")
        if body is NO_BODY:
            return self.api.request(method, url, headers=headers)
        return self.api.request(method, url, json_body=body, headers=headers)

    def _refresh(self) -> str:
        refresh_token = self.storage.get("refresh_token")
        if not refresh_token:
            raise LoggedOutError("no refresh token")
        with self.lock:
            self.refreshes += 1
        response = self.api.post(
            "/api/auth/refresh", json_body={}, headers={"Authorization": f"Bearer {refresh_token}"}
        )
        if response.status != 200:
            self.storage.clear()
            self.logged_out = True
            raise LoggedOutError(response.text)
        access: str = response.json()["data"]["access_token"]
        self.storage["access_token"] = access  # the refresh token it keeps is still the login one
        return access

    # ----- the client's flows -----
    def sign_up_and_log_in(self, email: str) -> None:
        response = self.call("POST", "/auth/register", body={"email": email, "password": PASSWORD})
        assert response.status == 201, response.text
        tokens = self.data("POST", "/auth/login", body={"email": email, "password": PASSWORD})
        assert isinstance(tokens["access_token"], str)
        assert isinstance(tokens["refresh_token"], str)
        self.storage.update(access_token=tokens["access_token"], refresh_token=tokens["refresh_token"])

    def dashboard(self) -> dict[str, Any]:
        """Profile, summary and budgets at once (Promise.all), then the transactions."""
        with ThreadPoolExecutor(3) as pool:
            profile, summary, budgets = pool.map(
                lambda path: self.data("GET", path), ["/auth/profile", "/transactions/summary", "/budgets/"]
            )
        assert_profile(profile)
        assert is_number(summary["current_month_spend"])
        assert isinstance(budgets, list)
        for budget in budgets:
            assert_budget(budget)
        page = self.data("GET", "/transactions/")
        assert_rows(page["transactions"])
        return {"profile": profile, "summary": summary, "budgets": budgets, "transactions": page["transactions"]}

    def add(self, payload: dict[str, Any]) -> dict[str, Any]:
        response = self.call("POST", "/transactions/", body=payload)
        assert response.status in (201, 202), response.text
        row: dict[str, Any] = response.json()["data"]
        assert_row(row)
        return row

    def wait_for_entry(self, transaction_id: str, timeout_s: float = 10) -> dict[str, Any]:
        """Poll the status (the dashboard does every 3 s), then read the final transaction."""
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            status = self.data("GET", f"/transactions/{transaction_id}/status")
            assert status["status"] in ("processing", "completed", "failed")
            if status["status"] != "processing":
                final: dict[str, Any] = self.data("GET", f"/transactions/{transaction_id}")
                assert_row(final)
                return final
            time.sleep(0.05)
        raise AssertionError(f"{transaction_id} still processing")


def axios_query(params: dict[str, Any]) -> str:
    """Query string as axios writes it: every key, empty values too; ':' '$' ',' '[' ']' left as they are."""
    return "?" + "&".join(f"{key}={quote(str(value), safe=':$,[]')}" for key, value in params.items())


def is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def assert_row(row: dict[str, Any]) -> None:
    """What the web client reads of a transaction row (it crashes on a null category or amount)."""
    assert isinstance(row["_id"], str)
    assert len(row["_id"]) == 24
    assert is_number(row["amount"]), row
    assert row["category"] in CATEGORIES, row
    assert isinstance(row["description"], str), row
    assert row["description"], row
    assert datetime.fromisoformat(row["date"]).tzinfo is not None
    assert row.get("status", "completed") in ("processing", "completed", "failed")


def assert_rows(rows: list[dict[str, Any]]) -> None:
    assert isinstance(rows, list)
    for row in rows:
        assert_row(row)


def assert_profile(profile: dict[str, Any]) -> None:
    assert isinstance(profile["_id"], str)
    assert isinstance(profile["email"], str)
    assert "@" in profile["email"]
    assert is_number(profile["income"])


def assert_budget(budget: dict[str, Any]) -> None:
    assert isinstance(budget["_id"], str)
    assert budget["category"] in CATEGORIES
    assert is_number(budget["limit"])
    assert is_number(budget["current_spend"])
    assert isinstance(budget["month"], int)
    assert isinstance(budget["year"], int)


def browser_now() -> datetime:
    """`new Date()` in a browser in India, where the users of these tests live (their profile's zone)."""
    return datetime.now(ZoneInfo("Asia/Kolkata"))


def month_range_like_the_history_page(now: datetime) -> dict[str, str]:
    """`new Date(y, m, 1).toISOString()` and the month's last second, as the history page sends them."""
    start = now.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    end = (start + timedelta(days=32)).replace(day=1) - timedelta(seconds=1)
    return {"start_date": js_iso(start), "end_date": js_iso(end)}


def js_iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def expire_access_token(client: WebClient) -> None:
    """Put an access token of the same session that expired a minute ago in the client's storage."""
    claims = jwt.decode(client.storage["access_token"], options={"verify_signature": False})
    expired, _ = issue_token(
        claims["sub"], claims["sid"], TokenType.ACCESS, now=datetime.now(UTC) - timedelta(minutes=16)
    )
    client.storage["access_token"] = expired


def let_the_leeway_pass(client: WebClient) -> None:
    """What 15 minutes between two refreshes do to the session, without waiting for them."""
    sid = jwt.decode(client.storage["refresh_token"], options={"verify_signature": False})["sid"]
    sessions = db.get_database()["sessions"]
    rotated_at = cast(Document, sessions.find_one({"_id": sid}))["rotated_at"]
    if rotated_at is not None:
        sessions.update_one({"_id": sid}, {"$set": {"rotated_at": rotated_at - timedelta(minutes=15)}})


@pytest.fixture
def client(local_api: ApiClient) -> WebClient:
    web = WebClient(local_api)
    web.sign_up_and_log_in(f"web-{time.monotonic_ns()}@example.com")
    return web


# ----- sign-up, login, dashboard -----
def test_sign_up_login_and_the_dashboards_parallel_loads(client: WebClient) -> None:
    dashboard = client.dashboard()
    assert dashboard["summary"]["current_month_spend"] == 0
    assert dashboard["transactions"] == []
    assert client.data("GET", "/transactions/categories") == CATEGORIES


# ----- AI entries, and what the pages read afterwards -----
def test_an_ai_entry_that_completes_and_one_that_fails_then_list_history_and_summary(client: WebClient) -> None:
    accepted = client.add({"mode": "ai", "text": "Bought groceries from Walmart for 450.50"})
    assert accepted["status"] == "processing"
    done = client.wait_for_entry(accepted["_id"])
    assert (done["status"], done["amount"], done["category"]) == ("completed", 450.5, "Groceries")

    failing = client.add({"mode": "ai", "text": "bought some stuff for the house"})
    assert (failing["status"], failing["amount"], failing["category"]) == ("processing", 0, "Other")
    failed = client.wait_for_entry(failing["_id"])
    assert (failed["status"], failed["amount"], failed["category"]) == ("failed", 0, "Other")
    assert failed["description"] == "bought some stuff for the house"

    # After reload: the dashboard and the transactions page list both rows, and every row is readable.
    dashboard = client.dashboard()
    assert {row["_id"] for row in dashboard["transactions"]} == {accepted["_id"], failing["_id"]}
    assert dashboard["summary"]["current_month_spend"] == 450.5  # only the completed one counts
    page = client.data("GET", "/transactions/", params={"search": "", "category": "", "page": 1, "limit": 50})
    assert_rows(page["transactions"])
    history = client.data("GET", "/transactions/history", params=month_range_like_the_history_page(browser_now()))
    for day in history:
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", day["date"])
        assert is_number(day["total_spend"])
        assert_rows(day["transactions"])
    assert sum(day["total_spend"] for day in history) == 450.5


def test_a_manual_entry_and_a_budget_show_on_the_dashboard(client: WebClient) -> None:
    categories = client.data("GET", "/transactions/categories")
    row = client.add({"mode": "manual", "description": "Dinner", "amount": 450.5, "category": categories[0]})
    assert (row["status"], row["amount"], row["category"]) == ("completed", 450.5, "Food & Dining")
    now = browser_now()
    budget = client.call(
        "POST", "/budgets/", body={"category": "Food & Dining", "limit": 5000, "month": now.month, "year": now.year}
    )
    assert budget.status == 201, budget.text
    assert_budget(budget.json()["data"])
    dashboard = client.dashboard()
    [listed] = dashboard["budgets"]
    assert (listed["limit"], listed["current_spend"]) == (5000, 450.5)


# ----- the transactions page -----
def test_the_transactions_page_searches_filters_sorts_pages_and_deletes(client: WebClient) -> None:
    base = {"mode": "manual", "category": "Food & Dining"}
    for n in range(55):
        client.add({**base, "description": f"coffee {n}" if n % 5 == 0 else f"lunch {n}", "amount": n + 1})
    client.add({"mode": "manual", "description": "Taxi home", "amount": 300, "category": "Transportation"})
    filters = {"search": "", "category": "", "sort_by": "date", "sort_order": "desc"}

    first = client.data("GET", "/transactions/", params={**filters, "page": 1, "limit": 50})
    assert (len(first["transactions"]), first["pagination"]["pages"]) == (50, 2)
    second = client.data("GET", "/transactions/", params={**filters, "page": 2, "limit": 50})
    assert len(second["transactions"]) == 6
    assert not {r["_id"] for r in first["transactions"]} & {r["_id"] for r in second["transactions"]}

    coffee = client.data("GET", "/transactions/", params={**filters, "search": "COFFEE", "page": 1, "limit": 50})
    assert len(coffee["transactions"]) == 11
    taxis = client.data(
        "GET", "/transactions/", params={**filters, "category": "Transportation", "page": 1, "limit": 50}
    )
    assert [r["description"] for r in taxis["transactions"]] == ["Taxi home"]
    today = (
        browser_now().date().isoformat()
    )  # the date picker's day is the browser's (UTC's is a day behind after 18:30)
    ranged = {**filters, "min_amount": "10", "max_amount": "20", "start_date": "2020-01-01", "end_date": today}
    by_amount = client.data(
        "GET", "/transactions/", params={**ranged, "sort_by": "amount", "sort_order": "asc", "page": 1, "limit": 50}
    )
    assert [r["amount"] for r in by_amount["transactions"]] == list(range(10, 21))

    deleted = client.call("DELETE", f"/transactions/{taxis['transactions'][0]['_id']}")
    assert deleted.status == 200
    assert isinstance(deleted.json()["data"]["message"], str)
    after = client.data(
        "GET", "/transactions/", params={**filters, "category": "Transportation", "page": 1, "limit": 50}
    )
    assert after["transactions"] == []


# ----- income and AI insights -----
def test_income_and_an_ai_insight(client: WebClient) -> None:
    assert client.data("POST", "/auth/profile", body={"income": 85000})["income"] == 85000
    client.add({"mode": "manual", "description": "Rent", "amount": 20000, "category": "Housing"})
    task = client.data("POST", "/ai/summary")
    assert isinstance(task["task_id"], str)
    second = client.call("POST", "/ai/summary")
    if second.status == HTTPStatus.ACCEPTED:  # the local worker finished the first before this arrived: a new one
        assert client.data("GET", f"/ai/summary/result/{task['task_id']}")["status"] == "completed"
    else:  # the card says "already in progress" (held worker: tests/integration/test_ai_summary.py)
        assert second.status == HTTPStatus.TOO_MANY_REQUESTS
    deadline = time.monotonic() + 10
    while True:
        result = client.data("GET", f"/ai/summary/result/{task['task_id']}")
        if result["status"] in ("completed", "failed") or time.monotonic() > deadline:
            break
        time.sleep(0.05)
    assert result["status"] == "completed"
    assert isinstance(result["summary"], str)
    assert result["summary"]


# ----- staying logged in -----
def test_three_parallel_refreshes_with_the_login_token_after_the_access_token_expired(client: WebClient) -> None:
    expire_access_token(client)
    client.dashboard()  # three 401s at once, three refreshes at once, three retries
    assert client.refreshes >= 3
    assert not client.logged_out


def test_a_session_lasts_across_many_access_token_expiries(client: WebClient) -> None:
    login_refresh_token = client.storage["refresh_token"]
    for _ in range(20):  # five hours of 15-minute access tokens
        let_the_leeway_pass(client)
        expire_access_token(client)
        client.dashboard()
    assert not client.logged_out
    assert client.refreshes >= 20  # at least one per expiry (parallel requests may find a fresh token stored)
    assert client.storage["refresh_token"] == login_refresh_token


def test_only_logout_ends_it(client: WebClient) -> None:
    expire_access_token(client)
    client.dashboard()
    logout = client.call("DELETE", "/auth/logout")
    assert logout.status == 200
    assert isinstance(logout.json()["data"]["message"], str)
    with pytest.raises(LoggedOutError):
        client.data("GET", "/auth/profile")
    assert client.logged_out


# ----- forgot and reset password -----
def test_forgot_and_reset_password_then_the_old_session_ends_and_the_new_password_works(
    client: WebClient, local_api: ApiClient
) -> None:
    email = client.data("GET", "/auth/profile")["email"]
    anonymous = WebClient(local_api)
    message = anonymous.data("POST", "/auth/forgot-password", body={"email": email})["message"]
    assert isinstance(message, str)
    [mail] = mail_to(local_api, email)  # sent by the mail worker
    token = re.search(r"/reset-password\?token=([A-Za-z0-9_-]+)", mail.body).group(1)  # type: ignore[union-attr]
    assert anonymous.data("POST", "/auth/reset-password", body={"token": token, "password": "N3w!Password"})

    expire_access_token(client)
    with pytest.raises(LoggedOutError):
        client.dashboard()
    wrong = anonymous.call("POST", "/auth/login", body={"email": email, "password": PASSWORD})
    assert wrong.status == 401  # the login form says "Invalid email or password."
    assert anonymous.data("POST", "/auth/login", body={"email": email, "password": "N3w!Password"})["access_token"]


def run_concurrently(actions: list[Callable[[], Any]]) -> list[Any]:
    with ThreadPoolExecutor(len(actions)) as pool:
        return [future.result() for future in [pool.submit(action) for action in actions]]


def test_two_tabs_share_one_storage_and_stay_logged_in(client: WebClient) -> None:
    # Two open pages refresh at the same moment with the same stored tokens.
    for _ in range(5):
        let_the_leeway_pass(client)
        expire_access_token(client)
        run_concurrently([client.dashboard, client.dashboard])
    assert not client.logged_out
