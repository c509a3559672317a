"""GET /api/recurring/{recurring_id}/upcoming?n=: a recurring expense's next occurrences, in your time zone."""

from finsight.platform import coldstart  # noqa: F401 - first: no garbage collection while the function loads

# isort: split
from typing import Annotated

from aws_lambda_powertools.event_handler.depends import Depends
from aws_lambda_powertools.event_handler.openapi.params import Query

from finsight.accounts.principal import Principal, current_user
from finsight.http import BEARER_AUTH, Router, Success, create_app, documented_errors, http_handler, success
from finsight.recurring.models import Upcoming
from finsight.recurring.service import next_occurrences

router = Router()


@router.get(
    "/api/recurring/<recurring_id>/upcoming",
    summary="A recurring expense's next occurrences",
    tags=["Recurring"],
    security=BEARER_AUTH,
    responses=documented_errors(401, 404),
)
def get_upcoming(
    recurring_id: str,
    principal: Annotated[Principal, Depends(current_user)],
    n: Annotated[int, Query(ge=1, le=50)] = 5,
) -> Success[Upcoming]:
    return success(next_occurrences(principal, recurring_id, n))


app = create_app(router)
lambda_handler = http_handler(app)
