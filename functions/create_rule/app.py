"""POST /api/rules: a rule that files new transactions on every entry path."""

from finsight.platform import coldstart  # noqa: F401 - first: no garbage collection while the function loads

# isort: split
from typing import Annotated

from aws_lambda_powertools.event_handler.depends import Depends

from finsight.accounts.principal import Principal, current_user
from finsight.http import BEARER_AUTH, Router, Success, create_app, documented_errors, http_handler, success
from finsight.rules.models import CreateRuleRequest, Rule
from finsight.rules.service import create_rule

router = Router()


@router.post(
    "/api/rules",
    status_code=201,
    summary="Create a rule",
    description=(
        "{match: {description_contains?, merchant?, regex? (RE2: linear time), amount_between? [min, max]}, "
        "set: {category?, tags?, description?}, priority? (0-1000, default 100)}. New transactions from the API, "
        "AI entries, chat, imports and recurring expenses are filed by the first rule that matches, highest "
        "priority first. 409 past 200 rules."
    ),
    tags=["Rules"],
    security=BEARER_AUTH,
    responses=documented_errors(401, 409),
)
def post_rule(body: CreateRuleRequest, principal: Annotated[Principal, Depends(current_user)]) -> Success[Rule]:
    return success(create_rule(principal, body))


app = create_app(router)
lambda_handler = http_handler(app)
