"""The warm latency and database round trips of every HTTP endpoint.

Each function is invoked in-process on its `events/*.json` event (made valid: a real token, existing ids, a
fresh body where a call consumes one) against the local stack. What a call consumes (a session to end, an id
to delete, a reset token) is made before it, outside the timing.
"""

from __future__ import annotations

import itertools
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from dev.bench.calls import PASSWORD, invoke, sign_up
from dev.bench.events import path_event, request_event
from dev.bench.original import ORIGINAL_PRODUCTION
from dev.bench.report import Report, database_label
from dev.bench.timing import timed

if TYPE_CHECKING:
    from dev.localapi.stack import LocalStack

Event = dict[str, Any]


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
    event: Callable[[], Event]  # called before each timed call, untimed
    status: int = 200
    slow: bool = False  # bcrypt at cost 12 on the way: fewer iterations
    answered: Callable[[dict[str, Any]], None] | None = None  # told each answer (what a call hands back)


class _Fixture:
    """The bench user and what the calls need: its tokens, a transaction, a budget, a summary job."""

    email = "endpoints@example.com"

    def __init__(self, stack: LocalStack) -> None:
        from finsight.platform.db import get_database

        self.stack = stack
        self.database = get_database()
        tokens = sign_up(stack, self.email)
        self.access: str = tokens["access_token"]
        self.refresh: str = tokens["refresh_token"]  # rotated by every refresh call
        self.transaction_id = self.add_manual()
        self._free_months = itertools.product(range(2030, 2101), range(1, 13))  # one new budget per month
        self.budget_id = self.new_budget()
        event = request_event("request_ai_summary", token=self.access, body={})
        self.task_id = str(invoke(stack, "RequestAiSummaryFunction", event, 202)["data"]["task_id"])

    def authorised(self, name: str, body: Any = None) -> Event:
        return request_event(name, token=self.access, body=body)

    def by_id(self, name: str, prefix: str, key: str, value: str, *, suffix: str = "", body: Any = None) -> Event:
        path = f"{prefix}/{value}{suffix}"
        return path_event(name, token=self.access, path=path, parameters={key: value}, body=body)

    def add_manual(self) -> str:
        body = {"mode": "manual", "amount": 120.5, "category": "Groceries", "description": "vegetables"}
        created = invoke(self.stack, "CreateTransactionFunction", self.authorised("create_transaction", body), 201)
        return str(created["data"]["_id"])

    def next_month(self) -> dict[str, int]:
        year, month = next(self._free_months)
        return {"year": year, "month": month}

    def new_budget(self) -> str:
        body = {"category": "Travel", "limit": 5000, **self.next_month()}
        return str(
            invoke(self.stack, "CreateBudgetFunction", self.authorised("create_budget", body), 201)["data"]["_id"]
        )

    def forget_rate_events(self) -> None:
        self.database["rate_events"].delete_many({})

    def login(self) -> dict[str, Any]:
        self.forget_rate_events()
        event = request_event("login", body={"email": self.email, "password": PASSWORD})
        return dict(invoke(self.stack, "LoginFunction", event)["data"])

    def keep_refresh(self, answer: dict[str, Any]) -> None:
        """The sent refresh token is spent: keep the new one."""
        self.refresh = answer["data"]["refresh_token"]

    def free_summary_slot(self) -> None:
        self.database["summary_jobs"].update_many({}, {"$unset": {"active_for": ""}})

    def reset_token(self) -> str:
        """Ask for a password reset and read the token from the mail the mail worker sends."""
        self.forget_rate_events()
        invoke(self.stack, "ForgotPasswordFunction", request_event("forgot_password", body={"email": self.email}))
        while self.stack.poll_once("MailWorkerFunction", "MailQueue"):  # no pollers here: the mail worker, now
            pass
        message = self.stack.sent_mail()[-1]
        token = re.search(r"token=([A-Za-z0-9_-]+)", message.body)
        if token is None:
            raise SystemExit(f"no reset link in the mail: {message.body}")
        return token.group(1)


