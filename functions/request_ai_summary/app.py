"""POST /api/ai/summary: ask the AI worker for a summary of your spending (poll its task_id)."""

from finsight.platform import coldstart  # noqa: F401 - first: no garbage collection while the function loads

# isort: split
from typing import Annotated

from aws_lambda_powertools.event_handler import Response, content_types
from aws_lambda_powertools.event_handler.depends import Depends

from finsight.accounts.principal import Principal, current_user
from finsight.http import BEARER_AUTH, Router, Success, create_app, documented_errors, http_handler, success
from finsight.insights.models import SummaryTask
from finsight.insights.submit import request_summary

router = Router()


@router.post(
    "/api/ai/summary",
    status_code=202,
    summary="Ask for an AI spending summary",
    description="202 `{task_id}`; read it at `/api/ai/summary/result/{task_id}`. While one of your summaries "
    "is still pending or processing, 429 with its `task_id` and a Retry-After header. 503 when the AI queue "
    "cannot take the request. No body is needed.",
    tags=["AI insights"],
    security=BEARER_AUTH,
    responses=documented_errors(401, 429, 503),
)
def post_summary(principal: Annotated[Principal, Depends(current_user)]) -> Response[Success[SummaryTask]]:
    return Response(202, content_types.APPLICATION_JSON, success(request_summary(principal)))


app = create_app(router)
lambda_handler = http_handler(app)
