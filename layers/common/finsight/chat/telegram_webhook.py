"""Telegram's webhook: `X-Telegram-Bot-Api-Secret-Token` (the secret given to setWebhook) is compared in
constant time before anything of the body is read, then a text message in a private chat takes the shared
path (`finsight.chat.webhook`). Telegram lets a webhook answer with a Bot API call: a direct reply is a
`sendMessage` in the response, so the webhook needs no bot token. `/start <token>` (the deep link of
POST /api/auth/telegram-link) links the chat here, at once.
"""

from __future__ import annotations

import hmac
import json
from typing import Any

from pydantic import ValidationError

from finsight.chat.channels import TELEGRAM, ChannelOffError
from finsight.chat.linking import link_telegram_chat
from finsight.chat.models import TelegramUpdate
from finsight.chat.settings import chat_settings, telegram_webhook_secret
from finsight.chat.webhook import InvalidSignatureError, queue_if_linked, screen
from finsight.platform.errors import BadRequestError

TEXT_ONLY = "I can read text messages only. Tell me what you spent, e.g. 'chai 20'."


class MalformedUpdateError(BadRequestError):
    default_message = "The body is not a Telegram update."


def receive_telegram(body: str, secret_token: str) -> dict[str, Any] | None:
    """Check the webhook's secret, then answer the update (a sendMessage for the webhook's reply) or queue it.
    Only messages in private chats are read; edits, groups and channel posts are acknowledged and left."""
    secret = telegram_webhook_secret() if chat_settings().telegram_bot_username else None  # off: not read
    if not secret:
        raise ChannelOffError.of(TELEGRAM)
    if not hmac.compare_digest(secret_token.encode(), secret.encode()):
        raise InvalidSignatureError()
    try:
        update = TelegramUpdate.model_validate(json.loads(body or "null"))
    except (ValueError, ValidationError) as exc:
        raise MalformedUpdateError() from exc
    message = update.message
    if message is None or message.chat.type != "private":
        return None
    reply = _answer(update.update_id, str(message.chat.id), message.text)
    return None if reply is None else {"method": "sendMessage", "chat_id": message.chat.id, "text": reply}


def _answer(update_id: int, address: str, text: str | None) -> str | None:
    if text is None:
        return TEXT_ONLY  # a photo, a sticker, a voice note
    refusal = screen(TELEGRAM, address, text)
    if refusal is not None:
        return refusal
    command, _, argument = text.strip().partition(" ")
    if command.lower() == "/start" and argument.strip():
        return link_telegram_chat(argument.strip(), address)
    return queue_if_linked(TELEGRAM, str(update_id), address, text)
