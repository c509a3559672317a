"""`make run` serves a browser client on another origin with no other step (as a new user runs it)."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from dev.localapi.__main__ import DEFAULT_PORT, parameter_overrides
from tests.http_client import ApiClient

ROOT = Path(__file__).resolve().parents[2]
WEB_CLIENT = "http://localhost:3000"

pytestmark = pytest.mark.integration


@dataclass
class RunningApi:
    api: ApiClient
    output: list[str]  # what `make run` printed so far (stdout and stderr)

    def wait_for_output(self, pattern: str, timeout_s: float = 10) -> re.Match[str]:
        return wait_for_line(self.output, pattern, timeout_s)


def wait_for_line(output: list[str], pattern: str, timeout_s: float) -> re.Match[str]:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        for line in list(output):
            found = re.search(pattern, line)
            if found:
                return found
        time.sleep(0.05)
    raise AssertionError(f"{pattern!r} not printed; output:\n" + "".join(output))


@contextmanager
def make_run(**environment: str) -> Iterator[RunningApi]:
    """`make run` on a free port, in its own process group, with `environment` added."""
    env = {k: v for k, v in os.environ.items() if k not in ("AWS_ENDPOINT_URL", "QUEUE_URL", "FRONTEND_URL")}
    process = subprocess.Popen(
        ["make", "-s", "run", "PORT=0"],
        cwd=ROOT,
        env={**env, **environment},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    output: list[str] = []
    stream = process.stdout
    assert stream is not None

    def collect() -> None:
        for line in stream:
            output.append(line)

    threading.Thread(target=collect, daemon=True).start()
    try:
        url = wait_for_line(output, r"FinSight local API on (http://\S+)", timeout_s=60).group(1)
        yield RunningApi(ApiClient(url, stack=None), output)  # type: ignore[arg-type] # no stack: another process
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=10)


@pytest.fixture(scope="module")
def default_run() -> Iterator[RunningApi]:
    with make_run() as running:
        yield running


def preflight(api: ApiClient, origin: str) -> dict[str, str]:
    response = api.request(
        "OPTIONS",
        "/api/auth/login",
        headers={
            "Origin": origin,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type",
        },
    )
    assert response.status == 204
    return response.headers


@pytest.mark.parametrize("origin", [WEB_CLIENT, "http://127.0.0.1:3000"])
def test_by_default_the_web_client_on_port_3000_may_call_the_api(default_run: RunningApi, origin: str) -> None:
    assert preflight(default_run.api, origin)["access-control-allow-origin"] == origin
    health = default_run.api.get("/health", headers={"Origin": origin})
    assert health.status == 200
    assert health.headers["access-control-allow-origin"] == origin


def test_other_origins_get_no_cors_headers_by_default(default_run: RunningApi) -> None:
    assert "access-control-allow-origin" not in preflight(default_run.api, "https://evil.example.net")


def test_allowed_origins_and_the_frontend_url_come_from_the_environment() -> None:
    with make_run(
        ALLOWED_ORIGINS="http://192.168.1.20:8080, https://app.example.com", FRONTEND_URL="http://192.168.1.20:8080"
    ) as running:
        for origin in ("http://192.168.1.20:8080", "https://app.example.com"):
            assert preflight(running.api, origin)["access-control-allow-origin"] == origin
        assert "access-control-allow-origin" not in preflight(running.api, WEB_CLIENT)
        email = f"origin-{uuid.uuid4().hex[:10]}@example.com"
        body = {"email": email, "password": "Str0ng!Pass"}
        assert running.api.post("/api/auth/register", json_body=body).status == 201
        assert running.api.post("/api/auth/forgot-password", json_body={"email": email}).status == 200
        running.wait_for_output(r"http://192\.168\.1\.20:8080/reset-password\?token=")


def test_the_api_defaults_to_port_5000_beside_the_web_clients_3000() -> None:
    assert DEFAULT_PORT == 5000
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert "PORT ?= 5000" in makefile


def test_explicit_parameters_win_over_the_environment() -> None:
    environ = {"ALLOWED_ORIGINS": "http://a.example", "FRONTEND_URL": " ", "PATH": "/bin"}
    assert parameter_overrides(environ, []) == {"AllowedOrigins": "http://a.example"}
    assert parameter_overrides(environ, ["AllowedOrigins=http://b.example"]) == {"AllowedOrigins": "http://b.example"}
