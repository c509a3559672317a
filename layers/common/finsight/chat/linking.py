"""Linking a WhatsApp number to an account (API.md: the web client's "Link WhatsApp"): checking the code and
unlinking. Sending the code is `finsight.chat.send_code` (it alone parses numbers and talks to Twilio).

A code is sent to the number; it lives CHAT_LINK_CODE_TTL_SECONDS, is stored hashed (keyed with the
signing secret), works once, and CHAT_LINK_CODE_ATTEMPTS wrong tries burn it; a user may ask for
CHAT_LINK_CODES_PER_USER_PER_HOUR codes. A number belongs to one account at a time.
"""

from __future__ import annotations

import hmac
from datetime import UTC, datetime

from finsight.accounts.principal import Principal
from finsight.accounts.users import UserRepository
from finsight.chat.repository import ChatLinkRepository, LinkCodeRepository
from finsight.platform.config import get_settings, keyed_digest
from finsight.platform.db import get_database
from finsight.platform.errors import BadRequestError, ConflictError

WHATSAPP = "whatsapp"
CODE_WINDOW_SECONDS = 3600


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
    settings = get_settings()
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
