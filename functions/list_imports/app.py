"""GET /api/imports: the user's statement imports, newest first (the last 50)."""

from finsight.platform import coldstart  # noqa: F401 - first: no garbage collection while the function loads

# isort: split
from typing import Annotated

from aws_lambda_powertools.event_handler.depends import Depends

from finsight.accounts.principal import Principal, current_user
from finsight.http import BEARER_AUTH, Router, Success, create_app, documented_errors, http_handler, success
from finsight.imports.models import ImportView
from finsight.imports.service import list_imports

router = Router()


@router.get(
    "/api/imports",
    summary="List your imports",
    tags=["Imports"],
    security=BEARER_AUTH,
    responses=documented_errors(401),
)
def get_imports(principal: Annotated[Principal, Depends(current_user)]) -> Success[list[ImportView]]:
    return success(list_imports(principal))


app = create_app(router)
lambda_handler = http_handler(app)
