"""DELETE /api/transactions/{transaction_id}/split: undo a split; the original transaction comes back."""

from finsight.platform import coldstart  # noqa: F401 - first: no garbage collection while the function loads

# isort: split
from typing import Annotated

from aws_lambda_powertools.event_handler.depends import Depends

from finsight.accounts.principal import Principal, current_user
from finsight.http import BEARER_AUTH, Router, Success, create_app, documented_errors, http_handler, success
from finsight.transactions.documents import to_transaction
from finsight.transactions.models import Transaction
from finsight.transactions.splits import unsplit_transaction

router = Router()


@router.delete(
    "/api/transactions/<transaction_id>/split",
    summary="Undo a split",
    description="The parts go (edited or not) and the original transaction comes back as it was.",
    tags=["Transactions"],
    security=BEARER_AUTH,
    responses=documented_errors(401, 404),
)
def delete_split(transaction_id: str, principal: Annotated[Principal, Depends(current_user)]) -> Success[Transaction]:
    return success(to_transaction(unsplit_transaction(principal, transaction_id)))


app = create_app(router)
lambda_handler = http_handler(app)
