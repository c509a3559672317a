"""WhatsApp's webhook, through Twilio: `X-Twilio-Signature` is checked with Twilio's own validator against the
public URL (PUBLIC_API_URL + the route: API Gateway's view of the host may differ) and the auth token, then
the message takes the shared path (`finsight.chat.webhook`); Twilio gets TwiML back."""

from __future__ import annotations

from html import escape

from twilio.request_validator import RequestValidator

from finsight.chat.channels import WHATSAPP, ChannelOffError
from finsight.chat.settings import chat_settings, twilio_auth_token
from finsight.chat.webhook import InvalidSignatureError, queue_if_linked, screen

WHATSAPP_PATH = "/webhook/whatsapp"


def twiml(text: str | None = None) -> str:
    """Twilio's reply document: a message back to the sender, or nothing."""
    if text is None:
        return '<?xml version="1.0" encoding="UTF-8"?><Response/>'
    return f'<?xml version="1.0" encoding="UTF-8"?><Response><Message>{escape(text, quote=False)}</Message></Response>'


def receive_whatsapp(form: dict[str, str], signature: str, *, path: str = WHATSAPP_PATH) -> str:
    """Check Twilio's signature (of the URL it called: PUBLIC_API_URL and the request's `path`), then answer
    the message (TwiML) or queue it for the worker."""
    settings = chat_settings()
    token = twilio_auth_token() if settings.twilio_account_sid else None  # off: the parameter is not read
    if not (token and settings.twilio_account_sid and settings.public_api_url):
        raise ChannelOffError.of(WHATSAPP)
    url = settings.public_api_url.rstrip("/") + path
    if not signature or not RequestValidator(token).validate(url, form, signature):
        raise InvalidSignatureError()
    message_id, text = form.get("MessageSid", ""), form.get("Body", "")
    address = form.get("From", "").removeprefix("whatsapp:")
    if not message_id or not address:
        return twiml()  # not a message (a status callback): nothing to do
    return twiml(screen(WHATSAPP, address, text) or queue_if_linked(WHATSAPP, message_id, address, text))
