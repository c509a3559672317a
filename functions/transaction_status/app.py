"""GET /api/transactions/{transaction_id}/status: processing, completed or failed (with the reason)."""

from finsight.platform import coldstart  # noqa: F401 - first: no garbage collection while the function loads

# isort: split
from typing import Annotated

from aws_lambda_powertools.event_handler.depends import Depends

from finsight.accounts.principal import Principal, current_user
from finsight.http import BEARER_AUTH, Router, Success, create_app, documented_errors, http_handler, success
from finsight.transactions.models import TransactionStatus
from finsight.transactions.reads import transaction_status

router = Router()


@router.get(
    "/api/transactions/<transaction_id>/status",
    summary="Processing status of a transaction",
    tags=["Transactions"],
    security=BEARER_AUTH,
    responses=documented_errors(401, 404),
)
def get_status(
    transaction_id: str, principal: Annotated[Principal, Depends(current_user)]
) -> Success[TransactionStatus]:
    return success(transaction_status(principal, transaction_id))


app = create_app(router)
lambda_handler = http_handler(app)
