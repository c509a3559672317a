"""GET /api/categories: the user's categories, the defaults (as they renamed or hid them) and their own."""

from finsight.platform import coldstart  # noqa: F401 - first: no garbage collection while the function loads

# isort: split
from typing import Annotated

from aws_lambda_powertools.event_handler.depends import Depends

from finsight.accounts.principal import Principal, current_user
from finsight.categories.models import CategoryView
from finsight.categories.service import list_categories
from finsight.http import BEARER_AUTH, Router, Success, create_app, documented_errors, http_handler, success

router = Router()


@router.get(
    "/api/categories",
    summary="List your categories",
    description=(
        "Every category with its id, parent, icon and colour, hidden defaults included (hidden: true), each "
        "top-level one followed by its sub-categories. GET /api/transactions/categories gives the names alone."
    ),
    tags=["Categories"],
    security=BEARER_AUTH,
    responses=documented_errors(401),
)
def get_categories(principal: Annotated[Principal, Depends(current_user)]) -> Success[list[CategoryView]]:
    return success(list_categories(principal))


app = create_app(router)
lambda_handler = http_handler(app)
