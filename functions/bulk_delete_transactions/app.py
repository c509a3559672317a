"""POST /api/transactions/bulk-delete: delete up to 500 of your transactions in one request."""

from finsight.platform import coldstart  # noqa: F401 - first: no garbage collection while the function loads

# isort: split
from typing import Annotated

from aws_lambda_powertools.event_handler.depends import Depends

from finsight.accounts.principal import Principal, current_user
from finsight.http import BEARER_AUTH, Router, Success, create_app, documented_errors, http_handler, success
from finsight.transactions.bulk import BulkDeleteRequest, BulkDeleteResult, bulk_delete

router = Router()


@router.post(
    "/api/transactions/bulk-delete",
    summary="Delete many transactions",
    description=(
        "Up to 500 ids (duplicates count once). 200 with what was deleted and, for each other id, why not: "
        "'malformed id', 'not found' (absent, or not yours: the same answer), 'processing' (an AI entry still "
        "being read; delete it when it is done). 400 for an empty list or more than 500."
    ),
    tags=["Transactions"],
    security=BEARER_AUTH,
    responses=documented_errors(401),
)
def post_bulk_delete(
    body: BulkDeleteRequest, principal: Annotated[Principal, Depends(current_user)]
) -> Success[BulkDeleteResult]:
    return success(bulk_delete(principal, body.ids))


app = create_app(router)
lambda_handler = http_handler(app)
