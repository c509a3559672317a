"""The chat senders against Twilio's and Telegram's protocols (the fake providers of the local stack): what they
send, and that every way a provider can fail is a ChatSendError (503), never a crash."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from dev.localapi.fake_telegram import FakeTelegram
from dev.localapi.fake_twilio import FakeTwilio
from finsight.chat import senders
from finsight.chat.senders import ChatSendError, TelegramSender, TwilioWhatsAppSender

SID, TOKEN, FROM = "AC0123456789abcdef", "twilio-token", "+14155238886"


@pytest.fixture
def twilio() -> Iterator[FakeTwilio]:
    provider = FakeTwilio(SID, TOKEN)
    provider.start()
    yield provider
    provider.stop()


def test_whatsapp_goes_to_twilios_messages_api_with_basic_auth(twilio: FakeTwilio) -> None:
    TwilioWhatsAppSender(twilio.url, SID, TOKEN, FROM).send("+919876543210", "Code: 123456")
    [message] = twilio.sent()
    assert (message.sender, message.to, message.text) == (f"whatsapp:{FROM}", "whatsapp:+919876543210", "Code: 123456")


def test_telegram_goes_to_the_bot_apis_send_message() -> None:
    telegram = FakeTelegram("123:bot-token", "finsight_test_bot")
    telegram.start()
    try:
        TelegramSender(telegram.url, "123:bot-token").send("4242", "Hello")
        assert [(m.to, m.text) for m in telegram.sent()] == [("4242", "Hello")]
    finally:
        telegram.stop()


@pytest.mark.parametrize("status", [400, 401, 500, 503])
def test_a_refusal_is_a_send_error(twilio: FakeTwilio, status: int) -> None:
    twilio.fail_with = status
    with pytest.raises(ChatSendError):
        TwilioWhatsAppSender(twilio.url, SID, TOKEN, FROM).send("+919876543210", "Code")
    assert twilio.sent() == []


def test_wrong_credentials_are_a_send_error(twilio: FakeTwilio) -> None:
    with pytest.raises(ChatSendError):
        TwilioWhatsAppSender(twilio.url, SID, "not-the-token", FROM).send("+919876543210", "Code")


def test_nobody_listening_is_a_send_error() -> None:
    with socket.socket() as free:
        free.bind(("127.0.0.1", 0))
        port = free.getsockname()[1]  # closed again before the send: connection refused
    with pytest.raises(ChatSendError):
        TelegramSender(f"http://127.0.0.1:{port}", "123:bot-token").send("4242", "Hello")


class _Misbehaving(BaseHTTPRequestHandler):
    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        if self.path.startswith("/slow"):
            self.server.release.wait(5)  # type: ignore[attr-defined]  # answers after the sender gave up
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.end_headers()
        self.wfile.write(b"<html>not json</html>")

    def log_message(self, *args: object) -> None: ...


@pytest.fixture
def misbehaving() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Misbehaving)
    server.release = threading.Event()  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.release.set()  # type: ignore[attr-defined]
    server.shutdown()
    server.server_close()


def test_an_answer_that_is_not_json_is_a_send_error(misbehaving: str) -> None:
    with pytest.raises(ChatSendError):
        TelegramSender(misbehaving, "123:bot-token").send("4242", "Hello")


def test_no_answer_within_the_timeout_is_a_send_error(misbehaving: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(senders, "TIMEOUT_SECONDS", 0.2)
    with pytest.raises(ChatSendError):
        TelegramSender(f"{misbehaving}/slow", "123:bot-token").send("4242", "Hello")
