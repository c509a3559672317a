"""POST /api/exports: ask for an export of your data (CSV of transactions, or JSON of everything); 202."""

from finsight.platform import coldstart  # noqa: F401 - first: no garbage collection while the function loads

# isort: split
from typing import Annotated

from aws_lambda_powertools.event_handler.depends import Depends

from finsight.accounts.principal import Principal, current_user
from finsight.exports.models import CreateExportRequest, ExportQueued
from finsight.exports.service import create_export
from finsight.http import BEARER_AUTH, Router, Success, create_app, documented_errors, http_handler, success

router = Router()


@router.post(
    "/api/exports",
    status_code=202,
    summary="Export your data",
    description=(
        "format csv: your transactions (UTF-8 with BOM, ISO dates, one signed amount — negative is money out — "
        "currency, category, description, source; no cell a spreadsheet would run as a formula); format json: "
        "everything you own (profile, transactions, budgets, learned categories). start_date/end_date limit "
        "the transactions. Follow it with GET /api/exports/{export_id}. 429 after 20 in an hour."
    ),
    tags=["Exports"],
    security=BEARER_AUTH,
    responses=documented_errors(401, 429, 503),
)
def post_export(
    body: CreateExportRequest, principal: Annotated[Principal, Depends(current_user)]
) -> Success[ExportQueued]:
    return success(create_export(principal, body))


app = create_app(router)
lambda_handler = http_handler(app)
