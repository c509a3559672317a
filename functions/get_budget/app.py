"""GET /api/budgets/{budget_id}: one of the caller's budgets, with its spend and pace."""

from finsight.platform import coldstart  # noqa: F401 - first: no garbage collection while the function loads

# isort: split
from typing import Annotated

from aws_lambda_powertools.event_handler.depends import Depends

from finsight.accounts.principal import Principal, current_user
from finsight.budgets.models import Budget
from finsight.budgets.service import get_budget
from finsight.http import BEARER_AUTH, Router, Success, create_app, documented_errors, http_handler, success

router = Router()


@router.get(
    "/api/budgets/<budget_id>",
    summary="Read a budget",
    description="404 when it does not exist or is not yours; 400 for a malformed id.",
    tags=["Budgets"],
    security=BEARER_AUTH,
    responses=documented_errors(401, 404),
)
def get_one(budget_id: str, principal: Annotated[Principal, Depends(current_user)]) -> Success[Budget]:
    return success(get_budget(principal, budget_id))


app = create_app(router)
lambda_handler = http_handler(app)
