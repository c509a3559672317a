"""GET /api/exports/{export_id}: an export's state, and its download link once written (15 minutes)."""

from finsight.platform import coldstart  # noqa: F401 - first: no garbage collection while the function loads

# isort: split
from typing import Annotated

from aws_lambda_powertools.event_handler.depends import Depends

from finsight.accounts.principal import Principal, current_user
from finsight.exports.models import ExportView
from finsight.exports.service import get_export
from finsight.http import BEARER_AUTH, Router, Success, create_app, documented_errors, http_handler, success

router = Router()


@router.get(
    "/api/exports/<export_id>",
    summary="An export and its download link",
    description="status queued, processing, completed (download_url: a new 15-minute link each time) or failed.",
    tags=["Exports"],
    security=BEARER_AUTH,
    responses=documented_errors(401, 404, 503),
)
def get_one(export_id: str, principal: Annotated[Principal, Depends(current_user)]) -> Success[ExportView]:
    return success(get_export(principal, export_id))


app = create_app(router)
lambda_handler = http_handler(app)
