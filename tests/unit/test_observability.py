"""Tracing: X-Ray patches a library once, on first use, instead of patching everything at import."""

from __future__ import annotations

import pytest

from finsight.platform import observability


def test_libraries_are_patched_once_on_first_use(monkeypatch: pytest.MonkeyPatch) -> None:
    patched: list[list[str]] = []
    monkeypatch.setattr(observability, "_patched", set())
    monkeypatch.setattr(observability.tracer, "patch", lambda modules: patched.append(list(modules)))

    observability.trace_calls_of("pymongo")
    observability.trace_calls_of("pymongo")
    observability.trace_calls_of("botocore")

    assert patched == [["pymongo"], ["botocore"]]


def test_tracing_off_never_loads_the_xray_sdk_recorder() -> None:
    import sys

    assert observability.tracer.disabled
    assert "aws_xray_sdk.core" not in sys.modules
