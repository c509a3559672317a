"""Reads over seeded data: transaction lists, summary and history over 1,000 transactions; budgets."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from dev.bench.calls import invoke, jwt_claims, sign_up
from dev.bench.events import path_event, query_event, request_event
from dev.bench.original import ORIGINAL_SAME_SETUP
from dev.bench.report import Report, database_label
from dev.bench.seed import seed_transactions
from dev.bench.timing import timed

if TYPE_CHECKING:
    from dev.localapi.stack import LocalStack

Request = tuple[str, str, dict[str, Any]]  # label, function, event
Row = tuple[str, float, float, int]  # label, median ms, p95 ms, round trips


def _measure(stack: LocalStack, requests: list[Request], iterations: int) -> list[Row]:
    """Median and p95 of each request after warm-up, and the database round trips of one more call."""
    from dev.roundtrips import count_round_trips
    from finsight.platform.db import get_client

    rows = []
    for label, function, event in requests:
        median, p95 = timed(partial(invoke, stack, function, event), iterations, 10)
        with count_round_trips(get_client()) as round_trips:
            invoke(stack, function, event)
        rows.append((label, median, p95, round_trips()))
    return rows


def _transaction_requests(stack: LocalStack, token: str) -> list[Request]:
    def get(name: str, query: str) -> dict[str, Any]:
        return query_event(name, token=token, query=query)

    page_19 = invoke(stack, "ListTransactionsFunction", get("list_transactions", "page=19&limit=50"))
    cursor = page_19["data"]["next_cursor"]
    last_month = (datetime.now(UTC).replace(day=1) - timedelta(days=1)).date()
    history_query = f"start_date={last_month.replace(day=1).isoformat()}&end_date={last_month.isoformat()}"
    return [
        ("list, first page (50)", "ListTransactionsFunction", get("list_transactions", "")),
        ("list, page 20 of 20 (skip)", "ListTransactionsFunction", get("list_transactions", "page=20&limit=50")),
        ("list, page 20 by cursor", "ListTransactionsFunction", get("list_transactions", f"limit=50&cursor={cursor}")),
        ("summary (this month)", "TransactionSummaryFunction", get("transaction_summary", "")),
        ("history (last month)", "TransactionHistoryFunction", get("transaction_history", history_query)),
    ]


def transaction_latencies(iterations: int) -> list[Row]:
    """Warm latency and database round trips of the transaction reads, for one user with 1,000 transactions."""
    from dev.localapi.stack import LocalStack
    from finsight.platform.db import get_database

    with LocalStack() as stack:
        token = sign_up(stack, "ledger@example.com")["access_token"]
        seed_transactions(jwt_claims(token)["sub"], count=1_000, days=90)
        if os.environ.get("MONGODB_URI"):
            from finsight.platform.indexes import apply_indexes

            apply_indexes(get_database())
        return _measure(stack, _transaction_requests(stack, token), iterations)


def _budget_requests(stack: LocalStack, token: str) -> list[Request]:
    """12 budgets (every category) for the user: the list, and the last one alone."""
    from finsight.transactions.categories import Category

    budget_id = ""
    for category in Category:
        event = request_event("create_budget", body={"category": category.value, "limit": 50_000}, token=token)
        budget_id = invoke(stack, "CreateBudgetFunction", event, 201)["data"]["_id"]
    path = f"/api/budgets/{budget_id}"
    one = path_event("get_budget", token=token, path=path, parameters={"budget_id": budget_id})
    return [
        ("budgets, list of 12", "ListBudgetsFunction", query_event("list_budgets", token=token, query="")),
        ("budgets, one", "GetBudgetFunction", one),
    ]


def budget_latencies(iterations: int) -> list[Row]:
    """Budget list of a user with 12 budgets (every category) and 1,000 transactions this month."""
    from dev.localapi.stack import LocalStack
    from finsight.platform.timeutil import month_bounds

    with LocalStack() as stack:
        token = sign_up(stack, "budgets@example.com")["access_token"]
        # All 1,000 in the current month (in the default zone, Asia/Kolkata): every one is summed.
        month_start, _ = month_bounds(datetime.now(UTC), ZoneInfo("Asia/Kolkata"))
        elapsed_days = (datetime.now(UTC) - month_start).total_seconds() / 86_400
        seed_transactions(jwt_claims(token)["sub"], count=1_000, days=elapsed_days * 0.99)
        return _measure(stack, _budget_requests(stack, token), iterations)


def reads_section(report: Report, iterations: int) -> None:
    database = database_label()
    report.add(
        "### Reads over a year of data",
        "",
        "One user with 1,000 completed transactions over 90 days; budgets: 12 budgets and 1,000 transactions all",
        f"this month ({database}). mongomock has no indexes and copies every match before `limit`: read these as",
        "database work; on MongoDB each is an index range scan.",
        "",
    )
    rows = [
        [name, f"{median:.2f}", f"{p95:.2f}", str(trips), ORIGINAL_SAME_SETUP.get(name, "-")]
        for name, median, p95, trips in [*transaction_latencies(iterations), *budget_latencies(iterations)]
    ]
    report.table(["request", "median ms", "p95 ms", "round trips", "original, same set-up"], rows)
