"""PATCH /api/transactions/{transaction_id}: edit amount, category, description and/or date."""

from finsight.platform import coldstart  # noqa: F401 - first: no garbage collection while the function loads

# isort: split
from typing import Annotated

from aws_lambda_powertools.event_handler.depends import Depends

from finsight.accounts.principal import Principal, current_user
from finsight.http import BEARER_AUTH, Router, Success, create_app, documented_errors, http_handler, success
from finsight.transactions.models import Transaction
from finsight.transactions.requests import UpdateTransactionRequest
from finsight.transactions.service import update_transaction

router = Router()


@router.patch(
    "/api/transactions/<transaction_id>",
    summary="Edit a transaction",
    description="Any of `amount`, `category`, `description`, `date`. 409 while it is processing or when it failed.",
    tags=["Transactions"],
    security=BEARER_AUTH,
    responses=documented_errors(401, 404, 409),
)
def patch_one(
    transaction_id: str, body: UpdateTransactionRequest, principal: Annotated[Principal, Depends(current_user)]
) -> Success[Transaction]:
    return success(update_transaction(principal, transaction_id, body))


app = create_app(router)
lambda_handler = http_handler(app)
