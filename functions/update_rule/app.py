"""PATCH /api/rules/{rule_id}: change a rule (a learned one too)."""

from finsight.platform import coldstart  # noqa: F401 - first: no garbage collection while the function loads

# isort: split
from typing import Annotated

from aws_lambda_powertools.event_handler.depends import Depends

from finsight.accounts.principal import Principal, current_user
from finsight.http import BEARER_AUTH, Router, Success, create_app, documented_errors, http_handler, success
from finsight.rules.models import Rule, UpdateRuleRequest
from finsight.rules.service import update_rule

router = Router()


@router.patch(
    "/api/rules/<rule_id>",
    summary="Change a rule",
    description="Any of match, set, priority (each replaced whole).",
    tags=["Rules"],
    security=BEARER_AUTH,
    responses=documented_errors(401, 404),
)
def patch_rule(
    rule_id: str, body: UpdateRuleRequest, principal: Annotated[Principal, Depends(current_user)]
) -> Success[Rule]:
    return success(update_rule(principal, rule_id, body))


app = create_app(router)
lambda_handler = http_handler(app)
