"""Linking chat accounts. An address (a WhatsApp number, a Telegram chat) belongs to one account at a time.

WhatsApp (API.md: the web client's "Link WhatsApp"): checking the code and unlinking here; sending the code
is `finsight.chat.send_code` (it alone parses numbers and talks to Twilio). A code is sent to the number; it
lives CHAT_LINK_CODE_TTL_SECONDS, is stored hashed (keyed with the signing secret), works once, and
CHAT_LINK_CODE_ATTEMPTS wrong tries burn it; a user may ask for CHAT_LINK_CODES_PER_USER_PER_HOUR codes.

Telegram: the user asks for a deep link `https://t.me/<bot>?start=<token>`; opening it makes Telegram send
`/start <token>` from that chat, and the webhook links it. The token is random (192 bits), stored hashed,
lives CHAT_LINK_CODE_TTL_SECONDS and works once; a new link replaces the previous one.
"""

from __future__ import annotations

import hmac
import secrets
from datetime import UTC, datetime, timedelta

from finsight.accounts.principal import Principal
from finsight.accounts.users import UserRepository
from finsight.chat.channels import TELEGRAM, WHATSAPP, ChannelOffError
from finsight.chat.models import TelegramLink
from finsight.chat.repository import ChatLinkRepository, LinkCodeRepository, LinkTokenRepository
from finsight.chat.settings import chat_settings
from finsight.platform.config import keyed_digest
from finsight.platform.db import get_database
from finsight.platform.errors import BadRequestError, ConflictError
from finsight.platform.limits import admit

CODE_WINDOW_SECONDS = 3600
TELEGRAM_LINKED = (
    "Linked! This chat now files your expenses in FinSight. Tell me what you spent, e.g. 'chai 20' or 'uber "
    "250 and lunch 320'; send /help for the commands."
)
TELEGRAM_LINK_DEAD = "That link has expired or was used already. Ask FinSight for a new Telegram link."
TELEGRAM_CHAT_TAKEN = "This chat is linked to another FinSight account. Send /unlink there first."


class NumberTakenError(ConflictError):
    default_message = "This WhatsApp number is linked to another FinSight account."


class NoLiveCodeError(BadRequestError):
    default_message = "There is no valid code to check: ask for a new one (a code works for 10 minutes, once)."


class WrongCodeError(BadRequestError):
    default_message = "That code is not right. Check the WhatsApp message and try again."


def code_hash(channel: str, user_id: str, address: str, code: str) -> str:
    return keyed_digest(b"finsight chat link codes", f"{channel}:{user_id}:{address}:{code}")


def verify_whatsapp(principal: Principal, code: str) -> str:
    """Link the number the code was sent to; its E.164 form. Each check counts before it is made."""
    database = get_database()
    codes = LinkCodeRepository(database)
    settings = chat_settings()
    pending = codes.take_attempt(
        WHATSAPP, principal.user_id, now=datetime.now(UTC), max_attempts=settings.chat_link_code_attempts
    )
    if pending is None:
        raise NoLiveCodeError()
    number = str(pending["address"])
    expected = code_hash(WHATSAPP, principal.user_id, number, code)
    if not hmac.compare_digest(expected, pending["code_hash"]):
        left = settings.chat_link_code_attempts - int(pending["attempts"])
        if left <= 0:
            codes.burn(WHATSAPP, principal.user_id)
            raise WrongCodeError("That code is not right, and it was the last try: ask for a new code.")
        raise WrongCodeError(f"That code is not right: {left} {'try' if left == 1 else 'tries'} left.")
    if not codes.consume(WHATSAPP, principal.user_id, expected):
        raise NoLiveCodeError()  # a concurrent check used it first, or a new code replaced it
    links = ChatLinkRepository(database)
    if not links.link(WHATSAPP, number, principal.user_id):
        raise NumberTakenError()
    links.unlink_user(WHATSAPP, principal.user_id, keep=number)
    UserRepository(database).update(principal.user_id, {"whatsapp_number": number, "whatsapp_verified": True})
    return number


def unlink_whatsapp(principal: Principal) -> None:
    """The user's WhatsApp number is theirs no more (and its pending code, if any, stops working)."""
    database = get_database()
    ChatLinkRepository(database).unlink_user(WHATSAPP, principal.user_id)
    LinkCodeRepository(database).burn(WHATSAPP, principal.user_id)
    UserRepository(database).update(principal.user_id, {"whatsapp_number": None, "whatsapp_verified": False})


def token_hash(token: str) -> str:
    return keyed_digest(b"finsight chat link tokens", token)


def telegram_link(principal: Principal) -> TelegramLink:
    """A one-time deep link to the bot that links the chat it is opened in to this account."""
    settings = chat_settings()
    if not settings.telegram_bot_username:
        raise ChannelOffError.of(TELEGRAM)
    admit({f"chat-link-token:user:{principal.user_id}": settings.telegram_links_per_user_per_hour}, CODE_WINDOW_SECONDS)
    token = secrets.token_urlsafe(24)  # 32 characters of A-Z a-z 0-9 _ -: what a start parameter may hold
    ttl = timedelta(seconds=settings.chat_link_code_ttl_seconds)
    LinkTokenRepository(get_database()).replace(
        TELEGRAM, principal.user_id, token_hash=token_hash(token), expires_at=datetime.now(UTC) + ttl
    )
    return TelegramLink(
        link=f"https://t.me/{settings.telegram_bot_username}?start={token}",
        expires_in_minutes=int(ttl.total_seconds() // 60),
    )


def link_telegram_chat(token: str, chat_id: str) -> str:
    """`/start <token>` from a chat: link it to the token's user (once); the bot's answer."""
    database = get_database()
    user_id = LinkTokenRepository(database).consume(TELEGRAM, token_hash(token), now=datetime.now(UTC))
    if user_id is None:
        return TELEGRAM_LINK_DEAD
    links = ChatLinkRepository(database)
    if not links.link(TELEGRAM, chat_id, user_id):
        return TELEGRAM_CHAT_TAKEN
    links.unlink_user(TELEGRAM, user_id, keep=chat_id)
    UserRepository(database).update(user_id, {"telegram_linked": True})
    return TELEGRAM_LINKED


def unlink_telegram(principal: Principal) -> None:
    """The user's Telegram chat is theirs no more (and a pending link stops working)."""
    database = get_database()
    ChatLinkRepository(database).unlink_user(TELEGRAM, principal.user_id)
    LinkTokenRepository(database).burn(TELEGRAM, principal.user_id)
    UserRepository(database).update(principal.user_id, {"telegram_linked": False})
