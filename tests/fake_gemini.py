"""A local HTTP server that speaks Gemini's generateContent REST protocol, scripted per test."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


def answer(payload: Any) -> tuple[int, dict[str, Any]]:
    """A 200 whose single candidate's text is `payload` as JSON (what structured output returns)."""
    text = payload if isinstance(payload, str) else json.dumps(payload)
    return 200, {"candidates": [{"content": {"role": "model", "parts": [{"text": text}]}, "finishReason": "STOP"}]}


def error(code: int, status: str) -> tuple[int, dict[str, Any]]:
    return code, {"error": {"code": code, "message": f"fake {status}", "status": status}}


BLOCKED = (200, {"promptFeedback": {"blockReason": "SAFETY"}})


class FakeGemini:
    """`script` is a list of (status, body); the last one repeats. `requests` records what came in."""

    def __init__(self) -> None:
        self.requests: list[tuple[str, dict[str, str], dict[str, Any]]] = []
        self.script: list[tuple[int, dict[str, Any]]] = [answer({"expenses": []})]
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                pass

            def do_POST(self) -> None:
                length = int(self.headers.get("content-length", 0))
                body = json.loads(self.rfile.read(length) or b"{}")
                outer.requests.append((self.path, dict(self.headers), body))
                status, payload = outer.script.pop(0) if len(outer.script) > 1 else outer.script[0]
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
