"""POST /api/recurring/suggestions/{key}/accept: schedule a subscription found in your history."""

from finsight.platform import coldstart  # noqa: F401 - first: no garbage collection while the function loads

# isort: split
from typing import Annotated

from aws_lambda_powertools.event_handler.depends import Depends

from finsight.accounts.principal import Principal, current_user
from finsight.http import BEARER_AUTH, Router, Success, create_app, documented_errors, http_handler, success
from finsight.recurring.models import RecurringRule
from finsight.recurring.suggestions import accept

router = Router()


@router.post(
    "/api/recurring/suggestions/<key>/accept",
    status_code=201,
    summary="Schedule a suggested subscription",
    description="A recurring expense from its next expected date. 404 when the history no longer shows it.",
    tags=["Recurring"],
    security=BEARER_AUTH,
    responses=documented_errors(401, 404, 409),
)
def post_accept(key: str, principal: Annotated[Principal, Depends(current_user)]) -> Success[RecurringRule]:
    return success(accept(principal, key))


app = create_app(router)
lambda_handler = http_handler(app)
