"""GET /api/transactions/summary: completed spend of the current month, in the user's time zone."""

from finsight.platform import coldstart  # noqa: F401 - first: no garbage collection while the function loads

# isort: split
from typing import Annotated

from aws_lambda_powertools.event_handler.depends import Depends

from finsight.accounts.principal import Principal, current_user
from finsight.http import BEARER_AUTH, Router, Success, create_app, documented_errors, http_handler, success
from finsight.transactions.listing import MonthSummary, month_summary

router = Router()


@router.get(
    "/api/transactions/summary",
    summary="This month's spending",
    description="`current_month_spend` sums completed transactions of your current calendar month (your time "
    "zone, your currency; other currencies are listed apart), with the spend per category.",
    tags=["Transactions"],
    security=BEARER_AUTH,
    responses=documented_errors(401),
)
def get_summary(principal: Annotated[Principal, Depends(current_user)]) -> Success[MonthSummary]:
    return success(month_summary(principal))


app = create_app(router)
lambda_handler = http_handler(app)
