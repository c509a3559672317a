"""An HTTP server that behaves like the template's HTTP API: routes, v2 events, CORS, access log."""

from __future__ import annotations

import base64
import json
import logging
import os
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, cast
from urllib.parse import urlsplit

from dev.localapi.events import http_event
from dev.localapi.stack import LocalStack
from dev.localapi.template import CorsSpec, HttpRoute

log = logging.getLogger("localapi")

MAX_PAYLOAD_BYTES = 10 * 1024 * 1024  # API Gateway's own request limit


def match_route(routes: list[HttpRoute], method: str, path: str) -> tuple[HttpRoute | None, dict[str, str]]:
    """The route API Gateway would pick (most specific first), with its path parameters."""
    for route in routes:
        params = route.match(method, path)
        if params is not None:
            return route, params
    default = next((r for r in routes if r.path is None), None)
    return default, {}


def cors_headers(cors: CorsSpec | None, origin: str | None, *, preflight: bool) -> dict[str, str]:
    """The CORS headers API Gateway adds for an allowed origin (none for any other origin)."""
    if cors is None or not origin:
        return {}
    if "*" in cors.allow_origins:
        allowed = "*"
    elif origin in cors.allow_origins:
        allowed = origin
    else:
        return {}
    headers = {"access-control-allow-origin": allowed, "vary": "origin"}
    if cors.allow_credentials:
        headers["access-control-allow-credentials"] = "true"
    if preflight:
        headers["access-control-allow-methods"] = ",".join(cors.allow_methods)
        headers["access-control-allow-headers"] = ",".join(cors.allow_headers)
        if cors.max_age is not None:
            headers["access-control-max-age"] = str(cors.max_age)
    elif cors.expose_headers:
        headers["access-control-expose-headers"] = ",".join(cors.expose_headers)
    return headers


def _proxy_response(result: Any) -> tuple[int, dict[str, str], list[str], bytes]:
    """Turn a function's return value into status, headers, cookies and body (HTTP API v2 rules)."""
    if not isinstance(result, dict) or "statusCode" not in result:
        body = json.dumps(result).encode()
        return 200, {"content-type": "application/json"}, [], body
    headers = {str(k).lower(): str(v) for k, v in (result.get("headers") or {}).items()}
    for name, values in (result.get("multiValueHeaders") or {}).items():
        headers[name.lower()] = ",".join(map(str, values))
    raw = result.get("body") or ""
    body = base64.b64decode(raw) if result.get("isBase64Encoded") else str(raw).encode()
    return int(result["statusCode"]), headers, list(result.get("cookies") or []), body


class _QuietServer(ThreadingHTTPServer):
    """A thread per request, as API Gateway runs requests at once; a deep backlog for bursts of clients."""

    request_queue_size = 128

    def handle_error(self, request: Any, client_address: Any) -> None:
        log.debug("connection from %s dropped", client_address)


class Gateway:
    """Serves the template's HTTP API on a local port, invoking the functions of a `LocalStack`."""

    def __init__(self, stack: LocalStack, host: str = "127.0.0.1", port: int = 5000) -> None:
        self.stack = stack
        self.routes = stack.template.routes
        gateway = self

        class RequestHandler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:
                pass

            def _handle(self) -> None:
                gateway.handle(self)

            def __getattr__(self, name: str) -> Any:
                # Every method reaches the routes (TRACE, PROPFIND, ...: the `$default` route), as in API Gateway;
                # http.server would answer a method without a `do_<METHOD>` with its own 501 HTML page.
                if name.startswith("do_"):
                    return self._handle
                raise AttributeError(name)

        self.server = _QuietServer((host, port), RequestHandler)
        self.server.daemon_threads = True
        self._thread: threading.Thread | None = None
        # What providers sign their webhooks against (PUBLIC_API_URL): this gateway, unless the developer says.
        self._own_public_url = not os.environ.get("PUBLIC_API_URL")
        if self._own_public_url:
            os.environ["PUBLIC_API_URL"] = self.url
            _reset_settings()

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        # Once bound, the address is the socket's own (`getsockname()`, untyped), whose host is a str.
        return f"http://{cast(str, host)}:{port}"

    def start(self) -> Gateway:
        self._thread = threading.Thread(target=self.server.serve_forever, name="gateway", daemon=True)
        self._thread.start()
        return self

    def serve_forever(self) -> None:
        self.server.serve_forever()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        if self._own_public_url:
            os.environ.pop("PUBLIC_API_URL", None)
            _reset_settings()

    def handle(self, request: BaseHTTPRequestHandler) -> None:
        started = time.perf_counter()
        method = request.command.upper()
        split = urlsplit(request.path)
        origin = request.headers.get("origin")
        function = "-"
        length = int(request.headers.get("content-length") or 0)
        status: int
        headers: dict[str, str]
        cookies: list[str]
        body: bytes
        if length > MAX_PAYLOAD_BYTES:
            status, headers, cookies, body = (
                413,
                {"content-type": "application/json"},
                [],
                b'{"message":"Request Entity Too Large"}',
            )
            request.close_connection = True
        elif method == "OPTIONS" and self.stack.template.cors is not None:
            request.rfile.read(length)
            status, headers, cookies, body = (
                204,
                cors_headers(self.stack.template.cors, origin, preflight=True),
                [],
                b"",
            )
        else:
            payload = request.rfile.read(length) if length else b""
            route, params = match_route(self.routes, method, split.path)
            if route is None:
                status, headers, cookies, body = (
                    404,
                    {"content-type": "application/json"},
                    [],
                    b'{"message":"Not Found"}',
                )
            else:
                function = route.function
                event = http_event(
                    method=method,
                    raw_path=split.path,
                    raw_query=split.query,
                    headers=request.headers.items(),
                    body=payload,
                    route=route,
                    path_parameters=params,
                    source_ip=request.client_address[0],
                )
                result = self.stack.invoke(route.function, event)
                if result.error is not None:
                    status, headers, cookies, body = (
                        500,
                        {"content-type": "application/json"},
                        [],
                        b'{"message":"Internal Server Error"}',
                    )
                else:
                    status, headers, cookies, body = _proxy_response(result.response)
            headers.update(cors_headers(self.stack.template.cors, origin, preflight=False))

        # Logged before the answer goes out, so whoever reads the console after the answer sees it.
        elapsed_ms = (time.perf_counter() - started) * 1000
        log.info("%s %s -> %d %s %.1f ms", method, request.path, status, function, elapsed_ms)
        request.send_response(status)
        for name, value in headers.items():
            if name not in ("content-length", "connection", "transfer-encoding"):
                request.send_header(name, value)
        for cookie in cookies:
            request.send_header("set-cookie", cookie)
        request.send_header("content-length", str(len(body)))
        request.end_headers()
        if method != "HEAD":
            request.wfile.write(body)


def _reset_settings() -> None:
    from finsight.platform import config

    config.reset_settings()
