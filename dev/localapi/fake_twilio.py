"""A stand-in for Twilio's Messages API, run in-process by the local stack: WhatsApp messages the functions
send are kept (for tests) and printed on the console (as no phone is here), like reset emails."""

from __future__ import annotations

import base64
import logging
import re
import secrets
from urllib.parse import parse_qs

from dev.localapi.fake_provider import Answer, ChatMessage, FakeProvider

log = logging.getLogger("localapi")
MESSAGES_PATH = re.compile(r"^/2010-04-01/Accounts/(?P<sid>[^/]+)/Messages\.json$")


class FakeTwilio(FakeProvider):
    """Twilio's `POST /2010-04-01/Accounts/{sid}/Messages.json` with basic auth (and its GET listing)."""

    name = "fake-twilio"

    def __init__(self, account_sid: str, auth_token: str, port: int = 0) -> None:
        self.account_sid = account_sid
        self.auth_token = auth_token
        super().__init__(port)

    def handle(self, method: str, path: str, headers: dict[str, str], body: bytes) -> Answer:
        match = MESSAGES_PATH.match(path.split("?", 1)[0])
        if match is None:
            return 404, {"code": 20404, "message": "Not found"}
        expected = "Basic " + base64.b64encode(f"{self.account_sid}:{self.auth_token}".encode()).decode()
        if match["sid"] != self.account_sid or not secrets.compare_digest(headers.get("Authorization", ""), expected):
            return 401, {"code": 20003, "message": "Authenticate"}
        if method == "GET":  # what was sent, newest first (how `make chat` reads replies)
            return 200, {"messages": [{"from": m.sender, "to": m.to, "body": m.text} for m in reversed(self.sent())]}
        if self.fail_with is not None:
            return self.fail_with, {"code": 20500, "message": "Service unavailable"}
        values = {name: value[0] for name, value in parse_qs(body.decode("utf-8")).items()}
        if not {"From", "To", "Body"} <= values.keys():
            return 400, {"code": 21602, "message": "A 'From', 'To' and 'Body' are required"}
        message = ChatMessage("whatsapp", values["From"], values["To"], values["Body"])
        self.keep(message)
        log.info("WHATSAPP to %s: %s", message.to.removeprefix("whatsapp:"), message.text)
        return 201, {"sid": "SM" + secrets.token_hex(16), "status": "queued", "to": message.to}
