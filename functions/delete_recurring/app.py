"""DELETE /api/recurring/{recurring_id}: stop a recurring expense; what it created stays."""

from finsight.platform import coldstart  # noqa: F401 - first: no garbage collection while the function loads

# isort: split
from typing import Annotated

from aws_lambda_powertools.event_handler.depends import Depends

from finsight.accounts.principal import Principal, current_user
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
from finsight.recurring.service import delete_rule

router = Router()


@router.delete(
    "/api/recurring/<recurring_id>",
    summary="Delete a recurring expense",
    description="The rule goes; the expenses it created stay.",
    tags=["Recurring"],
    security=BEARER_AUTH,
    responses=documented_errors(401, 404),
)
def delete_one(recurring_id: str, principal: Annotated[Principal, Depends(current_user)]) -> Success[MessageResponse]:
    delete_rule(principal, recurring_id)
    return success(MessageResponse(message="Recurring expense deleted; the expenses it created stay."))


app = create_app(router)
lambda_handler = http_handler(app)
