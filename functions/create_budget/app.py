"""POST /api/budgets: a monthly limit for one category."""

from finsight.platform import coldstart  # noqa: F401 - first: no garbage collection while the function loads

# isort: split
from typing import Annotated

from aws_lambda_powertools.event_handler import Response, content_types
from aws_lambda_powertools.event_handler.depends import Depends

from finsight.accounts.principal import Principal, current_user
from finsight.budgets.models import Budget, CreateBudgetRequest
from finsight.budgets.service import create_budget
from finsight.http import BEARER_AUTH, Router, Success, create_app, documented_errors, http_handler, success

router = Router()


@router.post(
    "/api/budgets",
    status_code=201,
    summary="Create a budget",
    description="`{category, limit, month?, year?}`: limit > 0 and ≤ 10,000,000 with at most 2 decimals; "
    "month and year default to the current month in your time zone and cannot be in the past. 409 when that "
    "category already has a budget that month.",
    tags=["Budgets"],
    security=BEARER_AUTH,
    responses=documented_errors(401, 409),
)
def post_budget(
    body: CreateBudgetRequest, principal: Annotated[Principal, Depends(current_user)]
) -> Response[Success[Budget]]:
    return Response(201, content_types.APPLICATION_JSON, success(create_budget(principal, body)))


app = create_app(router)
lambda_handler = http_handler(app)
