"""POST /webhook/whatsapp: Twilio's WhatsApp webhook. Checks the signature and answers at once (TwiML); a linked
sender's message goes on the AI queue as a chat_message job, read by the AI worker."""

from finsight.platform import coldstart  # noqa: F401 - first: no garbage collection while the function loads

# isort: split
from urllib.parse import parse_qsl

from aws_lambda_powertools.event_handler import Response

from finsight.chat.twilio_webhook import receive_whatsapp
from finsight.http import Router, create_app, documented_errors, http_handler

router = Router()


@router.post(
    "/webhook/whatsapp",
    summary="WhatsApp webhook (Twilio)",
    description=(
        "Twilio's form-encoded message webhook, signed with X-Twilio-Signature (403 otherwise). Answers TwiML: "
        "nothing, or a reply to a sender that is not linked or sent too much. 503 when WhatsApp is off."
    ),
    tags=["Webhooks"],
    responses={
        200: {"description": "TwiML: nothing, or a reply", "content": {"text/xml": {"schema": {"type": "string"}}}},
        **documented_errors(400, 403, 503),
    },
)
def post_whatsapp():  # type: () -> Response[str]
    event = router.current_event
    form = dict(parse_qsl(event.decoded_body or "", keep_blank_values=True))
    signature = event.headers.get("X-Twilio-Signature") or ""  # headers are case-insensitive here
    return Response(200, "text/xml", receive_whatsapp(form, signature, path=event.path))


app = create_app(router, form_bodies=True)
lambda_handler = http_handler(app)
