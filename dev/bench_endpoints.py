"""Warm latency and database round trips of every HTTP endpoint, each function invoked in-process on its
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


def _request(
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


def _call(stack: Any, function: str, event: dict[str, Any], status: int) -> dict[str, Any]:
    result = stack.invoke(function, event)
    if result.error is not None or result.response["statusCode"] != status:
        raise SystemExit(f"{function} did not answer {status}: {result}")
    body = result.response.get("body") or ""
    return dict(json.loads(body)) if body.startswith("{") else {}


def endpoint_latencies(stack: Any, iterations: int, slow_iterations: int) -> list[EndpointFigure]:  # noqa: PLR0915
    """Every route of the template, in the order of the template's functions."""
    from dev.roundtrips import count_round_trips
    from finsight.db import get_client, get_database

    database = get_database()

    def register(email: str) -> None:
        _call(stack, "RegisterFunction", _request("register", body={"email": email, "password": PASSWORD}), 201)

    def login(email: str) -> dict[str, Any]:
        database["rate_events"].delete_many({})
        event = _request("login", body={"email": email, "password": PASSWORD})
        return dict(_call(stack, "LoginFunction", event, 200)["data"])

    email = "endpoints@example.com"
    register(email)
    tokens = login(email)
    access, refresh = tokens["access_token"], tokens["refresh_token"]
    current_refresh = {"token": refresh}

    def add_manual() -> str:
        body = {"mode": "manual", "amount": 120.5, "category": "Groceries", "description": "vegetables"}
        return str(
            _call(stack, "CreateTransactionFunction", _request("create_transaction", token=access, body=body), 201)[
                "data"
            ]["_id"]
        )

    transaction_id = add_manual()
    free_months = itertools.product(range(2030, 2101), range(1, 13))  # budgets to create: one per month

    def new_budget() -> str:
        year, month = next(free_months)
        body = {"category": "Travel", "limit": 5000, "month": month, "year": year}
        return str(
            _call(stack, "CreateBudgetFunction", _request("create_budget", token=access, body=body), 201)["data"]["_id"]
        )

    budget_id = new_budget()
    task_id = str(
        _call(stack, "RequestAiSummaryFunction", _request("request_ai_summary", token=access, body={}), 202)["data"][
            "task_id"
        ]
    )

    def free_summary_slot() -> None:
        database["summary_jobs"].update_many({}, {"$unset": {"active_for": ""}})

    def rotated_refresh() -> dict[str, Any]:
        return _request("refresh", token=current_refresh["token"], body={})

    def fresh_session() -> dict[str, Any]:
        return _request("logout", token=login(email)["access_token"])

    def reset_event() -> dict[str, Any]:
        database["rate_events"].delete_many({})
        _call(stack, "ForgotPasswordFunction", _request("forgot_password", body={"email": email}), 200)
        message = stack.sent_mail()[-1]
        token = re.search(r"token=([A-Za-z0-9_-]+)", message.body)
        if token is None:
            raise SystemExit(f"no reset link in the mail: {message.body}")
        return _request("reset_password", body={"token": token.group(1), "password": PASSWORD})

    def forgot_event() -> dict[str, Any]:
        database["rate_events"].delete_many({})
        return _request("forgot_password", body={"email": email})

    def by_id(name: str, prefix: str, key: str, value: str, *, suffix: str = "", body: Any = None) -> dict[str, Any]:
        event = _request(name, token=access, body=body, path=f"{prefix}/{value}{suffix}")
        event["pathParameters"] = {key: value}
        return event

    tx = "/api/transactions"
    cases = [
        _Case("GET /health", "HealthFunction", lambda: _request("health")),
        _Case("GET /api/transactions/categories", "CategoriesFunction", lambda: _request("categories")),
        _Case("GET /api/docs", "DocsFunction", lambda: _request("docs")),
        _Case("GET /api/openapi.json", "DocsFunction", lambda: _request("openapi")),
        _Case("any unknown route (404)", "NotFoundFunction", lambda: _request("not_found"), 404),
        _Case(
            "POST /api/auth/register",
            "RegisterFunction",
            lambda: _request(
                "register", body={"email": f"r-{uuid.uuid4().hex[:12]}@example.com", "password": PASSWORD}
            ),
            201,
            slow=True,
        ),
        _Case(
            "POST /api/auth/login",
            "LoginFunction",
            lambda: _request("login", body={"email": email, "password": PASSWORD}),
            slow=True,
        ),
        _Case("POST /api/auth/refresh", "RefreshFunction", rotated_refresh),
        _Case("DELETE /api/auth/logout", "LogoutFunction", fresh_session, slow=True),
        _Case("POST /api/auth/forgot-password", "ForgotPasswordFunction", forgot_event),
        _Case("GET /api/auth/profile", "GetProfileFunction", lambda: _request("get_profile", token=access)),
        _Case(
            "POST /api/auth/profile",
            "UpdateProfileFunction",
            lambda: _request("update_profile", token=access, body={"income": 85000}),
        ),
        _Case("GET /api/transactions", "ListTransactionsFunction", lambda: _request("list_transactions", token=access)),
        _Case(
            "POST /api/transactions (manual)",
            "CreateTransactionFunction",
            lambda: _request(
                "create_transaction",
                token=access,
                body={"mode": "manual", "amount": 42.1, "category": "Groceries", "description": "milk"},
            ),
            201,
        ),
        _Case(
            "POST /api/transactions (AI)",
            "CreateTransactionFunction",
            lambda: _request("create_transaction", token=access, body={"mode": "ai", "text": "chai 20 and uber 250"}),
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
            lambda: _request("transaction_summary", token=access),
        ),
        _Case(
            "GET /api/transactions/history",
            "TransactionHistoryFunction",
            lambda: _request("transaction_history", token=access),
        ),
        _Case("GET /api/budgets", "ListBudgetsFunction", lambda: _request("list_budgets", token=access)),
        _Case(
            "POST /api/budgets",
            "CreateBudgetFunction",
            lambda: _request(
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
            lambda: (free_summary_slot(), _request("request_ai_summary", token=access, body={}))[1],
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
        count = slow_iterations if case.slow else iterations
        samples = []
        for n in range(count + (1 if case.slow else 5)):  # the first calls warm up
            event = case.event()
            started = time.perf_counter()
            answer = _call(stack, case.function, event, case.status)
            elapsed = (time.perf_counter() - started) * 1000
            if case.function == "RefreshFunction":
                current_refresh["token"] = answer["data"]["refresh_token"]
            if n >= (1 if case.slow else 5):
                samples.append(elapsed)
        event = case.event()
        with count_round_trips(client) as round_trips:
            answer = _call(stack, case.function, event, case.status)
        if case.function == "RefreshFunction":
            current_refresh["token"] = answer["data"]["refresh_token"]
        samples.sort()
        figures.append(
            EndpointFigure(
                case.route,
                case.function,
                case.status,
                statistics.median(samples),
                samples[max(0, int(len(samples) * 0.95) - 1)],
                round_trips(),
            )
        )
    return figures
