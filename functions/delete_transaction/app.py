"""DELETE /api/transactions/{transaction_id}: remove a transaction (409 while it is processing)."""

from finsight.platform import coldstart  # noqa: F401 - first: no garbage collection while the function loads

# isort: split
from typing import Annotated

from aws_lambda_powertools.event_handler.depends import Depends

from finsight.accounts.principal import Principal, current_user
from finsight.http import (
    BEARER_AUTH,
    MessageResponse,
    Router,
    Success,
    create_app,
    documented_errors,
    http_handler,
    success,
)
from finsight.transactions.service import delete_transaction

router = Router()


@router.delete(
    "/api/transactions/<transaction_id>",
    summary="Delete a transaction",
    tags=["Transactions"],
    security=BEARER_AUTH,
    responses=documented_errors(401, 404, 409),
)
def delete_one(transaction_id: str, principal: Annotated[Principal, Depends(current_user)]) -> Success[MessageResponse]:
    delete_transaction(principal, transaction_id)
    return success(MessageResponse(message="Transaction deleted."))


app = create_app(router)
lambda_handler = http_handler(app)
