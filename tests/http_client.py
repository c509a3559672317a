"""A tiny HTTP client for tests that talk to the local gateway over a real socket."""

from __future__ import annotations

import gzip
import http.client
import json
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from dev.localapi.stack import LocalStack


@dataclass
class HttpResponse:
    status: int
    headers: dict[str, str]
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8")

    def json(self) -> Any:
        return json.loads(self.body)


class ApiClient:
    def __init__(self, base_url: str, stack: LocalStack) -> None:
        self.base_url = base_url
        self.stack = stack
        split = urlsplit(base_url)
        self.host, self.port = split.hostname or "127.0.0.1", split.port or 80

    def request(
        self,
        method: str,
        path: str,
        *,
        json_body: Any = None,
        body: bytes | str | None = None,
        headers: dict[str, str] | None = None,
    ) -> HttpResponse:
        headers = dict(headers or {})
        if json_body is not None:
            body = json.dumps(json_body)
            headers.setdefault("Content-Type", "application/json")
        payload = body.encode() if isinstance(body, str) else body
        connection = http.client.HTTPConnection(self.host, self.port, timeout=30)
        try:
            connection.request(method, path, body=payload, headers=headers)
            response = connection.getresponse()
            raw = response.read()
            response_headers = {k.lower(): v for k, v in response.getheaders()}
        finally:
            connection.close()
        if response_headers.get("content-encoding") == "gzip":
            raw = gzip.decompress(raw)
        return HttpResponse(response.status, response_headers, raw)

    def get(self, path: str, **kwargs: Any) -> HttpResponse:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, **kwargs: Any) -> HttpResponse:
        return self.request("POST", path, **kwargs)


def assert_fail(response: HttpResponse, status: int, fragment: str = "") -> None:
    """A client error in the contract's envelope, with a readable message (containing `fragment`)
    and never a password hash."""
    assert response.status == status, response.text
    body = response.json()
    assert body["status"] == "fail"
    assert body["data"]["message"]
    assert fragment in body["data"]["message"]
    assert "$2b$" not in response.text
