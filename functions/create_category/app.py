"""POST /api/categories: a category of the user's own, optionally under a top-level one."""

from finsight.platform import coldstart  # noqa: F401 - first: no garbage collection while the function loads

# isort: split
from typing import Annotated

from aws_lambda_powertools.event_handler.depends import Depends

from finsight.accounts.principal import Principal, current_user
from finsight.categories.models import CategoryView, CreateCategoryRequest
from finsight.categories.service import create_category
from finsight.http import BEARER_AUTH, Router, Success, create_app, documented_errors, http_handler, success

router = Router()


@router.post(
    "/api/categories",
    status_code=201,
    summary="Create a category",
    description=(
        "{name (1-40 characters, unique whatever the case), parent? (a top-level category: one level of "
        "sub-categories), icon?, colour? (#rgb or #rrggbb)}. A budget on the parent counts it. 409 when the name is "
        "taken or past 100 categories of your own."
    ),
    tags=["Categories"],
    security=BEARER_AUTH,
    responses=documented_errors(401, 409),
)
def post_category(
    body: CreateCategoryRequest, principal: Annotated[Principal, Depends(current_user)]
) -> Success[CategoryView]:
    return success(create_category(principal, body))


app = create_app(router)
lambda_handler = http_handler(app)
