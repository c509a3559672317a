"""GET /api/recurring: the user's recurring expenses."""

from finsight.platform import coldstart  # noqa: F401 - first: no garbage collection while the function loads

# isort: split
from typing import Annotated

from aws_lambda_powertools.event_handler.depends import Depends

from finsight.accounts.principal import Principal, current_user
from finsight.http import BEARER_AUTH, Router, Success, create_app, documented_errors, http_handler, success
from finsight.recurring.models import RecurringRule
from finsight.recurring.service import list_rules

router = Router()


@router.get(
    "/api/recurring",
    summary="List your recurring expenses",
    tags=["Recurring"],
    security=BEARER_AUTH,
    responses=documented_errors(401),
)
def get_rules(principal: Annotated[Principal, Depends(current_user)]) -> Success[list[RecurringRule]]:
    return success(list_rules(principal))


app = create_app(router)
lambda_handler = http_handler(app)
