"""GET /api/tags: the user's tags with how many transactions carry each, the most used first."""

from finsight.platform import coldstart  # noqa: F401 - first: no garbage collection while the function loads

# isort: split
from typing import Annotated

from aws_lambda_powertools.event_handler.depends import Depends

from finsight.accounts.principal import Principal, current_user
from finsight.http import BEARER_AUTH, Router, Success, create_app, documented_errors, http_handler, success
from finsight.transactions.listing import TagCount, list_tags

router = Router()


@router.get(
    "/api/tags",
    summary="List your tags",
    description="Each tag with how many of your transactions carry it, the most used first.",
    tags=["Transactions"],
    security=BEARER_AUTH,
    responses=documented_errors(401),
)
def get_tags(principal: Annotated[Principal, Depends(current_user)]) -> Success[list[TagCount]]:
    return success(list_tags(principal))


app = create_app(router)
lambda_handler = http_handler(app)
