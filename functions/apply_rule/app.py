"""POST /api/rules/{rule_id}/apply?dry_run=: re-file the transactions already there by a rule."""

from finsight.platform import coldstart  # noqa: F401 - first: no garbage collection while the function loads

# isort: split
from typing import Annotated

from aws_lambda_powertools.event_handler.depends import Depends
from aws_lambda_powertools.event_handler.openapi.params import Query

from finsight.accounts.principal import Principal, current_user
from finsight.http import BEARER_AUTH, Router, Success, create_app, documented_errors, http_handler, success
from finsight.rules.models import ApplyResult
from finsight.rules.service import apply_rule

router = Router()


@router.post(
    "/api/rules/<rule_id>/apply",
    summary="Apply a rule to existing transactions",
    description="dry_run=true (the default) counts what it matches and would change; dry_run=false changes them.",
    tags=["Rules"],
    security=BEARER_AUTH,
    responses=documented_errors(401, 404),
)
def post_apply(
    rule_id: str,
    principal: Annotated[Principal, Depends(current_user)],
    dry_run: Annotated[bool, Query()] = True,
) -> Success[ApplyResult]:
    return success(apply_rule(principal, rule_id, dry_run=dry_run))


app = create_app(router)
lambda_handler = http_handler(app)
