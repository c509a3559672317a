"""DELETE /api/auth/logout: end the session of the presented token (access or refresh)."""

from finsight.platform import coldstart  # noqa: F401 - first: no garbage collection while the function loads

# isort: split
from typing import Annotated

from aws_lambda_powertools.event_handler.depends import Depends

from finsight.accounts.principal import Principal, any_token_principal
from finsight.accounts.session_tokens import logout
from finsight.http import (
    BEARER_AUTH,
    MessageResponse,
    Router,
    Success,
    create_app,
    documented_errors,
    http_handler,
    success,
)

router = Router()


@router.delete(
    "/api/auth/logout",
    summary="Log out",
    description="Ends the session: the presented token, and every other token of the same login, stop working.",
    tags=["Auth"],
    security=BEARER_AUTH,
    responses=documented_errors(401),
)
def delete_logout(principal: Annotated[Principal, Depends(any_token_principal)]) -> Success[MessageResponse]:
    logout(principal.session_id)
    return success(MessageResponse(message="Logged out."))


app = create_app(router)
lambda_handler = http_handler(app)
