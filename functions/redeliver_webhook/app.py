"""POST /api/webhooks/{webhook_id}/deliveries/{delivery_id}/redeliver: send a delivery again."""

from finsight.platform import coldstart  # noqa: F401 - first: no garbage collection while the function loads

# isort: split
from typing import Annotated

from aws_lambda_powertools.event_handler.depends import Depends

from finsight.accounts.principal import Principal, current_user
from finsight.http import BEARER_AUTH, Router, Success, create_app, documented_errors, http_handler, success
from finsight.webhooks.models import WebhookDelivery
from finsight.webhooks.service import redeliver

router = Router()


@router.post(
    "/api/webhooks/<webhook_id>/deliveries/<delivery_id>/redeliver",
    status_code=202,
    summary="Send a delivery again",
    description=(
        "The same event (same id and body, a new signature) with a new day of retries. 409 while the delivery is "
        "still being tried or the webhook is off; 503 when it could not be queued."
    ),
    tags=["Webhooks"],
    security=BEARER_AUTH,
    responses=documented_errors(401, 404, 409, 503),
)
def post_redeliver(
    webhook_id: str, delivery_id: str, principal: Annotated[Principal, Depends(current_user)]
) -> Success[WebhookDelivery]:
    return success(redeliver(principal, webhook_id, delivery_id))


app = create_app(router)
lambda_handler = http_handler(app)
