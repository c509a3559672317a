"""GET /api/rules: the user's rules, the learned ones included, in the order they are tried."""

from finsight.platform import coldstart  # noqa: F401 - first: no garbage collection while the function loads

# isort: split
from typing import Annotated

from aws_lambda_powertools.event_handler.depends import Depends

from finsight.accounts.principal import Principal, current_user
from finsight.http import BEARER_AUTH, Router, Success, create_app, documented_errors, http_handler, success
from finsight.rules.models import Rule
from finsight.rules.service import list_rules

router = Router()


@router.get(
    "/api/rules",
    summary="List your rules",
    description="Highest priority first. Categories you chose when editing transactions are here as origin: learned.",
    tags=["Rules"],
    security=BEARER_AUTH,
    responses=documented_errors(401),
)
def get_rules(principal: Annotated[Principal, Depends(current_user)]) -> Success[list[Rule]]:
    return success(list_rules(principal))


app = create_app(router)
lambda_handler = http_handler(app)
