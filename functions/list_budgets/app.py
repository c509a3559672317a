"""GET /api/budgets: the caller's budgets of a month, each with its spend and pace."""

from finsight.platform import coldstart  # noqa: F401 - first: no garbage collection while the function loads

# isort: split
from typing import Annotated

from aws_lambda_powertools.event_handler.depends import Depends
from aws_lambda_powertools.event_handler.openapi.params import Query

from finsight.accounts.principal import Principal, current_user
from finsight.budgets.models import Budget
from finsight.budgets.service import list_budgets
from finsight.http import BEARER_AUTH, Router, Success, create_app, documented_errors, http_handler, success

router = Router()


@router.get(
    "/api/budgets",
    summary="List budgets",
    description="The current month's budgets in your time zone; `month` (1-12, and optionally `year`) picks "
    "another month. Each carries `current_spend`, `remaining`, `percent_used` and `pace`.",
    tags=["Budgets"],
    security=BEARER_AUTH,
    responses=documented_errors(401),
)
def get_budgets(
    principal: Annotated[Principal, Depends(current_user)],
    month: Annotated[int | None, Query(ge=1, le=12)] = None,
    year: Annotated[int | None, Query(ge=2000, le=2100)] = None,
) -> Success[list[Budget]]:
    return success(list_budgets(principal, month, year))


app = create_app(router)
lambda_handler = http_handler(app)
