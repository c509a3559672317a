"""The one Logger, Tracer and Metrics every function shares (configured by POWERTOOLS_* variables)."""

from __future__ import annotations

import contextlib
import os
import warnings
from collections.abc import Generator, Sequence
from typing import Any

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.tracing.base import BaseProvider, BaseSegment

# Most invocations publish only the cold-start metric; Powertools warns about that on every call.
warnings.filterwarnings("ignore", message="No application metrics to publish", category=UserWarning)


class _NoOpSegment(BaseSegment):
    def close(self, end_time: int | None = None) -> None: ...
    def add_subsegment(self, subsegment: Any) -> None: ...
    def remove_subsegment(self, subsegment: Any) -> None: ...
    def put_annotation(self, key: str, value: Any) -> None: ...
    def put_metadata(self, key: str, value: Any, namespace: str = "default") -> None: ...
    def add_exception(self, exception: BaseException, stack: Any, remote: bool = False) -> None: ...


class _NoOpProvider(BaseProvider):
    """Stands in for the X-Ray SDK when tracing is off, so it is never imported (it costs ~250 ms)."""

    @contextlib.contextmanager
    def in_subsegment(self, name: Any = None, **kwargs: Any) -> Generator[BaseSegment, None, None]:
        yield _NoOpSegment()

    @contextlib.asynccontextmanager
    async def in_subsegment_async(self, name: Any = None, **kwargs: Any) -> Any:
        yield _NoOpSegment()

    def put_annotation(self, key: str, value: Any) -> None: ...
    def put_metadata(self, key: str, value: Any, namespace: str = "default") -> None: ...
    def patch(self, modules: Sequence[str]) -> None: ...
    def patch_all(self) -> None: ...


def _create_tracer() -> Tracer:
    # Same rule as Powertools: off when POWERTOOLS_TRACE_DISABLED is true or outside Lambda.
    if Tracer._is_tracer_disabled():
        return Tracer(disabled=True, provider=_NoOpProvider())
    # No patch_all: it imports and wraps a dozen libraries; `trace_calls_of` patches on first use.
    return Tracer(auto_patch=False)


# Explicit fallbacks: without a namespace Powertools fails the whole invocation when it flushes.
SERVICE_NAME = os.environ.get("POWERTOOLS_SERVICE_NAME") or "finsight"
METRICS_NAMESPACE = os.environ.get("POWERTOOLS_METRICS_NAMESPACE") or "FinSight"

logger = Logger(service=SERVICE_NAME)
tracer = _create_tracer()
metrics = Metrics(namespace=METRICS_NAMESPACE, service=SERVICE_NAME)

_patched: set[str] = set()


def trace_calls_of(library: str) -> None:
    """Make X-Ray record calls through `library` ("pymongo", "botocore"); call before creating a client."""
    if library not in _patched:
        tracer.patch([library])
        _patched.add(library)
