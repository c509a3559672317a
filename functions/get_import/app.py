"""GET /api/imports/{import_id}: an import's state and counts (owner only)."""

from finsight.platform import coldstart  # noqa: F401 - first: no garbage collection while the function loads

# isort: split
from typing import Annotated

from aws_lambda_powertools.event_handler.depends import Depends

from finsight.accounts.principal import Principal, current_user
from finsight.http import BEARER_AUTH, Router, Success, create_app, documented_errors, http_handler, success
from finsight.imports.models import ImportView
from finsight.imports.service import get_import

router = Router()


@router.get(
    "/api/imports/<import_id>",
    summary="An import's progress",
    description=(
        "status: awaiting_upload, uploaded, processing, needs_mapping (see columns and sample, then PUT "
        "…/mapping), completed or failed (failure_reason); counts of rows imported, already there "
        "(duplicate), income (skipped), pending at the bank (skipped) and invalid (the first 50, with reasons)."
    ),
    tags=["Imports"],
    security=BEARER_AUTH,
    responses=documented_errors(401, 404),
)
def get_one(import_id: str, principal: Annotated[Principal, Depends(current_user)]) -> Success[ImportView]:
    return success(get_import(principal, import_id))


app = create_app(router)
lambda_handler = http_handler(app)
