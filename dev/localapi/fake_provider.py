"""What the local stand-ins for chat providers' APIs share: a small JSON HTTP server on 127.0.0.1 that keeps
every message a function sent (for tests) and prints it on the console (as no phone is here)."""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass(frozen=True)
class ChatMessage:
    channel: str
    sender: str
    to: str
    text: str


Answer = tuple[int, dict[str, Any]]


class FakeProvider:
    """A provider's API: subclasses answer `handle(method, path, headers, body)`."""

    name = "fake-provider"

    def __init__(self, port: int = 0) -> None:
        self.messages: list[ChatMessage] = []
        self.fail_with: int | None = None  # answer message sends with this status instead, until reset (tests)
        self._lock = threading.Lock()
        try:
            self._server = ThreadingHTTPServer(("127.0.0.1", port), self._handler())
        except OSError:  # taken: any free port (its URL is printed; `make chat` can be told it)
            self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._thread = threading.Thread(target=self._server.serve_forever, name=self.name, daemon=True)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def start(self) -> FakeProvider:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def sent(self) -> list[ChatMessage]:
        with self._lock:
            return list(self.messages)

    def keep(self, message: ChatMessage) -> None:
        with self._lock:
            self.messages.append(message)

    def handle(self, method: str, path: str, headers: dict[str, str], body: bytes) -> Answer:
        raise NotImplementedError

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                self._serve("POST")

            def do_GET(self) -> None:
                self._serve("GET")

            def _serve(self, method: str) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                status, answer = fake.handle(method, self.path, dict(self.headers.items()), body)
                payload = json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, format: str, *args: object) -> None:
                return

        return Handler
