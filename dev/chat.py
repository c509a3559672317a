"""`make chat TEXT="chai 20" [CHANNEL=telegram]`: talk to the bot from a terminal, as a linked user, against
`make run`.

The first run signs up a demo user (chat-demo@example.com) and links it: on WhatsApp, its number with the code
the bot sends (read back from the stand-in for Twilio's API that `make run` serves on PORT + 1); on Telegram,
a demo chat through the deep link of POST /api/auth/telegram-link (`/start <token>`). Then each run sends TEXT
to the channel's webhook, signed exactly as the provider signs it (Twilio's own RequestValidator with the
local auth token; Telegram's secret header), and prints the bot's reply: the webhook's direct answer, or the
message the worker sent (read back from the stand-in for Twilio's or Telegram's API, PORT + 1 and PORT + 2).

    python -m dev.chat "uber 250 and chai 20" [--channel whatsapp|telegram] [--api http://127.0.0.1:5000]
        [--twilio http://127.0.0.1:5001] [--telegram http://127.0.0.1:5002]
"""

from __future__ import annotations

import argparse
import base64
import json
import re
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Callable
from typing import Any

from twilio.request_validator import RequestValidator

from dev.localapi.stack import LOCAL_TELEGRAM, LOCAL_TWILIO, LOCAL_WHATSAPP_FROM

EMAIL = "chat-demo@example.com"
PASSWORD = "Chat-Demo-1"  # noqa: S105 - a local demo account  # nosec B105
NUMBER = "+919812345678"
CHAT_ID = 700000001  # the demo user's Telegram chat
TIMEOUT_S = 30


def call(method: str, url: str, *, body: Any = None, headers: dict[str, str] | None = None) -> tuple[int, Any]:
    data = None if body is None else (body if isinstance(body, bytes) else json.dumps(body).encode())
    request = urllib.request.Request(url, data=data, method=method, headers=headers or {})  # noqa: S310
    if body is not None and not isinstance(body, bytes):
        request.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310  # nosec B310
            text = response.read().decode()
            status = response.status
    except urllib.error.HTTPError as error:
        text, status = error.read().decode(), error.code
    try:
        return status, json.loads(text)
    except ValueError:
        return status, text


def next_message(messages: Callable[[], list[str]], seen: int) -> str:
    """The newest of `messages()` (newest first) once there are more than `seen`; waits up to TIMEOUT_S."""
    deadline = time.monotonic() + TIMEOUT_S
    while time.monotonic() < deadline:
        found = messages()
        if len(found) > seen:
            return found[0]
        time.sleep(0.2)
    sys.exit("No reply within 30 s: see `make run`'s console.")


class Twilio:
    """The stand-in's `GET .../Messages.json` (newest first)."""

    def __init__(self, base: str) -> None:
        sid, token = LOCAL_TWILIO["TWILIO_ACCOUNT_SID"], LOCAL_TWILIO["TWILIO_AUTH_TOKEN"]
        self.url = f"{base.rstrip('/')}/2010-04-01/Accounts/{sid}/Messages.json"
        self.auth = {"Authorization": "Basic " + base64.b64encode(f"{sid}:{token}".encode()).decode()}

    def to(self, number: str) -> list[str]:
        status, body = call("GET", self.url, headers=self.auth)
        if status != 200:
            sys.exit(f"Twilio's stand-in did not answer at {self.url} ({status}): is `make run` running?")
        return [m["body"] for m in body["messages"] if m["to"] == f"whatsapp:{number}"]

    def next_to(self, number: str, seen: int) -> str:
        return next_message(lambda: self.to(number), seen)


def demo_login(api: str) -> dict[str, str]:
    """Sign the demo user up (once) and log in: its bearer header."""
    status, body = call("POST", f"{api}/api/auth/register", body={"email": EMAIL, "password": PASSWORD})
    if status not in (201, 409):  # 409: signed up by an earlier run
        sys.exit(f"Could not sign the demo user up ({status}): {body}")
    status, body = call("POST", f"{api}/api/auth/login", body={"email": EMAIL, "password": PASSWORD})
    if status != 200:
        sys.exit(f"Could not log the demo user in ({status}): {body}")
    return {"Authorization": f"Bearer {body['data']['access_token']}"}


def link_demo_user(api: str, twilio: Twilio) -> None:
    """Sign the demo user up (once) and link its number (once)."""
    bearer = demo_login(api)
    _, profile = call("GET", f"{api}/api/auth/profile", headers=bearer)
    if profile["data"].get("whatsapp_verified"):
        return
    seen = len(twilio.to(NUMBER))
    status, body = call("POST", f"{api}/api/auth/send-whatsapp-code", body={"whatsapp_number": NUMBER}, headers=bearer)
    if status != 200:
        sys.exit(f"Could not send a code ({status}): {body}")
    code = re.search(r"\b(\d{6})\b", twilio.next_to(NUMBER, seen))
    if code is None:
        sys.exit("The code message had no code.")
    status, body = call("POST", f"{api}/api/auth/verify-whatsapp", body={"code": code.group(1)}, headers=bearer)
    if status != 200:
        sys.exit(f"Could not link {NUMBER} ({status}): {body}")
    print(f"(linked {NUMBER} to {EMAIL}, password {PASSWORD})")


