"""POST /api/recurring: a recurring expense (rent, a subscription), created as it comes due."""

from finsight.platform import coldstart  # noqa: F401 - first: no garbage collection while the function loads

# isort: split
from typing import Annotated

from aws_lambda_powertools.event_handler.depends import Depends

from finsight.accounts.principal import Principal, current_user
from finsight.http import BEARER_AUTH, Router, Success, create_app, documented_errors, http_handler, success
from finsight.recurring.models import CreateRecurringRequest, RecurringRule
from finsight.recurring.service import create_rule

router = Router()


@router.post(
    "/api/recurring",
    status_code=201,
    summary="Schedule a recurring expense",
    description=(
        "{amount, currency?, category, description, schedule: {frequency: daily|weekly|monthly|yearly, interval, "
        "day_of_month? (1-31, -1 = the last day), weekday? (0 = Monday), start_date, end_date?, count?}, paused?}. "
        "Each occurrence becomes a transaction (source: recurring) when its day comes in your time zone, once. "
        "Day 31 in a shorter month is its last day; 29 February is 28 February in other years. 409 past 100 rules."
    ),
    tags=["Recurring"],
    security=BEARER_AUTH,
    responses=documented_errors(401, 409),
)
def post_rule(
    body: CreateRecurringRequest, principal: Annotated[Principal, Depends(current_user)]
) -> Success[RecurringRule]:
    return success(create_rule(principal, body))


app = create_app(router)
lambda_handler = http_handler(app)
