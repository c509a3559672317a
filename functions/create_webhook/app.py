"""POST /api/webhooks: register an HTTPS endpoint for domain events; the signing secret is shown once."""

from finsight.platform import coldstart  # noqa: F401 - first: no garbage collection while the function loads

# isort: split
from typing import Annotated

from aws_lambda_powertools.event_handler.depends import Depends

from finsight.accounts.principal import Principal, current_user
from finsight.http import BEARER_AUTH, Router, Success, create_app, documented_errors, http_handler, success
from finsight.webhooks.models import CreatedWebhook, CreateWebhookRequest
from finsight.webhooks.service import create_webhook

router = Router()


@router.post(
    "/api/webhooks",
    status_code=201,
    summary="Register a webhook",
    description=(
        "{url (https; no private, loopback or link-local addresses), events: [transaction.created, "
        "transaction.updated, transaction.deleted, budget.threshold_crossed, import.completed, recurring.occurred], "
        "description?}. The answer's secret signs every delivery (X-FinSight-Signature: t=<unix seconds>,v1=<hex "
        'HMAC-SHA256 of "<t>.<raw body>">) and is shown only here. 409 past the webhook limit (10).'
    ),
    tags=["Webhooks"],
    security=BEARER_AUTH,
    responses=documented_errors(401, 409),
)
def post_webhook(
    body: CreateWebhookRequest, principal: Annotated[Principal, Depends(current_user)]
) -> Success[CreatedWebhook]:
    return success(create_webhook(principal, body))


app = create_app(router)
lambda_handler = http_handler(app)
