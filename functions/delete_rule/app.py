"""DELETE /api/rules/{rule_id}: remove a rule; what it filed stays filed."""

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
from finsight.rules.service import delete_rule

router = Router()


@router.delete(
    "/api/rules/<rule_id>",
    summary="Delete a rule",
    description="What it filed stays filed. Deleting a learned rule also makes the AI entry forget it.",
    tags=["Rules"],
    security=BEARER_AUTH,
    responses=documented_errors(401, 404),
)
def delete_one(rule_id: str, principal: Annotated[Principal, Depends(current_user)]) -> Success[MessageResponse]:
    delete_rule(principal, rule_id)
    return success(MessageResponse(message="Rule deleted; what it filed stays filed."))


app = create_app(router)
lambda_handler = http_handler(app)
