"""What login and profile are made of: the route beside the bcrypt check or the database calls inside it."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING, Any

from dev.bench.calls import PASSWORD, invoke, jwt_claims
from dev.bench.events import request_event
from dev.bench.report import Report
from dev.bench.timing import timed

if TYPE_CHECKING:
    from dev.localapi.stack import LocalStack

Row = tuple[str, float, float]


def _public_rows(stack: LocalStack, iterations: int) -> list[Row]:
    return [
        (name, *timed(partial(invoke, stack, function, request_event(name)), iterations, 20))
        for function, name in (("CategoriesFunction", "categories"), ("HealthFunction", "health"))
    ]


def _login_rows(stack: LocalStack, credentials: dict[str, str], login_iterations: int) -> list[Row]:
    from finsight.accounts.passwords import hash_password, verify_password

    login = partial(invoke, stack, "LoginFunction", request_event("login", body=credentials))
    password_hash = hash_password(credentials["password"])
    bcrypt_check = partial(verify_password, credentials["password"], password_hash)
    return [
        ("login", *timed(login, login_iterations, 2)),
        ("  bcrypt check alone", *timed(bcrypt_check, login_iterations, 2)),
    ]


def _refresh_row(stack: LocalStack, refresh_token: str, iterations: int) -> Row:
    current = {"refresh": refresh_token}

    def refresh() -> None:
        data = invoke(stack, "RefreshFunction", request_event("refresh", body={}, token=current["refresh"]))["data"]
        current["refresh"] = data["refresh_token"]

    return ("refresh", *timed(refresh, iterations, 20))


def _profile_rows(stack: LocalStack, access_token: str, iterations: int) -> list[Row]:
    from finsight.accounts.sessions import SessionRepository
    from finsight.accounts.users import UserRepository
    from finsight.platform.db import get_database

    profile = partial(invoke, stack, "GetProfileFunction", request_event("get_profile", token=access_token))
    claims = jwt_claims(access_token)
    database = get_database()

    def database_calls() -> None:
        SessionRepository(database).active_preferences(claims["sid"], claims["sub"])
        UserRepository(database).get(claims["sub"])

    return [
        ("profile GET", *timed(profile, iterations, 20)),
        ("  its 2 database calls alone", *timed(database_calls, iterations, 20)),
    ]


def warm_latencies(iterations: int, login_iterations: int) -> list[Row]:
    """Warm in-process latency of each benchmarked route (and of what it is made of), in ms."""
    from dev.localapi.stack import LocalStack

    with LocalStack() as stack:
        rows = _public_rows(stack, iterations)
        credentials = {"email": "bench@example.com", "password": PASSWORD}
        invoke(stack, "RegisterFunction", request_event("register", body=credentials), 201)
        rows += _login_rows(stack, credentials, login_iterations)
        tokens: dict[str, Any] = invoke(stack, "LoginFunction", request_event("login", body=credentials))["data"]
        rows.append(_refresh_row(stack, tokens["refresh_token"], iterations))
        rows += _profile_rows(stack, tokens["access_token"], iterations)
    return rows


def breakdown_section(report: Report, iterations: int, login_iterations: int) -> None:
    report.add(
        "### What login and profile are made of",
        "",
        f"{iterations} calls after warm-up; login {login_iterations}, bcrypt at cost 12.",
        "",
    )
    report.table(
        ["request", "median ms", "p95 ms"],
        [
            [name.strip(), f"{median:.2f}", f"{p95:.2f}"]
            for name, median, p95 in warm_latencies(iterations, login_iterations)
        ],
    )
