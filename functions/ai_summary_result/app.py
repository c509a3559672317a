"""GET /api/ai/summary/result/{task_id}: a spending summary's state, and once completed its words and facts."""

from finsight.platform import coldstart  # noqa: F401 - first: no garbage collection while the function loads

# isort: split
from typing import Annotated

from aws_lambda_powertools.event_handler.depends import Depends

from finsight.accounts.principal import Principal, current_user
from finsight.http import BEARER_AUTH, Router, Success, create_app, documented_errors, http_handler, success
from finsight.insights.models import SummaryResult
from finsight.insights.submit import summary_result

router = Router()


@router.get(
    "/api/ai/summary/result/<task_id>",
    summary="Read an AI spending summary",
    description="`status` is pending, processing, completed (with `summary`, `tips` and the `facts` it was "
    "built from) or failed (with `failure_reason`). Only its owner may read it: anyone else, an unknown id "
    "or a summary older than a day gets 404; a malformed id 400.",
    tags=["AI insights"],
    security=BEARER_AUTH,
    responses=documented_errors(401, 404),
)
def get_result(task_id: str, principal: Annotated[Principal, Depends(current_user)]) -> Success[SummaryResult]:
    return success(summary_result(principal, task_id))


app = create_app(router)
lambda_handler = http_handler(app)
