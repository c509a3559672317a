"""The bench's helpers (an invocable event, an in-process call, timing, a signed-up user), and the warm
latency and database round trips of every HTTP endpoint, each function invoked in-process on its
`events/*.json` event (made valid: a real token, existing ids, a fresh body where a call consumes one)
against the local stack. What a call consumes (a session to end, an id to delete, a reset token) is made
before it, outside the timing.
"""

from __future__ import annotations

import itertools
import json
import re
import statistics
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from dev.localapi.events import sample_event

PASSWORD = "Str0ng!Pass"  # noqa: S105 - the bench user's, on a throwaway local stack


@dataclass(frozen=True)
class EndpointFigure:
    route: str
    function: str
    status: int
    median_ms: float
    p95_ms: float
    round_trips: int


@dataclass
class _Case:
    route: str
    function: str
    event: Callable[[], dict[str, Any]]  # called before each timed call, untimed
    status: int = 200
    slow: bool = False  # bcrypt at cost 12 on the way: fewer iterations


def request_event(
    name: str,
    *,
    token: str | None = None,
    body: Any = None,
    path: str | None = None,
) -> dict[str, Any]:
    event = sample_event(name)
    if token is not None:
        event["headers"]["authorization"] = f"Bearer {token}"
    if body is not None:
        event["body"] = json.dumps(body)
    if path is not None:
        event["rawPath"] = event["requestContext"]["http"]["path"] = path
    return event


def invoke(stack: Any, function: str, event: dict[str, Any], status: int = 200) -> dict[str, Any]:
    """Invoke a function in-process; stop the benchmark if it does not answer `status`. The JSON body, if any."""
    result = stack.invoke(function, event)
    if result.error is not None or result.response["statusCode"] != status:
        raise SystemExit(f"{function} did not answer {status}: {result}")
    body = result.response.get("body") or ""
    return dict(json.loads(body)) if body.startswith("{") else {}


def timed(
    call: Callable[[], Any], iterations: int, warmup: int, prepare: Callable[[], Any] | None = None
) -> tuple[float, float]:
    """Median and p95 (ms) of `iterations` calls after `warmup`; `prepare` runs before each, untimed."""
    samples = []
    for n in range(warmup + iterations):
        if prepare is not None:
            prepare()
        started = time.perf_counter()
        call()
        if n >= warmup:
            samples.append((time.perf_counter() - started) * 1000)
    samples.sort()
    return statistics.median(samples), samples[max(0, int(len(samples) * 0.95) - 1)]


def sign_up(stack: Any, email: str) -> dict[str, Any]:
    """Register `email` and log in: the token pair."""
    credentials = {"email": email, "password": PASSWORD}
    invoke(stack, "RegisterFunction", request_event("register", body=credentials), 201)
    return dict(invoke(stack, "LoginFunction", request_event("login", body=credentials))["data"])