def _public_cases() -> list[_Case]:
    return [
        _Case("GET /health", "HealthFunction", lambda: request_event("health")),
        _Case("GET /api/transactions/categories", "CategoriesFunction", lambda: request_event("categories")),
        _Case("GET /api/docs", "DocsFunction", lambda: request_event("docs")),
        _Case("GET /api/openapi.json", "DocsFunction", lambda: request_event("openapi")),
        _Case("any unknown route (404)", "NotFoundFunction", lambda: request_event("not_found"), 404),
    ]


def _new_user() -> Event:
    return request_event("register", body={"email": f"r-{uuid.uuid4().hex[:12]}@example.com", "password": PASSWORD})


def _account_cases(f: _Fixture) -> list[_Case]:
    def forgot() -> Event:
        f.forget_rate_events()
        return request_event("forgot_password", body={"email": f.email})

    credentials = {"email": f.email, "password": PASSWORD}
    return [
        _Case("POST /api/auth/register", "RegisterFunction", _new_user, 201, slow=True),
        _Case("POST /api/auth/login", "LoginFunction", lambda: request_event("login", body=credentials), slow=True),
        _Case(
            "POST /api/auth/refresh",
            "RefreshFunction",
            lambda: request_event("refresh", token=f.refresh, body={}),
            answered=f.keep_refresh,
        ),
        _Case(
            "DELETE /api/auth/logout",
            "LogoutFunction",
            lambda: request_event("logout", token=f.login()["access_token"]),
            slow=True,
        ),
        _Case("POST /api/auth/forgot-password", "ForgotPasswordFunction", forgot),
        _Case("GET /api/auth/profile", "GetProfileFunction", lambda: f.authorised("get_profile")),
        _Case(
            "POST /api/auth/profile",
            "UpdateProfileFunction",
            lambda: f.authorised("update_profile", {"income": 85000}),
        ),
    ]


def _transaction_cases(f: _Fixture) -> list[_Case]:
    tx, key = "/api/transactions", "transaction_id"
    manual = {"mode": "manual", "amount": 42.1, "category": "Groceries", "description": "milk"}
    ai = {"mode": "ai", "text": "chai 20 and uber 250"}
    return [
        _Case("GET /api/transactions", "ListTransactionsFunction", lambda: f.authorised("list_transactions")),
        _Case(
            "POST /api/transactions (manual)",
            "CreateTransactionFunction",
            lambda: f.authorised("create_transaction", manual),
            201,
        ),
        _Case(
            "POST /api/transactions (AI)",
            "CreateTransactionFunction",
            lambda: f.authorised("create_transaction", ai),
            202,
        ),
        _Case(
            "GET /api/transactions/{id}",
            "GetTransactionFunction",
            lambda: f.by_id("get_transaction", tx, key, f.transaction_id),
        ),
        _Case(
            "PATCH /api/transactions/{id}",
            "UpdateTransactionFunction",
            lambda: f.by_id("update_transaction", tx, key, f.transaction_id, body={"amount": 130}),
        ),
        _Case(
            "DELETE /api/transactions/{id}",
            "DeleteTransactionFunction",
            lambda: f.by_id("delete_transaction", tx, key, f.add_manual()),
        ),
        _Case(
            "GET /api/transactions/{id}/status",
            "TransactionStatusFunction",
            lambda: f.by_id("transaction_status", tx, key, f.transaction_id, suffix="/status"),
        ),
        _Case(
            "GET /api/transactions/summary", "TransactionSummaryFunction", lambda: f.authorised("transaction_summary")
        ),
        _Case(
            "GET /api/transactions/history", "TransactionHistoryFunction", lambda: f.authorised("transaction_history")
        ),
    ]


