"""GET /api/webhooks/{webhook_id}/deliveries?limit=: the webhook's delivery log, newest first."""

from finsight.platform import coldstart  # noqa: F401 - first: no garbage collection while the function loads

# isort: split
from typing import Annotated

from aws_lambda_powertools.event_handler.depends import Depends
from aws_lambda_powertools.event_handler.openapi.params import Query

from finsight.accounts.principal import Principal, current_user
from finsight.http import BEARER_AUTH, Router, Success, create_app, documented_errors, http_handler, success
from finsight.webhooks.models import WebhookDelivery
from finsight.webhooks.service import list_deliveries

router = Router()


@router.get(
    "/api/webhooks/<webhook_id>/deliveries",
    summary="A webhook's delivery log",
    description="Newest first (kept 30 days): status, attempts, the last response code and error.",
    tags=["Webhooks"],
    security=BEARER_AUTH,
    responses=documented_errors(401, 404),
)
def get_deliveries(
    webhook_id: str,
    principal: Annotated[Principal, Depends(current_user)],
    limit: Annotated[int, Query(ge=1, le=100)] = 50,
) -> Success[list[WebhookDelivery]]:
    return success(list_deliveries(principal, webhook_id, limit))


app = create_app(router)
lambda_handler = http_handler(app)