def endpoint_latencies(stack: Any, iterations: int, slow_iterations: int) -> list[EndpointFigure]:  # noqa: PLR0915
    """Every route of the template, in the order of the template's functions."""
    from dev.roundtrips import count_round_trips
    from finsight.platform.db import get_client, get_database

    database = get_database()

    def login(email: str) -> dict[str, Any]:
        database["rate_events"].delete_many({})
        event = request_event("login", body={"email": email, "password": PASSWORD})
        return dict(invoke(stack, "LoginFunction", event)["data"])

    email = "endpoints@example.com"
    tokens = sign_up(stack, email)
    access, refresh = tokens["access_token"], tokens["refresh_token"]
    current_refresh = {"token": refresh}

    def add_manual() -> str:
        body = {"mode": "manual", "amount": 120.5, "category": "Groceries", "description": "vegetables"}
        return str(
            invoke(
                stack, "CreateTransactionFunction", request_event("create_transaction", token=access, body=body), 201
            )["data"]["_id"]
        )

    transaction_id = add_manual()
    free_months = itertools.product(range(2030, 2101), range(1, 13))  # budgets to create: one per month

    def new_budget() -> str:
        year, month = next(free_months)
        body = {"category": "Travel", "limit": 5000, "month": month, "year": year}
        return str(
            invoke(stack, "CreateBudgetFunction", request_event("create_budget", token=access, body=body), 201)["data"][
                "_id"
            ]
        )

    budget_id = new_budget()
    task_id = str(
        invoke(stack, "RequestAiSummaryFunction", request_event("request_ai_summary", token=access, body={}), 202)[
            "data"
        ]["task_id"]
    )

    def free_summary_slot() -> None:
        database["summary_jobs"].update_many({}, {"$unset": {"active_for": ""}})

    def rotated_refresh() -> dict[str, Any]:
        return request_event("refresh", token=current_refresh["token"], body={})

    def fresh_session() -> dict[str, Any]:
        return request_event("logout", token=login(email)["access_token"])

    def reset_event() -> dict[str, Any]:
        database["rate_events"].delete_many({})
        invoke(stack, "ForgotPasswordFunction", request_event("forgot_password", body={"email": email}), 200)
        while stack.poll_once("MailWorkerFunction", "MailQueue"):  # no pollers here: the mail worker, now
            pass
        message = stack.sent_mail()[-1]
        token = re.search(r"token=([A-Za-z0-9_-]+)", message.body)
        if token is None:
            raise SystemExit(f"no reset link in the mail: {message.body}")
        return request_event("reset_password", body={"token": token.group(1), "password": PASSWORD})

    def forgot_event() -> dict[str, Any]:
        database["rate_events"].delete_many({})
        return request_event("forgot_password", body={"email": email})

    def by_id(name: str, prefix: str, key: str, value: str, *, suffix: str = "", body: Any = None) -> dict[str, Any]:
        event = request_event(name, token=access, body=body, path=f"{prefix}/{value}{suffix}")
        event["pathParameters"] = {key: value}
        return event

    tx = "/api/transactions"
    cases = [
        _Case("GET /health", "HealthFunction", lambda: request_event("health")),
        _Case("GET /api/transactions/categories", "CategoriesFunction", lambda: request_event("categories")),
        _Case("GET /api/docs", "DocsFunction", lambda: request_event("docs")),
        _Case("GET /api/openapi.json", "DocsFunction", lambda: request_event("openapi")),
        _Case("any unknown route (404)", "NotFoundFunction", lambda: request_event("not_found"), 404),
        _Case(
            "POST /api/auth/register",
            "RegisterFunction",
            lambda: request_event(
                "register", body={"email": f"r-{uuid.uuid4().hex[:12]}@example.com", "password": PASSWORD}
            ),
            201,
            slow=True,
        ),
        _Case(
            "POST /api/auth/login",
            "LoginFunction",
            lambda: request_event("login", body={"email": email, "password": PASSWORD}),
            slow=True,
        ),
        _Case("POST /api/auth/refresh", "RefreshFunction", rotated_refresh),
        _Case("DELETE /api/auth/logout", "LogoutFunction", fresh_session, slow=True),
        _Case("POST /api/auth/forgot-password", "ForgotPasswordFunction", forgot_event),
        _Case("GET /api/auth/profile", "GetProfileFunction", lambda: request_event("get_profile", token=access)),
        _Case(
            "POST /api/auth/profile",
            "UpdateProfileFunction",
            lambda: request_event("update_profile", token=access, body={"income": 85000}),
        ),
        _Case(
            "GET /api/transactions",
            "ListTransactionsFunction",
            lambda: request_event("list_transactions", token=access),
        ),
        _Case(
            "POST /api/transactions (manual)",
            "CreateTransactionFunction",
            lambda: request_event(
                "create_transaction",
                token=access,
                body={"mode": "manual", "amount": 42.1, "category": "Groceries", "description": "milk"},
            ),
            201,
        ),
        _Case(
            "POST /api/transactions (AI)",
            "CreateTransactionFunction",
            lambda: request_event(
                "create_transaction", token=access, body={"mode": "ai", "text": "chai 20 and uber 250"}
            ),
            202,
        ),
        _Case(
            "GET /api/transactions/{id}",
            "GetTransactionFunction",
            lambda: by_id("get_transaction", tx, "transaction_id", transaction_id),
        ),
        _Case(
            "PATCH /api/transactions/{id}",
            "UpdateTransactionFunction",
            lambda: by_id("update_transaction", tx, "transaction_id", transaction_id, body={"amount": 130}),
        ),
        _Case(
            "DELETE /api/transactions/{id}",
            "DeleteTransactionFunction",
            lambda: by_id("delete_transaction", tx, "transaction_id", add_manual()),
        ),
        _Case(
            "GET /api/transactions/{id}/status",
            "TransactionStatusFunction",
            lambda: by_id("transaction_status", tx, "transaction_id", transaction_id, suffix="/status"),
        ),
        _Case(
            "GET /api/transactions/summary",
            "TransactionSummaryFunction",
            lambda: request_event("transaction_summary", token=access),
        ),
        _Case(
            "GET /api/transactions/history",
            "TransactionHistoryFunction",
            lambda: request_event("transaction_history", token=access),
        ),
        _Case("GET /api/budgets", "ListBudgetsFunction", lambda: request_event("list_budgets", token=access)),
        _Case(
            "POST /api/budgets",
            "CreateBudgetFunction",
            lambda: request_event(
                "create_budget",
                token=access,
                body=dict(zip(("year", "month"), next(free_months), strict=True), category="Shopping", limit=3000),
            ),
            201,
        ),
        _Case(
            "GET /api/budgets/{id}",
            "GetBudgetFunction",
            lambda: by_id("get_budget", "/api/budgets", "budget_id", budget_id),
        ),
        _Case(
            "PUT /api/budgets/{id}",
            "UpdateBudgetFunction",
            lambda: by_id("update_budget", "/api/budgets", "budget_id", budget_id, body={"limit": 6000}),
        ),
        _Case(
            "DELETE /api/budgets/{id}",
            "DeleteBudgetFunction",
            lambda: by_id("delete_budget", "/api/budgets", "budget_id", new_budget()),
        ),
        _Case(
            "POST /api/ai/summary",
            "RequestAiSummaryFunction",
            lambda: (free_summary_slot(), request_event("request_ai_summary", token=access, body={}))[1],
            202,
        ),
        _Case(
            "GET /api/ai/summary/result/{id}",
            "AiSummaryResultFunction",
            lambda: by_id("ai_summary_result", "/api/ai/summary/result", "task_id", task_id),
        ),
        # Last: a password reset ends every session of the user.
        _Case("POST /api/auth/reset-password", "ResetPasswordFunction", reset_event, slow=True),
    ]

    figures = []
    client = get_client()
    for case in cases:
        prepared: dict[str, Any] = {}

        def prepare(case: _Case = case, prepared: dict[str, Any] = prepared) -> None:
            prepared["event"] = case.event()

        def call(case: _Case = case, prepared: dict[str, Any] = prepared) -> None:
            answer = invoke(stack, case.function, prepared["event"], case.status)
            if case.function == "RefreshFunction":  # the sent refresh token is spent: keep the new one
                current_refresh["token"] = answer["data"]["refresh_token"]

        median, p95 = timed(call, slow_iterations if case.slow else iterations, 1 if case.slow else 5, prepare=prepare)
        prepare()
        with count_round_trips(client) as round_trips:
            call()
        figures.append(EndpointFigure(case.route, case.function, case.status, median, p95, round_trips()))
    return figures
