"""GET /api/transactions/{transaction_id}: one of the caller's transactions."""

from finsight.platform import coldstart  # noqa: F401 - first: no garbage collection while the function loads

# isort: split
from typing import Annotated

from aws_lambda_powertools.event_handler.depends import Depends

from finsight.accounts.principal import Principal, current_user
from finsight.http import BEARER_AUTH, Router, Success, create_app, documented_errors, http_handler, success
from finsight.transactions.models import Transaction
from finsight.transactions.reads import get_transaction

router = Router()


@router.get(
    "/api/transactions/<transaction_id>",
    summary="Read a transaction",
    description="404 when it does not exist or is not yours; 400 for a malformed id.",
    tags=["Transactions"],
    security=BEARER_AUTH,
    responses=documented_errors(401, 404),
)
def get_one(transaction_id: str, principal: Annotated[Principal, Depends(current_user)]) -> Success[Transaction]:
    return success(get_transaction(principal, transaction_id))


app = create_app(router)
lambda_handler = http_handler(app)
