"""POST /api/auth/send-whatsapp-code: send a 6-digit code to a WhatsApp number, to link it to the account."""

from finsight.platform import coldstart  # noqa: F401 - first: no garbage collection while the function loads

# isort: split
from typing import Annotated

from aws_lambda_powertools.event_handler.depends import Depends

from finsight.accounts.principal import Principal, current_user
from finsight.chat.models import CodeSent, SendWhatsappCodeRequest
from finsight.chat.send_code import send_whatsapp_code
from finsight.http import BEARER_AUTH, Router, Success, create_app, documented_errors, http_handler, success

router = Router()


@router.post(
    "/api/auth/send-whatsapp-code",
    summary="Send a WhatsApp verification code",
    description=(
        "The number in any usual form; without a country code it takes the region of your currency (India for "
        "INR). 400 for an invalid number, 409 when another account has it, 429 after 3 codes in an hour, 503 "
        "when WhatsApp is off or did not take the message. A new code replaces the previous one."
    ),
    tags=["Auth"],
    security=BEARER_AUTH,
    responses=documented_errors(401, 409, 429, 503),
)
def post_send_code(
    body: SendWhatsappCodeRequest, principal: Annotated[Principal, Depends(current_user)]
) -> Success[CodeSent]:
    return success(send_whatsapp_code(principal, body.whatsapp_number))


app = create_app(router)
lambda_handler = http_handler(app)
