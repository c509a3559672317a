"""PATCH /api/recurring/{recurring_id}: change a recurring expense for the occurrences not created yet."""

from finsight.platform import coldstart  # noqa: F401 - first: no garbage collection while the function loads

# isort: split
from typing import Annotated

from aws_lambda_powertools.event_handler.depends import Depends

from finsight.accounts.principal import Principal, current_user
from finsight.http import BEARER_AUTH, Router, Success, create_app, documented_errors, http_handler, success
from finsight.recurring.models import RecurringRule, UpdateRecurringRequest
from finsight.recurring.service import update_rule

router = Router()


@router.patch(
    "/api/recurring/<recurring_id>",
    summary="Change a recurring expense",
    description="Any subset of the fields; expenses it created already keep what they were. paused stops it.",
    tags=["Recurring"],
    security=BEARER_AUTH,
    responses=documented_errors(401, 404),
)
def patch_rule(
    recurring_id: str, body: UpdateRecurringRequest, principal: Annotated[Principal, Depends(current_user)]
) -> Success[RecurringRule]:
    return success(update_rule(principal, recurring_id, body))


app = create_app(router)
lambda_handler = http_handler(app)
