"""A stand-in for Telegram's Bot API, run in-process by the local stack: `sendMessage` (messages are kept for
tests and printed on the console), `setWebhook`, `getWebhookInfo` and `getMe`, under `/bot<token>/`. One
addition of its own, `GET /bot<token>/sentMessages` (newest first), is how `make chat` reads the bot's replies."""

from __future__ import annotations

import json
import logging
import re
import secrets
from typing import Any

from dev.localapi.fake_provider import Answer, ChatMessage, FakeProvider

log = logging.getLogger("localapi")
METHOD_PATH = re.compile(r"^/bot(?P<token>[^/]+)/(?P<method>[A-Za-z]+)$")
SECRET_TOKEN = re.compile(r"^[A-Za-z0-9_-]{1,256}$")


def _error(status: int, description: str) -> Answer:
    return status, {"ok": False, "error_code": status, "description": description}


class FakeTelegram(FakeProvider):
    """Telegram's `https://api.telegram.org/bot<token>/<method>` for one bot."""

    name = "fake-telegram"

    def __init__(self, bot_token: str, username: str, port: int = 0) -> None:
        self.bot_token = bot_token
        self.username = username
        self.webhook: dict[str, Any] = {}
        self.webhook_secret: str | None = None
        super().__init__(port)

    def handle(self, method: str, path: str, headers: dict[str, str], body: bytes) -> Answer:
        match = METHOD_PATH.match(path.split("?", 1)[0])
        if match is None:
            return _error(404, "Not Found")
        if not secrets.compare_digest(match["token"], self.bot_token):
            return _error(401, "Unauthorized")
        try:
            params = json.loads(body or b"{}")
        except ValueError:
            return _error(400, "Bad Request: can't parse JSON")
        if not isinstance(params, dict):
            return _error(400, "Bad Request: parameters must be an object")
        answer = {
            ("POST", "sendMessage"): self._send,
            ("POST", "setWebhook"): self._set_webhook,
            ("POST", "getWebhookInfo"): self._webhook_info,
            ("GET", "getWebhookInfo"): self._webhook_info,
            ("GET", "getMe"): self._me,
            ("GET", "sentMessages"): self._sent_messages,
        }.get((method, match["method"]))
        return _error(404, "Not Found: method not found") if answer is None else answer(params)

    def _webhook_info(self, _: dict[str, Any]) -> Answer:
        return 200, {"ok": True, "result": {"url": "", "pending_update_count": 0, **self.webhook}}

    def _me(self, _: dict[str, Any]) -> Answer:
        return 200, {"ok": True, "result": {"id": 1, "is_bot": True, "username": self.username}}

    def _sent_messages(self, _: dict[str, Any]) -> Answer:
        return 200, {"ok": True, "result": [{"chat_id": int(m.to), "text": m.text} for m in reversed(self.sent())]}

    def _send(self, params: dict[str, Any]) -> Answer:
        if self.fail_with is not None:
            return _error(self.fail_with, "Too Many Requests: retry after 5")
        chat_id, text = params.get("chat_id"), params.get("text")
        if not isinstance(chat_id, int) or not isinstance(text, str) or not text:
            return _error(400, "Bad Request: chat_id and text are required")
        if len(text) > 4096:
            return _error(400, "Bad Request: message is too long")
        self.keep(ChatMessage("telegram", self.username, str(chat_id), text))
        log.info("TELEGRAM to %s: %s", chat_id, text)
        return 200, {"ok": True, "result": {"message_id": len(self.sent()), "chat": {"id": chat_id}, "text": text}}

    def _set_webhook(self, params: dict[str, Any]) -> Answer:
        url, secret = params.get("url"), params.get("secret_token")
        if not isinstance(url, str) or not url.startswith(("https://", "http://127.0.0.1", "http://localhost")):
            return _error(400, "Bad Request: bad webhook: HTTPS url must be provided for webhook")
        if secret is not None and not (isinstance(secret, str) and SECRET_TOKEN.match(secret)):
            return _error(400, "Bad Request: secret token contains unallowed characters")
        self.webhook = {
            "url": url,
            "has_secret_token": secret is not None,
            "allowed_updates": params.get("allowed_updates", []),
        }
        self.webhook_secret = secret
        log.info("TELEGRAM webhook set to %s", url)
        return 200, {"ok": True, "result": True, "description": "Webhook was set"}