def _budget_cases(f: _Fixture) -> list[_Case]:
    prefix, key = "/api/budgets", "budget_id"
    return [
        _Case("GET /api/budgets", "ListBudgetsFunction", lambda: f.authorised("list_budgets")),
        _Case(
            "POST /api/budgets",
            "CreateBudgetFunction",
            lambda: f.authorised("create_budget", {**f.next_month(), "category": "Shopping", "limit": 3000}),
            201,
        ),
        _Case("GET /api/budgets/{id}", "GetBudgetFunction", lambda: f.by_id("get_budget", prefix, key, f.budget_id)),
        _Case(
            "PUT /api/budgets/{id}",
            "UpdateBudgetFunction",
            lambda: f.by_id("update_budget", prefix, key, f.budget_id, body={"limit": 6000}),
        ),
        _Case(
            "DELETE /api/budgets/{id}",
            "DeleteBudgetFunction",
            lambda: f.by_id("delete_budget", prefix, key, f.new_budget()),
        ),
    ]


def _ai_cases(f: _Fixture) -> list[_Case]:
    def summary_request() -> Event:
        f.free_summary_slot()
        return f.authorised("request_ai_summary", {})

    return [
        _Case("POST /api/ai/summary", "RequestAiSummaryFunction", summary_request, 202),
        _Case(
            "GET /api/ai/summary/result/{id}",
            "AiSummaryResultFunction",
            lambda: f.by_id("ai_summary_result", "/api/ai/summary/result", "task_id", f.task_id),
        ),
    ]


def _reset_case(f: _Fixture) -> _Case:
    """Last: a password reset ends every session of the user."""
    return _Case(
        "POST /api/auth/reset-password",
        "ResetPasswordFunction",
        lambda: request_event("reset_password", body={"token": f.reset_token(), "password": PASSWORD}),
        slow=True,
    )


def _measure(stack: LocalStack, case: _Case, iterations: int, client: Any) -> EndpointFigure:
    """Median and p95 of `iterations` calls after warm-up, then the round trips of one more call."""
    from dev.roundtrips import count_round_trips

    prepared: list[Event] = []

    def prepare() -> None:
        prepared[:] = [case.event()]

    def call() -> None:
        answer = invoke(stack, case.function, prepared[0], case.status)
        if case.answered is not None:
            case.answered(answer)

    median, p95 = timed(call, iterations, 1 if case.slow else 5, prepare=prepare)
    prepare()
    with count_round_trips(client) as round_trips:
        call()
    return EndpointFigure(case.route, case.function, case.status, median, p95, round_trips())


def endpoint_latencies(stack: LocalStack, iterations: int, slow_iterations: int) -> list[EndpointFigure]:
    """Every HTTP endpoint: public, accounts, transactions, budgets, AI; the password reset last."""
    from finsight.platform.db import get_client

    f = _Fixture(stack)
    cases = [
        *_public_cases(),
        *_account_cases(f),
        *_transaction_cases(f),
        *_budget_cases(f),
        *_ai_cases(f),
        _reset_case(f),
    ]
    client = get_client()
    return [_measure(stack, case, slow_iterations if case.slow else iterations, client) for case in cases]


def _row(f: EndpointFigure) -> list[str]:
    original = ORIGINAL_PRODUCTION.get(f.route, "-")
    return [f.route, str(f.status), f"{f.median_ms:.2f}", f"{f.p95_ms:.2f}", str(f.round_trips), original]


def endpoint_section(report: Report, iterations: int, slow: int) -> None:
    from dev.localapi.stack import LocalStack

    report.add(
        "## Warm latency per endpoint",
        "",
        f"Each function invoked in-process on its `events/*.json` event ({database_label()}, moto), {iterations} calls",
        f"after warm-up ({slow} where bcrypt at the production cost 12 is on the way); a new user with one",
        "transaction and one budget. Round trips: database commands of one call, token check included",
        "(a `ping` is not counted). What a call consumes (a session, an id, a reset token) is made untimed.",
        "",
    )
    # No queue pollers: the worker would otherwise run beside the requests and into their round trips.
    stack = LocalStack().start(with_pollers=False)
    try:
        figures = endpoint_latencies(stack, iterations, slow)
    finally:
        stack.stop()
    rows = [_row(figure) for figure in figures]
    report.table(["endpoint", "status", "median ms", "p95 ms", "round trips", "original"], rows)
