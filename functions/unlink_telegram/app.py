"""DELETE /api/auth/telegram: the account's Telegram chat is unlinked."""

from finsight.platform import coldstart  # noqa: F401 - first: no garbage collection while the function loads

# isort: split
from typing import Annotated

from aws_lambda_powertools.event_handler.depends import Depends

from finsight.accounts.principal import Principal, current_user
from finsight.chat.linking import unlink_telegram
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
    "/api/auth/telegram",
    summary="Unlink Telegram",
    description="Idempotent: 200 whether a chat was linked or not; a pending link stops working too.",
    tags=["Auth"],
    security=BEARER_AUTH,
    responses=documented_errors(401),
)
def delete_telegram(principal: Annotated[Principal, Depends(current_user)]) -> Success[MessageResponse]:
    unlink_telegram(principal)
    return success(MessageResponse(message="Telegram is no longer linked to your account."))


app = create_app(router)
lambda_handler = http_handler(app)
