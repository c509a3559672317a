"""`make chat TEXT="chai 20"`: talk to the bot from a terminal, as a linked WhatsApp user, against `make run`.

The first run signs up a demo user (chat-demo@example.com) and links its number with the code the bot sends
(read back from the stand-in for Twilio's API that `make run` serves on PORT + 1). Then each run sends TEXT as a
WhatsApp message to the webhook, signed exactly as Twilio signs it (Twilio's own RequestValidator, the local
auth token), and prints the bot's reply.

    python -m dev.chat "uber 250 and chai 20" [--api http://127.0.0.1:5000] [--twilio http://127.0.0.1:5001]
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
from typing import Any

from twilio.request_validator import RequestValidator

from dev.localapi.stack import LOCAL_TWILIO, LOCAL_WHATSAPP_FROM

EMAIL = "chat-demo@example.com"
PASSWORD = "Chat-Demo-1"  # noqa: S105 - a local demo account  # nosec B105
NUMBER = "+919812345678"
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
        deadline = time.monotonic() + TIMEOUT_S
        while time.monotonic() < deadline:
            messages = self.to(number)
            if len(messages) > seen:
                return messages[0]
            time.sleep(0.2)
        sys.exit("No reply within 30 s: see `make run`'s console.")


def link_demo_user(api: str, twilio: Twilio) -> None:
    """Sign the demo user up (once) and link its number (once)."""
    status, body = call("POST", f"{api}/api/auth/register", body={"email": EMAIL, "password": PASSWORD})
    if status not in (201, 409):  # 409: signed up by an earlier run
        sys.exit(f"Could not sign the demo user up ({status}): {body}")
    status, body = call("POST", f"{api}/api/auth/login", body={"email": EMAIL, "password": PASSWORD})
    if status != 200:
        sys.exit(f"Could not log the demo user in ({status}): {body}")
    bearer = {"Authorization": f"Bearer {body['data']['access_token']}"}
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("text", help="what to send, e.g. 'uber 250 and chai 20' or '/summary'")
    parser.add_argument("--api", default="http://127.0.0.1:5000")
    parser.add_argument("--twilio", default=None, help="Twilio's stand-in (default: the API's port + 1)")
    args = parser.parse_args()
    api = args.api.rstrip("/")
    port = urllib.parse.urlsplit(api).port or 80
    twilio = Twilio(args.twilio or f"http://127.0.0.1:{port + 1}")
    link_demo_user(api, twilio)
    print(f"you > {args.text}")
    print(f"bot > {say(api, twilio, args.text)}")


if __name__ == "__main__":
    main()
