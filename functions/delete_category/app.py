"""DELETE /api/categories/{category_id}?move_to=: delete a category of the user's own, moving what was in it."""

from finsight.platform import coldstart  # noqa: F401 - first: no garbage collection while the function loads

# isort: split
from typing import Annotated

from aws_lambda_powertools.event_handler.depends import Depends
from aws_lambda_powertools.event_handler.openapi.params import Query

from finsight.accounts.principal import Principal, current_user
from finsight.categories.models import DeletedCategory
from finsight.categories.service import delete_category
from finsight.http import BEARER_AUTH, Router, Success, create_app, documented_errors, http_handler, success

router = Router()


@router.delete(
    "/api/categories/<category_id>",
    summary="Delete a category",
    description=(
        "Moves its transactions, budgets, recurring expenses and rules to move_to (default: its parent, else Other) "
        "in the same request. A month with a budget there already keeps one budget: the two limits added, or, "
        "moving into its parent (whose budget counted it), the parent's. 409 when it has sub-categories, when a "
        "month has a budget there in another currency, or when another request changed it meanwhile. Defaults "
        "are hidden, not deleted."
    ),
    tags=["Categories"],
    security=BEARER_AUTH,
    responses=documented_errors(401, 404, 409),
)
def delete_one(
    category_id: str,
    principal: Annotated[Principal, Depends(current_user)],
    move_to: Annotated[str | None, Query(max_length=100)] = None,
) -> Success[DeletedCategory]:
    return success(delete_category(principal, category_id, move_to))


app = create_app(router)
lambda_handler = http_handler(app)
