"""POST /webhook/telegram: Telegram's bot webhook. Checks X-Telegram-Bot-Api-Secret-Token and answers at once
(nothing, or a sendMessage reply); a linked chat's message goes on the AI queue as a chat_message job."""

from finsight.platform import coldstart  # noqa: F401 - first: no garbage collection while the function loads

# isort: split
import json

from aws_lambda_powertools.event_handler import Response

from finsight.chat.telegram_webhook import receive_telegram
from finsight.http import Router, create_app, documented_errors, http_handler

router = Router()


@router.post(
    "/webhook/telegram",
    summary="Telegram webhook",
    description=(
        "Telegram's Update, with the secret given to setWebhook in X-Telegram-Bot-Api-Secret-Token (403 "
        "otherwise). Answers nothing, or a sendMessage to a chat that is not linked, sent too much, or just "
        "linked with /start <token>. 400 for a body that is not an update, 503 when Telegram is off."
    ),
    tags=["Webhooks"],
    responses={
        200: {
            "description": "Nothing ({}), or a Bot API sendMessage call Telegram makes for the webhook",
            "content": {
                "application/json": {
                    "schema": {
                        "type": "object",
                        "properties": {
                            "method": {"type": "string", "enum": ["sendMessage"]},
                            "chat_id": {"type": "integer"},
                            "text": {"type": "string"},
                        },
                    }
                }
            },
        },
        **documented_errors(400, 403, 503),
    },
)
def post_telegram():  # type: () -> Response[str]
    event = router.current_event
    secret = event.headers.get("X-Telegram-Bot-Api-Secret-Token") or ""  # headers are case-insensitive here
    reply = receive_telegram(event.decoded_body or "", secret)
    return Response(200, "application/json", "{}" if reply is None else json.dumps(reply, ensure_ascii=False))


app = create_app(router)
lambda_handler = http_handler(app)
