"""Sending a WhatsApp link code: the number read into E.164, the code made, stored hashed, and sent through
Twilio (the rules: `finsight.chat.linking`)."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime, timedelta

from finsight.accounts.principal import Principal
from finsight.chat.channels import WHATSAPP
from finsight.chat.linking import CODE_WINDOW_SECONDS, NumberTakenError, code_hash
from finsight.chat.models import CodeSent
from finsight.chat.phone import to_e164
from finsight.chat.repository import ChatLinkRepository, LinkCodeRepository
from finsight.chat.senders import ChatSendError, whatsapp_sender
from finsight.chat.settings import chat_settings
from finsight.platform.db import get_database
from finsight.platform.limits import admit, forget


def send_whatsapp_code(principal: Principal, raw_number: str) -> CodeSent:
    """Send a 6-digit code to the number (E.164; a national number takes the region of the user's currency)."""
    number = to_e164(raw_number, principal.preferences.currency)
    sender = whatsapp_sender()  # 503 before anything is counted when WhatsApp is off
    database = get_database()
    links = ChatLinkRepository(database)
    if links.owner(WHATSAPP, number) not in (None, principal.user_id):
        raise NumberTakenError()
    settings = chat_settings()
    attempt = admit(
        {f"chat-link-code:user:{principal.user_id}": settings.chat_link_codes_per_user_per_hour}, CODE_WINDOW_SECONDS
    )
    code = f"{secrets.randbelow(10**6):06d}"
    ttl = timedelta(seconds=settings.chat_link_code_ttl_seconds)
    codes = LinkCodeRepository(database)
    codes.replace(
        WHATSAPP,
        principal.user_id,
        address=number,
        code_hash=code_hash(WHATSAPP, principal.user_id, number, code),
        expires_at=datetime.now(UTC) + ttl,
    )
    minutes = int(ttl.total_seconds() // 60)
    try:
        sender.send(number, f"Your FinSight code is {code}. It works for {minutes} minutes. Don't share it.")
    except ChatSendError:
        codes.burn(WHATSAPP, principal.user_id)
        forget(attempt)  # nothing reached the user: it does not count
        raise
    return CodeSent(message=f"Verification code sent to {number} on WhatsApp.", expires_in_minutes=minutes)
