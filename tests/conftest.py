"""Shared fixtures: events from `events/`, a Lambda context, the local gateway over HTTP."""

from __future__ import annotations

import copy
import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from dev.localapi.events import LambdaContext
from tests.http_client import ApiClient

ROOT = Path(__file__).resolve().parents[1]
EVENTS = ROOT / "events"

os.environ.setdefault("POWERTOOLS_TRACE_DISABLED", "true")
os.environ.setdefault("POWERTOOLS_METRICS_DISABLED", "true")
os.environ.setdefault("POWERTOOLS_LOG_LEVEL", "WARNING")
os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")


def load_event(name: str) -> dict[str, Any]:
    """A fresh copy of `events/<name>.json` (the same files `sam local invoke -e` takes)."""
    event: dict[str, Any] = json.loads((EVENTS / f"{name}.json").read_text(encoding="utf-8"))
    return copy.deepcopy(event)


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
