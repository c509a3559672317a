"""Receiving chat messages, the part every channel shares: a provider's webhook (`twilio_webhook`,
`telegram_webhook`) checks the request is the provider's and answers at once; then a message goes through
`screen` (a sender writing too fast, a message over CHAT_MAX_MESSAGE_LENGTH) and `queue_if_linked` (an
unlinked sender is told how to link). What they return is answered directly in the webhook's reply, and
nothing of such a message is stored. A linked sender's message becomes one `chat_message` job on the AI
queue, however many times the provider delivers it.
"""

from __future__ import annotations

from finsight.chat.channels import TELEGRAM, WHATSAPP, Channel
from finsight.chat.job import ChatMessageJob, InboundRepository
from finsight.chat.repository import ChatLinkRepository
from finsight.chat.settings import chat_settings
from finsight.platform import queue
from finsight.platform.db import get_database
from finsight.platform.errors import ForbiddenError, RateLimitedError, ServiceUnavailableError
from finsight.platform.limits import admit
from finsight.platform.rate_events import address_key

NOT_LINKED = {
    WHATSAPP: (
        "Hi! This number isn't linked to a FinSight account yet. In FinSight, open Link WhatsApp, enter this "
        "number and the code I send you; then just tell me what you spent, e.g. 'chai 20'."
    ),
    TELEGRAM: (
        "Hi! This chat isn't linked to a FinSight account yet. Open the Telegram link FinSight gives you "
        "(it works once, for 10 minutes); then just tell me what you spent, e.g. 'chai 20'."
    ),
}
TOO_LONG = (
    "That message is too long for me (at most {limit} characters). Please send your expenses in shorter messages."
)
TOO_FAST = "You're sending messages faster than I can read them. Please wait a minute and send it again."


class InvalidSignatureError(ForbiddenError):
    default_message = "Forbidden: the request is not signed by the provider."


class ChatQueueUnavailableError(ServiceUnavailableError):
    default_message = "The message could not be taken just now; the provider will deliver it again."


def screen(channel: Channel, address: str, text: str) -> str | None:
    """The refusal of a message read no further (its sender writes too fast, it is too long), or None."""
    settings = chat_settings()
    try:
        admit({address_key(f"chat-in:{channel}", address): settings.chat_messages_per_sender_per_minute}, 60)
    except RateLimitedError:
        return TOO_FAST
    if len(text) > settings.chat_max_message_length:
        return TOO_LONG.format(limit=settings.chat_max_message_length)
    return None


def queue_if_linked(channel: Channel, message_id: str, address: str, text: str) -> str | None:
    """Queue a linked sender's message for the worker, once per provider message id (None); an unlinked
    sender gets how to link."""
    database = get_database()
    owner = ChatLinkRepository(database).owner(channel, address)
    if owner is None:
        return NOT_LINKED[channel]
    job = ChatMessageJob(user_id=owner, channel=channel, message_id=message_id, address=address, text=text)
    inbound = InboundRepository(database)
    if inbound.first_delivery(job.key):
        queue.send_job(job, undo=lambda: inbound.forget(job.key), error=ChatQueueUnavailableError())
    return None
