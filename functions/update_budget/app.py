"""PUT and PATCH /api/budgets/{budget_id}: change any of limit, category, month, year."""

from finsight.platform import coldstart  # noqa: F401 - first: no garbage collection while the function loads

# isort: split
from typing import Annotated

from aws_lambda_powertools.event_handler.depends import Depends

from finsight.accounts.principal import Principal, current_user
from finsight.budgets.models import Budget, UpdateBudgetRequest
from finsight.budgets.service import update_budget
from finsight.http import BEARER_AUTH, Router, Success, create_app, documented_errors, http_handler, success

router = Router()

DESCRIPTION = (
    "Any subset of `limit`, `category`, `month`, `year` (PUT and PATCH alike). Moving a budget into a past "
    "month is refused (400); onto a category and month that already has one, 409."
)


@router.route(
    "/api/budgets/<budget_id>",
    method=["PUT", "PATCH"],
    summary="Edit a budget",
    description=DESCRIPTION,
    tags=["Budgets"],
    security=BEARER_AUTH,
    responses=documented_errors(401, 404, 409),
)
def edit_one(
    budget_id: str, body: UpdateBudgetRequest, principal: Annotated[Principal, Depends(current_user)]
) -> Success[Budget]:
    return success(update_budget(principal, budget_id, body))


app = create_app(router)
lambda_handler = http_handler(app)
