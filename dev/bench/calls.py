"""Calling the local stack: a handler in-process, a signed-up user, and HTTP through the local gateway."""

from __future__ import annotations

import json
import urllib.request
from types import TracebackType
from typing import TYPE_CHECKING, Any

from dev.bench.events import request_event

if TYPE_CHECKING:
    from dev.localapi.gateway import Gateway
    from dev.localapi.stack import LocalStack

PASSWORD = "Str0ng!Pass"  # noqa: S105 - the bench users', on a throwaway local stack


def invoke(stack: LocalStack, function: str, event: dict[str, Any], status: int = 200) -> dict[str, Any]:
    """Invoke a function in-process; stop the benchmark if it does not answer `status`. The JSON body, if any."""
    result = stack.invoke(function, event)
    if result.error is not None or result.response["statusCode"] != status:
        raise SystemExit(f"{function} did not answer {status}: {result}")
    body = result.response.get("body") or ""
    return dict(json.loads(body)) if body.startswith("{") else {}


def sign_up(stack: LocalStack, email: str) -> dict[str, Any]:
    """Register `email` and log in: the token pair."""
    credentials = {"email": email, "password": PASSWORD}
    invoke(stack, "RegisterFunction", request_event("register", body=credentials), 201)
    return dict(invoke(stack, "LoginFunction", request_event("login", body=credentials))["data"])


def jwt_claims(token: str) -> dict[str, Any]:
    """The claims of a token the stack issued (its signature is not checked)."""
    import jwt

    return dict(jwt.decode(token, options={"verify_signature": False}))


class GatewayClient:
    """The local gateway on a free port, for one user: `with GatewayClient(stack, token) as client`."""

    def __init__(self, stack: LocalStack, token: str) -> None:
        self._stack = stack
        self._token = token
        self._gateway: Gateway | None = None

    def __enter__(self) -> GatewayClient:
        from dev.localapi.gateway import Gateway

        self._gateway = Gateway(self._stack, port=0).start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        if self._gateway is not None:
            self._gateway.stop()

    def call(self, method: str, path: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
        """The JSON answer to `method path` (with `body` as JSON, if given)."""
        if self._gateway is None:
            raise RuntimeError("use GatewayClient as a context manager")
        headers = {"Authorization": f"Bearer {self._token}"}
        data = None
        if body is not None:
            headers["Content-Type"] = "application/json"
            data = json.dumps(body).encode()
        url = f"{self._gateway.url}{path}"
        request = urllib.request.Request(url, data=data, headers=headers, method=method)  # noqa: S310
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 - our own gateway  # nosec B310
            return dict(json.loads(response.read()))