def say(api: str, twilio: Twilio, text: str) -> str:
    """Send `text` from the demo number as Twilio would; the bot's answer (TwiML at once, or its reply)."""
    form = {
        "MessageSid": "SM" + uuid.uuid4().hex,
        "AccountSid": LOCAL_TWILIO["TWILIO_ACCOUNT_SID"],
        "From": f"whatsapp:{NUMBER}",
        "To": f"whatsapp:{LOCAL_WHATSAPP_FROM}",
        "Body": text,
    }
    url = f"{api}/webhook/whatsapp"
    signature = RequestValidator(LOCAL_TWILIO["TWILIO_AUTH_TOKEN"]).compute_signature(url, form)
    headers = {"Content-Type": "application/x-www-form-urlencoded", "X-Twilio-Signature": signature}
    seen = len(twilio.to(NUMBER))
    status, answer = call("POST", url, body=urllib.parse.urlencode(form).encode(), headers=headers)
    if status != 200:
        sys.exit(f"The webhook answered {status}: {answer}")
    direct = re.search(r"<Message>(.*)</Message>", str(answer), re.S)
    return direct.group(1) if direct else twilio.next_to(NUMBER, seen)


class Telegram:
    """The stand-in's `GET /bot<token>/sentMessages` (newest first) and the webhook, signed with its secret."""

    def __init__(self, base: str, api: str) -> None:
        self.url = f"{base.rstrip('/')}/bot{LOCAL_TELEGRAM['TELEGRAM_BOT_TOKEN']}/sentMessages"
        self.webhook = f"{api}/webhook/telegram"

    def to(self, chat_id: int) -> list[str]:
        status, body = call("GET", self.url)
        if status != 200:
            sys.exit(f"Telegram's stand-in did not answer at {self.url} ({status}): is `make run` running?")
        return [m["text"] for m in body["result"] if m["chat_id"] == chat_id]

    def next_to(self, chat_id: int, seen: int) -> str:
        return next_message(lambda: self.to(chat_id), seen)

    def send(self, text: str) -> str | None:
        """Deliver `text` from the demo chat as Telegram would; the webhook's direct answer, if any."""
        update = {
            "update_id": uuid.uuid4().int % 2**31,
            "message": {
                "message_id": 1,
                "from": {"id": CHAT_ID, "is_bot": False, "first_name": "Demo"},
                "chat": {"id": CHAT_ID, "type": "private"},
                "date": int(time.time()),
                "text": text,
            },
        }
        headers = {"X-Telegram-Bot-Api-Secret-Token": LOCAL_TELEGRAM["TELEGRAM_WEBHOOK_SECRET"]}
        status, answer = call("POST", self.webhook, body=update, headers=headers)
        if status != 200:
            sys.exit(f"The webhook answered {status}: {answer}")
        return answer.get("text") if isinstance(answer, dict) else None

    def say(self, text: str) -> str:
        seen = len(self.to(CHAT_ID))
        direct = self.send(text)
        return direct if direct is not None else self.next_to(CHAT_ID, seen)


def link_demo_chat(api: str, telegram: Telegram) -> None:
    """Sign the demo user up (once) and link the demo chat through its deep link (once)."""
    bearer = demo_login(api)
    _, profile = call("GET", f"{api}/api/auth/profile", headers=bearer)
    if profile["data"].get("telegram_linked"):
        return
    status, body = call("POST", f"{api}/api/auth/telegram-link", headers=bearer)
    if status != 200:
        sys.exit(f"Could not get a Telegram link ({status}): {body}")
    token = body["data"]["link"].rsplit("start=", 1)[1]
    answer = telegram.send(f"/start {token}")
    if not (answer or "").startswith("Linked!"):
        sys.exit(f"Could not link the demo chat: {answer}")
    print(f"(linked Telegram chat {CHAT_ID} to {EMAIL}, password {PASSWORD})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("text", help="what to send, e.g. 'uber 250 and chai 20' or '/summary'")
    parser.add_argument("--channel", choices=["whatsapp", "telegram"], default="whatsapp")
    parser.add_argument("--api", default="http://127.0.0.1:5000")
    parser.add_argument("--twilio", default=None, help="Twilio's stand-in (default: the API's port + 1)")
    parser.add_argument("--telegram", default=None, help="Telegram's stand-in (default: the API's port + 2)")
    args = parser.parse_args()
    api = args.api.rstrip("/")
    port = urllib.parse.urlsplit(api).port or 80
    if args.channel == "telegram":
        telegram = Telegram(args.telegram or f"http://127.0.0.1:{port + 2}", api)
        link_demo_chat(api, telegram)
        answer = telegram.say(args.text)
    else:
        twilio = Twilio(args.twilio or f"http://127.0.0.1:{port + 1}")
        link_demo_user(api, twilio)
        answer = say(api, twilio, args.text)
    print(f"you > {args.text}")
    print(f"bot > {answer}")


if __name__ == "__main__":
    main()
