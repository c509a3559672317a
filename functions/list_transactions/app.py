"""GET /api/transactions: the caller's transactions, searched, filtered, sorted and paginated."""

from finsight.platform import coldstart  # noqa: F401 - first: no garbage collection while the function loads

# isort: split
from decimal import Decimal
from typing import Annotated, Literal

from aws_lambda_powertools.event_handler.depends import Depends
from aws_lambda_powertools.event_handler.openapi.params import Query

from finsight.accounts.principal import Principal, current_user
from finsight.http import BEARER_AUTH, Router, Success, create_app, documented_errors, http_handler, success
from finsight.transactions.listing import ListParameters, TransactionPage, list_transactions
from finsight.transactions.models import DATE_OR_DATETIME_PATTERN, MAX_AMOUNT

router = Router()

AmountBound = Annotated[Decimal | None, Query(ge=0, le=MAX_AMOUNT, decimal_places=2, allow_inf_nan=False)]
DateBound = Annotated[str | None, Query(pattern=DATE_OR_DATETIME_PATTERN, max_length=40)]


@router.get(
    "/api/transactions",
    summary="List transactions",
    description="`search` is a literal, case-insensitive substring of the description. Ties in the sort "
    "order are broken by `_id`, so pages never repeat or skip a row. For deep paging pass the returned "
    "`next_cursor` as `cursor` (keyset pagination; `page` is then ignored). `tag` may be repeated: transactions "
    "carrying all of them. Empty parameters are ignored.",
    tags=["Transactions"],
    security=BEARER_AUTH,
    responses=documented_errors(401),
)
def get_transactions(  # noqa: PLR0917 - one parameter per query parameter of the contract
    principal: Annotated[Principal, Depends(current_user)],
    search: Annotated[str | None, Query(max_length=100)] = None,
    category: Annotated[str | None, Query(max_length=100)] = None,
    tag: Annotated[list[str] | None, Query(max_length=10)] = None,
    min_amount: AmountBound = None,
    max_amount: AmountBound = None,
    start_date: DateBound = None,
    end_date: DateBound = None,
    sort_by: Annotated[Literal["date", "amount"], Query()] = "date",
    sort_order: Annotated[Literal["asc", "desc"], Query()] = "desc",
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
    limit: Annotated[int, Query(ge=1, le=100)] = 50,
    cursor: Annotated[str | None, Query(max_length=512)] = None,
) -> Success[TransactionPage]:
    params = ListParameters(
        search=search,
        category=category.strip() or None if category else None,
        tags=tuple(value for value in tag or [] if value.strip()),
        min_amount=min_amount,
        max_amount=max_amount,
        start_date=start_date,
        end_date=end_date,
        sort_by=sort_by,
        sort_order=sort_order,
        page=page,
        limit=limit,
        cursor=cursor,
    )
    return success(list_transactions(principal, params))


app = create_app(router)
lambda_handler = http_handler(app)
