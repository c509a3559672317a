"""Shared fixtures: events from `events/`, a Lambda context, the local gateway over HTTP."""

from __future__ import annotations

import os
import sys
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from dev.localapi.events import LambdaContext, sample_event
from tests.fake_gemini import FakeGemini
from tests.http_client import ApiClient

os.environ.setdefault("POWERTOOLS_TRACE_DISABLED", "true")
os.environ.setdefault("POWERTOOLS_METRICS_DISABLED", "true")
os.environ.setdefault("POWERTOOLS_LOG_LEVEL", "WARNING")
os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")
os.environ.setdefault("BCRYPT_ROUNDS", "4")  # production cost is 12; tests check that default separately
if os.environ.get("MONGODB_URI"):
    # Against a real server the suite works in a database of its own, dropped at the end.
    os.environ["MONGODB_DB_NAME"] = f"finsight_test_{uuid.uuid4().hex[:12]}"


@pytest.fixture(scope="session", autouse=True)
def drop_real_test_database() -> Iterator[None]:
    yield
    if os.environ.get("MONGODB_URI"):
        from pymongo import MongoClient

        client: MongoClient[dict[str, Any]]
        with MongoClient(os.environ["MONGODB_URI"], serverSelectionTimeoutMS=2000) as client:
            client.drop_database(os.environ["MONGODB_DB_NAME"])


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """After the run: the security matrix's table of cases tried and passed, when it ran."""
    matrix = sys.modules.get("tests.integration.test_security_matrix")
    if matrix is not None and matrix.RESULTS:
        for line in ["", *matrix.summary_lines()]:
            terminalreporter.write_line(line)


load_event = sample_event  # the same files `sam local invoke -e` takes


@pytest.fixture
def lambda_context() -> LambdaContext:
    return LambdaContext(function_name="test-function", memory_limit_in_mb=512, timeout_s=10)


@pytest.fixture(scope="module")
def local_api() -> Iterator[ApiClient]:
    """The whole template served by the local gateway on a free port (moto + mongomock)."""
    from dev.localapi.gateway import Gateway
    from dev.localapi.stack import LocalStack

    with LocalStack() as stack:
        gateway = Gateway(stack, port=0).start()
        try:
            yield ApiClient(gateway.url, stack)
        finally:
            gateway.stop()


@pytest.fixture
def no_rate_history(local_api: ApiClient) -> None:
    """Every request in the tests comes from 127.0.0.1: start with no abuse-limit history."""
    from finsight.platform import db

    db.get_database()["rate_events"].delete_many({})


@pytest.fixture
def busy_switching() -> Iterator[None]:
    """Threads switch after almost every bytecode, so the interleavings that can happen do happen."""
    previous = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    yield
    sys.setswitchinterval(previous)


Configure = Callable[..., None]


@pytest.fixture
def configure(monkeypatch: pytest.MonkeyPatch) -> Iterator[Configure]:
    """`configure(NAME="value", ...)`: environment variables the functions read, for this test only; the
    settings are read again now and after the test."""
    from finsight.platform import config

    def apply(**variables: str) -> None:
        for name, value in variables.items():
            monkeypatch.setenv(name, value)
        config.reset_settings()

    yield apply
    monkeypatch.undo()
    config.reset_settings()


@pytest.fixture
def queue_down(configure: Configure) -> None:
    """The AI queue does not answer (its URL points nowhere)."""
    configure(QUEUE_URL="http://127.0.0.1:1/123456789012/absent")


@pytest.fixture
def gemini(configure: Configure) -> Iterator[FakeGemini]:
    """The worker talks to a fake Gemini: a key is configured and the SDK's base URL points at the fake."""
    server = FakeGemini()
    # A new key: a new cached client.
    configure(GEMINI_API_KEY=f"key-{uuid.uuid4().hex}", GOOGLE_GEMINI_BASE_URL=server.url, GEMINI_ATTEMPTS="1")
    yield server
    server.stop()
