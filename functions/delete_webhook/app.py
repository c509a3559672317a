"""DELETE /api/webhooks/{webhook_id}: remove a webhook and its delivery log; queued attempts stop."""

from finsight.platform import coldstart  # noqa: F401 - first: no garbage collection while the function loads

# isort: split
from typing import Annotated

from aws_lambda_powertools.event_handler.depends import Depends

from finsight.accounts.principal import Principal, current_user
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
from finsight.webhooks.service import delete_webhook

router = Router()


@router.delete(
    "/api/webhooks/<webhook_id>",
    summary="Delete a webhook",
    tags=["Webhooks"],
    security=BEARER_AUTH,
    responses=documented_errors(401, 404),
)
def delete_one(webhook_id: str, principal: Annotated[Principal, Depends(current_user)]) -> Success[MessageResponse]:
    delete_webhook(principal, webhook_id)
    return success(MessageResponse(message="Webhook deleted."))


app = create_app(router)
lambda_handler = http_handler(app)
