"""DELETE /api/auth/whatsapp: the account's WhatsApp number is unlinked."""

from finsight.platform import coldstart  # noqa: F401 - first: no garbage collection while the function loads

# isort: split
from typing import Annotated

from aws_lambda_powertools.event_handler.depends import Depends

from finsight.accounts.principal import Principal, current_user
from finsight.chat.linking import unlink_whatsapp
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


@router.delete(
    "/api/auth/whatsapp",
    summary="Unlink WhatsApp",
    description="Idempotent: 200 whether a number was linked or not.",
    tags=["Auth"],
    security=BEARER_AUTH,
    responses=documented_errors(401),
)
def delete_whatsapp(principal: Annotated[Principal, Depends(current_user)]) -> Success[MessageResponse]:
    unlink_whatsapp(principal)
    return success(MessageResponse(message="WhatsApp is no longer linked to your account."))


app = create_app(router)
lambda_handler = http_handler(app)
