"""GET /api/webhooks: the user's webhooks (never their secrets)."""

from finsight.platform import coldstart  # noqa: F401 - first: no garbage collection while the function loads

# isort: split
from typing import Annotated

from aws_lambda_powertools.event_handler.depends import Depends

from finsight.accounts.principal import Principal, current_user
from finsight.http import BEARER_AUTH, Router, Success, create_app, documented_errors, http_handler, success
from finsight.webhooks.models import Webhook
from finsight.webhooks.service import list_webhooks

router = Router()


@router.get(
    "/api/webhooks",
    summary="List your webhooks",
    tags=["Webhooks"],
    security=BEARER_AUTH,
    responses=documented_errors(401),
)
def get_webhooks(principal: Annotated[Principal, Depends(current_user)]) -> Success[list[Webhook]]:
    return success(list_webhooks(principal))


app = create_app(router)
lambda_handler = http_handler(app)
