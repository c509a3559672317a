"""PATCH /api/webhooks/{webhook_id}: turn a webhook off, or on again after it was turned off."""

from finsight.platform import coldstart  # noqa: F401 - first: no garbage collection while the function loads

# isort: split
from typing import Annotated

from aws_lambda_powertools.event_handler.depends import Depends

from finsight.accounts.principal import Principal, current_user
from finsight.http import BEARER_AUTH, Router, Success, create_app, documented_errors, http_handler, success
from finsight.webhooks.models import UpdateWebhookRequest, Webhook
from finsight.webhooks.service import set_enabled

router = Router()


@router.patch(
    "/api/webhooks/<webhook_id>",
    summary="Turn a webhook on or off",
    description='{"enabled": true|false}. A webhook whose deliveries failed for 3 days is turned off by itself.',
    tags=["Webhooks"],
    security=BEARER_AUTH,
    responses=documented_errors(401, 404),
)
def patch_webhook(
    webhook_id: str, body: UpdateWebhookRequest, principal: Annotated[Principal, Depends(current_user)]
) -> Success[Webhook]:
    return success(set_enabled(principal, webhook_id, body.enabled))


app = create_app(router)
lambda_handler = http_handler(app)
