"""GET /api/recurring/suggestions: the subscriptions found in your history that are not scheduled yet."""

from finsight.platform import coldstart  # noqa: F401 - first: no garbage collection while the function loads

# isort: split
from typing import Annotated

from aws_lambda_powertools.event_handler.depends import Depends

from finsight.accounts.principal import Principal, current_user
from finsight.http import BEARER_AUTH, Router, Success, create_app, documented_errors, http_handler, success
from finsight.recurring.models import SuggestionView
from finsight.recurring.suggestions import suggestions

router = Router()


@router.get(
    "/api/recurring/suggestions",
    summary="Subscriptions found in your history",
    description=(
        "The same merchant at a steady interval (weekly, monthly, yearly; a few days' tolerance, a skipped "
        "occurrence allowed) for a stable amount, at least 3 times and still going; what you scheduled already "
        "is left out. Most confident first."
    ),
    tags=["Recurring"],
    security=BEARER_AUTH,
    responses=documented_errors(401),
)
def get_suggestions(principal: Annotated[Principal, Depends(current_user)]) -> Success[list[SuggestionView]]:
    return success(suggestions(principal))


app = create_app(router)
lambda_handler = http_handler(app)
