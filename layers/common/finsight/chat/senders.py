"""Outbound chat messages: the `ChatSender` port and its WhatsApp adapter (Twilio's Messages API).

A channel without credentials is off: `whatsapp_sender()` raises `ChannelOffError` (503), never crashes.
Locally the gateway points TWILIO_API_URL at an in-process stand-in that prints every message.
"""

from __future__ import annotations

import base64
import json
import urllib.error
import urllib.parse
import urllib.request
from typing import Protocol

from finsight.platform.clients import cached
from finsight.platform.config import get_settings, twilio_auth_token
from finsight.platform.errors import ServiceUnavailableError
from finsight.platform.observability import logger

TIMEOUT_SECONDS = 5


class ChannelOffError(ServiceUnavailableError):
    default_message = "WhatsApp is not available on this server yet."


class ChatSendError(ServiceUnavailableError):
    default_message = "We couldn't send a WhatsApp message just now. Please try again in a moment."


class ChatSender(Protocol):
    channel: str

    def send(self, to: str, text: str) -> None:
        """Deliver `text` to the address `to`; raises ChatSendError when the provider does not take it."""
        ...


class TwilioWhatsAppSender:
    """WhatsApp through Twilio: POST /2010-04-01/Accounts/{sid}/Messages.json, basic auth."""

    channel = "whatsapp"

    def __init__(self, api_url: str, account_sid: str, auth_token: str, sender: str) -> None:
        self._url = f"{api_url.rstrip('/')}/2010-04-01/Accounts/{urllib.parse.quote(account_sid)}/Messages.json"
        credentials = base64.b64encode(f"{account_sid}:{auth_token}".encode()).decode()
        self._authorization = f"Basic {credentials}"
        self._sender = sender

    def send(self, to: str, text: str) -> None:
        form = urllib.parse.urlencode({"From": f"whatsapp:{self._sender}", "To": f"whatsapp:{to}", "Body": text})
        request = urllib.request.Request(  # noqa: S310 - the URL is configuration (https in AWS)
            self._url,
            data=form.encode(),
            headers={"Authorization": self._authorization, "Content-Type": "application/x-www-form-urlencoded"},
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310  # nosec B310
                json.loads(response.read() or b"{}")
        except urllib.error.HTTPError as exc:
            logger.warning("Twilio refused a message", extra={"status": exc.code})
            raise ChatSendError() from exc
        except (urllib.error.URLError, TimeoutError, ValueError) as exc:
            logger.warning("Twilio did not answer", extra={"error": type(exc).__name__})
            raise ChatSendError() from exc


@cached
def whatsapp_sender() -> ChatSender:
    """The WhatsApp sender of this execution environment; ChannelOffError without Twilio credentials."""
    settings = get_settings()
    token = twilio_auth_token()
    if not (settings.twilio_account_sid and settings.twilio_whatsapp_from and token):
        raise ChannelOffError()
    return TwilioWhatsAppSender(
        settings.twilio_api_url, settings.twilio_account_sid, token, settings.twilio_whatsapp_from
    )
