"""POST /api/transactions/{transaction_id}/split: split a transaction into parts, each in its own category."""

from finsight.platform import coldstart  # noqa: F401 - first: no garbage collection while the function loads

# isort: split
from typing import Annotated

from aws_lambda_powertools.event_handler.depends import Depends

from finsight.accounts.principal import Principal, current_user
from finsight.http import BEARER_AUTH, Router, Success, create_app, documented_errors, http_handler, success
from finsight.transactions.splits import SplitRequest, SplitResult, split_transaction

router = Router()


@router.post(
    "/api/transactions/<transaction_id>/split",
    status_code=201,
    summary="Split a transaction",
    description=(
        "{parts: [{amount, category, description?}]}, 2 to 20 parts whose amounts add up exactly to the "
        "transaction's. The parts replace it everywhere (list, summary, history, budgets), each in its category; "
        "DELETE on the same path brings the original back. 409 for a transaction still processing, failed, or a "
        "part itself."
    ),
    tags=["Transactions"],
    security=BEARER_AUTH,
    responses=documented_errors(401, 404, 409),
)
def post_split(
    transaction_id: str, body: SplitRequest, principal: Annotated[Principal, Depends(current_user)]
) -> Success[SplitResult]:
    return success(split_transaction(principal, transaction_id, body))


app = create_app(router)
lambda_handler = http_handler(app)
