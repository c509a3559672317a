"""POST /api/auth/verify-whatsapp: the code sent to a WhatsApp number links that number to the account."""

from finsight.platform import coldstart  # noqa: F401 - first: no garbage collection while the function loads

# isort: split
from typing import Annotated

from aws_lambda_powertools.event_handler.depends import Depends

from finsight.accounts.principal import Principal, current_user
from finsight.chat.linking import verify_whatsapp
from finsight.chat.models import VerifyWhatsappRequest
from finsight.http import (
    BEARER_AUTH,
    MessageResponse,
    Router,
    Success,
    create_app,
    documented_errors,
    http_handler,
    success,
)

router = Router()


@router.post(
    "/api/auth/verify-whatsapp",
    summary="Link a WhatsApp number with its code",
    description=(
        "400 with a readable message for a wrong code (5 tries burn it), an expired or a used one; 409 when "
        "another account linked the number meanwhile. The profile then shows the number, verified."
    ),
    tags=["Auth"],
    security=BEARER_AUTH,
    responses=documented_errors(401, 409),
)
def post_verify(
    body: VerifyWhatsappRequest, principal: Annotated[Principal, Depends(current_user)]
) -> Success[MessageResponse]:
    number = verify_whatsapp(principal, body.code)
    return success(MessageResponse(message=f"WhatsApp {number} is linked to your account."))


app = create_app(router)
lambda_handler = http_handler(app)
