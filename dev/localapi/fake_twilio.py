"""A stand-in for Twilio's Messages API, run in-process by the local stack: WhatsApp messages the functions
send are kept (for tests) and printed on the console (as no phone is here), like reset emails."""

from __future__ import annotations

import base64
import json
import logging
import re
import secrets
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

log = logging.getLogger("localapi")
MESSAGES_PATH = re.compile(r"^/2010-04-01/Accounts/(?P<sid>[^/]+)/Messages\.json$")


@dataclass(frozen=True)
class ChatMessage:
    channel: str
    sender: str
    to: str
    text: str


class FakeTwilio:
    """Twilio's `POST /2010-04-01/Accounts/{sid}/Messages.json` with basic auth, on 127.0.0.1."""

    def __init__(self, account_sid: str, auth_token: str, port: int = 0) -> None:
        self.account_sid = account_sid
        self.auth_token = auth_token
        self.messages: list[ChatMessage] = []
        self.fail_with: int | None = None  # answer this status instead, until reset (tests)
        self._lock = threading.Lock()
        try:
            self._server = ThreadingHTTPServer(("127.0.0.1", port), self._handler())
        except OSError:  # taken: any free port (its URL is printed; `make chat --twilio URL` reaches it)
            self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._thread = threading.Thread(target=self._server.serve_forever, name="fake-twilio", daemon=True)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def start(self) -> FakeTwilio:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def sent(self) -> list[ChatMessage]:
        with self._lock:
            return list(self.messages)

    def _authorized(self, sid: str, authorization: str) -> bool:
        expected = "Basic " + base64.b64encode(f"{self.account_sid}:{self.auth_token}".encode()).decode()
        return sid == self.account_sid and secrets.compare_digest(authorization, expected)

    def _listing(self, sid: str, authorization: str) -> tuple[int, dict[str, object]]:
        """Twilio's `GET .../Messages.json`: what was sent, newest first (how `make chat` reads replies)."""
        if not self._authorized(sid, authorization):
            return 401, {"code": 20003, "message": "Authenticate"}
        sent = [{"from": m.sender, "to": m.to, "body": m.text} for m in reversed(self.sent())]
        return 200, {"messages": sent}

    def _accept(self, sid: str, authorization: str, form: dict[str, list[str]]) -> tuple[int, dict[str, object]]:
        if not self._authorized(sid, authorization):
            return 401, {"code": 20003, "message": "Authenticate"}
        if self.fail_with is not None:
            return self.fail_with, {"code": 20500, "message": "Service unavailable"}
        values = {name: value[0] for name, value in form.items()}
        if not {"From", "To", "Body"} <= values.keys():
            return 400, {"code": 21602, "message": "A 'From', 'To' and 'Body' are required"}
        message = ChatMessage("whatsapp", values["From"], values["To"], values["Body"])
        with self._lock:
            self.messages.append(message)
        log.info("WHATSAPP to %s: %s", message.to.removeprefix("whatsapp:"), message.text)
        return 201, {"sid": "SM" + secrets.token_hex(16), "status": "queued", "to": message.to}

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                match = MESSAGES_PATH.match(self.path)
                length = int(self.headers.get("Content-Length") or 0)
                form = parse_qs(self.rfile.read(length).decode("utf-8"))
                if match is None:
                    self._answer(404, {"code": 20404, "message": "Not found"})
                else:
                    self._answer(*fake._accept(match["sid"], self.headers.get("Authorization", ""), form))

            def do_GET(self) -> None:
                match = MESSAGES_PATH.match(self.path.split("?", 1)[0])
                if match is None:
                    self._answer(404, {"code": 20404, "message": "Not found"})
                else:
                    self._answer(*fake._listing(match["sid"], self.headers.get("Authorization", "")))

            def _answer(self, status: int, body: dict[str, object]) -> None:
                payload = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, format: str, *args: object) -> None:
                return

        return Handler
