"""GET /api/transactions/history: completed transactions grouped by day in the user's time zone."""

from finsight.platform import coldstart  # noqa: F401 - first: no garbage collection while the function loads

# isort: split
from typing import Annotated

from aws_lambda_powertools.event_handler.depends import Depends
from aws_lambda_powertools.event_handler.openapi.params import Query

from finsight.accounts.principal import Principal, current_user
from finsight.http import BEARER_AUTH, Router, Success, create_app, documented_errors, http_handler, success
from finsight.transactions.listing import HistoryDay, history
from finsight.transactions.models import DATE_OR_DATETIME_PATTERN

router = Router()


@router.get(
    "/api/transactions/history",
    summary="Daily spending history",
    description="Newest day first. `start_date`/`end_date`: a date (that whole day in your time zone; the end "
    "date is included) or a datetime with offset. Default: the last 30 days; at most 366 days.",
    tags=["Transactions"],
    security=BEARER_AUTH,
    responses=documented_errors(401),
)
def get_history(
    principal: Annotated[Principal, Depends(current_user)],
    start_date: Annotated[str | None, Query(pattern=DATE_OR_DATETIME_PATTERN, max_length=40)] = None,
    end_date: Annotated[str | None, Query(pattern=DATE_OR_DATETIME_PATTERN, max_length=40)] = None,
) -> Success[list[HistoryDay]]:
    return success(history(principal, start_date, end_date))


app = create_app(router)
lambda_handler = http_handler(app)
