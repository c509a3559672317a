"""Outbound chat messages: the `ChatSender` port and its adapters, WhatsApp (Twilio's Messages API) and
Telegram (the Bot API's sendMessage). A third channel is one more adapter and one more line in `SENDERS`.

A channel without credentials is off: its sender raises `ChannelOffError` (503), never crashes. Locally the
gateway points TWILIO_API_URL and TELEGRAM_API_URL at in-process stand-ins that print every message.
"""

from __future__ import annotations

import base64
import http.client
import json
import urllib.parse
from collections.abc import Callable
from typing import Protocol

from finsight.chat.channels import TELEGRAM, WHATSAPP, Channel, ChannelOffError
from finsight.chat.settings import chat_settings, telegram_bot_token, twilio_auth_token
from finsight.platform.clients import cached
from finsight.platform.errors import ServiceUnavailableError
from finsight.platform.observability import logger

TIMEOUT_SECONDS = 5


class ChatSendError(ServiceUnavailableError):
    default_message = "We couldn't send a chat message just now. Please try again in a moment."


class ChatSender(Protocol):
    channel: Channel

    def send(self, to: str, text: str) -> None:
        """Deliver `text` to the address `to`; raises ChatSendError when the provider does not take it."""
        ...


def _post(url: str, body: bytes, headers: dict[str, str], provider: str) -> None:
    """POST to a provider's API (an http(s) URL of the settings); ChatSendError when it refuses (not 2xx), does not
    answer within TIMEOUT_SECONDS, or answers something other than JSON.

    Through `http.client`: one POST to a fixed API needs nothing `urllib.request` adds (redirects, proxies, cookies,
    handlers), which costs about 3 ms more of cold start. Certificates are checked as by default."""
    parts = urllib.parse.urlsplit(url)
    secure = parts.scheme == "https"
    connection = (http.client.HTTPSConnection if secure else http.client.HTTPConnection)(
        parts.hostname or "", parts.port, timeout=TIMEOUT_SECONDS
    )
    try:
        connection.request("POST", parts.path + (f"?{parts.query}" if parts.query else ""), body, headers)
        response = connection.getresponse()
        payload = response.read()
    except (OSError, http.client.HTTPException) as exc:  # refused, unreachable, timed out, a broken answer
        logger.warning(f"{provider} did not answer", extra={"error": type(exc).__name__})
        raise ChatSendError() from exc
    finally:
        connection.close()
    if not 200 <= response.status < 300:
        logger.warning(f"{provider} refused a message", extra={"status": response.status})
        raise ChatSendError()
    try:
        json.loads(payload or b"{}")
    except ValueError as exc:
        logger.warning(f"{provider} did not answer", extra={"error": type(exc).__name__})
        raise ChatSendError() from exc


class TwilioWhatsAppSender:
    """WhatsApp through Twilio: POST /2010-04-01/Accounts/{sid}/Messages.json, basic auth."""

    channel: Channel = WHATSAPP

    def __init__(self, api_url: str, account_sid: str, auth_token: str, sender: str) -> None:
        self._url = f"{api_url.rstrip('/')}/2010-04-01/Accounts/{urllib.parse.quote(account_sid)}/Messages.json"
        credentials = base64.b64encode(f"{account_sid}:{auth_token}".encode()).decode()
        self._authorization = f"Basic {credentials}"
        self._sender = sender

    def send(self, to: str, text: str) -> None:
        form = urllib.parse.urlencode({"From": f"whatsapp:{self._sender}", "To": f"whatsapp:{to}", "Body": text})
        headers = {"Authorization": self._authorization, "Content-Type": "application/x-www-form-urlencoded"}
        _post(self._url, form.encode(), headers, "Twilio")


class TelegramSender:
    """Telegram's Bot API: POST /bot<token>/sendMessage {chat_id, text}; the address is the chat's id."""

    channel: Channel = TELEGRAM

    def __init__(self, api_url: str, bot_token: str) -> None:
        self._url = f"{api_url.rstrip('/')}/bot{urllib.parse.quote(bot_token, safe=':')}/sendMessage"

    def send(self, to: str, text: str) -> None:
        body = json.dumps({"chat_id": int(to), "text": text, "link_preview_options": {"is_disabled": True}})
        _post(self._url, body.encode(), {"Content-Type": "application/json"}, "Telegram")


@cached
def whatsapp_sender() -> ChatSender:
    """The WhatsApp sender of this execution environment; ChannelOffError without Twilio credentials."""
    settings = chat_settings()
    # The account first: with WhatsApp off, the token's parameter is not read (it may not exist).
    token = twilio_auth_token() if settings.twilio_account_sid and settings.twilio_whatsapp_from else None
    if not (settings.twilio_account_sid and settings.twilio_whatsapp_from and token):
        raise ChannelOffError.of(WHATSAPP)
    return TwilioWhatsAppSender(
        settings.twilio_api_url, settings.twilio_account_sid, token, settings.twilio_whatsapp_from
    )


@cached
def telegram_sender() -> ChatSender:
    """The Telegram sender of this execution environment; ChannelOffError without the bot or its token."""
    settings = chat_settings()
    token = telegram_bot_token() if settings.telegram_bot_username else None  # off: the parameter is not read
    if not token:
        raise ChannelOffError.of(TELEGRAM)
    return TelegramSender(settings.telegram_api_url, token)


SENDERS: dict[str, Callable[[], ChatSender]] = {WHATSAPP: whatsapp_sender, TELEGRAM: telegram_sender}


def sender_for(channel: str) -> ChatSender:
    """The channel's sender; ChannelOffError when the channel is off."""
    return SENDERS[channel]()


def send_claimed(sender: ChatSender, address: str, text: Callable[[], str], release: Callable[[], None]) -> bool:
    """Send a message whose sending was claimed (so it goes out once); when it does not go out, `release` the
    claim, so the next scheduled run sends it. True when sent; an error other than the provider's is raised."""
    try:
        sender.send(address, text())
    except Exception as exc:
        release()
        if not isinstance(exc, ChatSendError):
            raise
        logger.warning("A scheduled chat message was not sent; the next run tries again", extra={"to": sender.channel})
        return False
    return True


def live_senders() -> list[ChatSender]:
    """The sender of every channel that is on (scheduled messages go out on each)."""
    senders = []
    for make in SENDERS.values():
        try:
            senders.append(make())
        except ChannelOffError:
            continue
    return senders
