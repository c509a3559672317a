"""POST /api/transactions: add an expense, typed in fields (manual) or in plain words (AI)."""

from finsight.platform import coldstart  # noqa: F401 - first: no garbage collection while the function loads

# isort: split
from typing import Annotated

from aws_lambda_powertools.event_handler import Response, content_types
from aws_lambda_powertools.event_handler.depends import Depends
from aws_lambda_powertools.event_handler.openapi.params import Body

from finsight.accounts.principal import Principal, current_user
from finsight.ai_entry.submit import create_ai
from finsight.http import BEARER_AUTH, Router, Success, create_app, documented_errors, http_handler, success
from finsight.transactions.models import Transaction
from finsight.transactions.requests import CreateManualTransactionRequest, CreateTransactionRequest
from finsight.transactions.service import create_manual

router = Router()


@router.post(
    "/api/transactions",
    status_code=201,
    summary="Add an expense",
    description="Manual: `{mode: manual, amount, category, description, date?, currency?}` → 201, completed. "
    "Amounts are > 0, ≤ 10,000,000, with at most 2 decimals. `date` is a date (noon, your time zone) or a "
    "datetime with offset; `currency` defaults to yours. AI: `{mode: ai, text}` (1 to 500 characters) → 202, "
    "processing; poll `/api/transactions/{id}/status`. 503 when the AI queue cannot take the text.",
    tags=["Transactions"],
    security=BEARER_AUTH,
    responses={
        201: {"description": "Created: a manual expense, completed"},
        202: {
            "description": "Accepted: an AI entry, processing",
            "content": {"application/json": {"model": Success[Transaction]}},
        },
        **documented_errors(401, 503),
    },
)
def post_transaction(
    body: Annotated[CreateTransactionRequest, Body()], principal: Annotated[Principal, Depends(current_user)]
) -> Response[Success[Transaction]]:
    if isinstance(body, CreateManualTransactionRequest):
        return Response(201, content_types.APPLICATION_JSON, success(create_manual(principal, body)))
    # Accepted: the AI worker fills it in; poll GET /api/transactions/{id}/status.
    return Response(202, content_types.APPLICATION_JSON, success(create_ai(principal, body)))


app = create_app(router)
lambda_handler = http_handler(app)
