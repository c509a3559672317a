"""Receiving chat messages: a provider's webhook is checked and answered at once; the work goes on the queue.

WhatsApp through Twilio: `X-Twilio-Signature` is checked with Twilio's own validator against the public URL
(PUBLIC_API_URL + the route: API Gateway's view of the host may differ) and the auth token; a forged or
unsigned request is a 403. An unlinked sender and a message over CHAT_MAX_MESSAGE_LENGTH are answered
directly in the webhook's TwiML reply, and nothing of them is stored. A linked sender's message becomes one
`chat_message` job, however many times Twilio delivers it.
"""

from __future__ import annotations

from html import escape

from twilio.request_validator import RequestValidator

from finsight.chat.job import ChatMessageJob, InboundRepository
from finsight.chat.repository import ChatLinkRepository
from finsight.chat.senders import ChannelOffError
from finsight.platform import queue
from finsight.platform.config import get_settings, twilio_auth_token
from finsight.platform.db import get_database
from finsight.platform.errors import ForbiddenError, RateLimitedError, ServiceUnavailableError
from finsight.platform.limits import admit
from finsight.platform.rate_events import address_key

WHATSAPP_PATH = "/webhook/whatsapp"
NOT_LINKED = (
    "Hi! This number isn't linked to a FinSight account yet. In FinSight, open Link WhatsApp, enter this "
    "number and the code I send you; then just tell me what you spent, e.g. 'chai 20'."
)
TOO_LONG = (
    "That message is too long for me (at most {limit} characters). Please send your expenses in shorter messages."
)
TOO_FAST = "You're sending messages faster than I can read them. Please wait a minute and send it again."


class InvalidSignatureError(ForbiddenError):
    default_message = "Forbidden: the request is not signed by the provider."


class ChatQueueUnavailableError(ServiceUnavailableError):
    default_message = "The message could not be taken just now; the provider will deliver it again."


def twiml(text: str | None = None) -> str:
    """Twilio's reply document: a message back to the sender, or nothing."""
    if text is None:
        return '<?xml version="1.0" encoding="UTF-8"?><Response/>'
    return f'<?xml version="1.0" encoding="UTF-8"?><Response><Message>{escape(text, quote=False)}</Message></Response>'


def receive_whatsapp(form: dict[str, str], signature: str, *, path: str = WHATSAPP_PATH) -> str:
    """Check Twilio's signature (of the URL it called: PUBLIC_API_URL and the request's `path`), then answer
    the message (TwiML) or queue it for the worker."""
    settings = get_settings()
    token = twilio_auth_token()
    if not (token and settings.twilio_account_sid and settings.public_api_url):
        raise ChannelOffError()
    url = settings.public_api_url.rstrip("/") + path
    if not signature or not RequestValidator(token).validate(url, form, signature):
        raise InvalidSignatureError()
    message_id, text = form.get("MessageSid", ""), form.get("Body", "")
    address = form.get("From", "").removeprefix("whatsapp:")
    if not message_id or not address:
        return twiml()  # not a message (a status callback): nothing to do
    try:
        admit({address_key("chat-in:whatsapp", address): settings.chat_messages_per_sender_per_minute}, 60)
    except RateLimitedError:
        return twiml(TOO_FAST)
    if len(text) > settings.chat_max_message_length:
        return twiml(TOO_LONG.format(limit=settings.chat_max_message_length))
    database = get_database()
    owner = ChatLinkRepository(database).owner("whatsapp", address)
    if owner is None:
        return twiml(NOT_LINKED)
    job = ChatMessageJob(user_id=owner, channel="whatsapp", message_id=message_id, address=address, text=text)
    inbound = InboundRepository(database)
    if inbound.first_delivery(job.key):
        queue.send_job(job, undo=lambda: inbound.forget(job.key), error=ChatQueueUnavailableError())
    return twiml()
