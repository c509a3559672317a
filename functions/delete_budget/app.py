"""DELETE /api/budgets/{budget_id}: remove a budget (its transactions stay)."""

from finsight.platform import coldstart  # noqa: F401 - first: no garbage collection while the function loads

# isort: split
from typing import Annotated

from aws_lambda_powertools.event_handler.depends import Depends

from finsight.accounts.principal import Principal, current_user
from finsight.budgets.service import delete_budget
from finsight.http import (
    BEARER_AUTH,
    MessageResponse,
    Router,
    Success,
    create_app,
    documented_errors,
    http_handler,
    success,
)

router = Router()


@router.delete(
    "/api/budgets/<budget_id>",
    summary="Delete a budget",
    tags=["Budgets"],
    security=BEARER_AUTH,
    responses=documented_errors(401, 404),
)
def delete_one(budget_id: str, principal: Annotated[Principal, Depends(current_user)]) -> Success[MessageResponse]:
    delete_budget(principal, budget_id)
    return success(MessageResponse(message="Budget deleted."))


app = create_app(router)
lambda_handler = http_handler(app)
