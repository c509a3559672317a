"""PATCH /api/categories/{category_id}: rename, move, restyle a category; hide or show a default."""

from finsight.platform import coldstart  # noqa: F401 - first: no garbage collection while the function loads

# isort: split
from typing import Annotated

from aws_lambda_powertools.event_handler.depends import Depends

from finsight.accounts.principal import Principal, current_user
from finsight.categories.models import CategoryView, UpdateCategoryRequest
from finsight.categories.service import update_category
from finsight.http import BEARER_AUTH, Router, Success, create_app, documented_errors, http_handler, success

router = Router()


@router.patch(
    "/api/categories/<category_id>",
    summary="Change a category",
    description=(
        "Any of name, parent (your own; null: top level), icon, colour; for a default also hidden and replaced_by "
        "(where its kind of spending is filed while hidden, and where its rules and recurring expenses move; Other "
        "cannot be hidden). A rename re-files your transactions, budgets, recurring expenses and rules, and the old "
        "name keeps working as an alias. 409 when the name is taken or another request changed it meanwhile."
    ),
    tags=["Categories"],
    security=BEARER_AUTH,
    responses=documented_errors(401, 404, 409),
)
def patch_category(
    category_id: str, body: UpdateCategoryRequest, principal: Annotated[Principal, Depends(current_user)]
) -> Success[CategoryView]:
    return success(update_category(principal, category_id, body))


app = create_app(router)
lambda_handler = http_handler(app)
