"""POST /api/auth/refresh: a new access token and the session's newest refresh token (refresh token as Bearer)."""

from finsight.platform import coldstart  # noqa: F401 - first: no garbage collection while the function loads

# isort: split
from typing import Annotated

from aws_lambda_powertools.event_handler.depends import Depends

from finsight.accounts.models import TokenPair
from finsight.accounts.principal import refresh_token_claims
from finsight.accounts.session_tokens import refresh
from finsight.accounts.tokens import TokenClaims
from finsight.http import BEARER_AUTH, Router, Success, create_app, documented_errors, http_handler, success

router = Router()


@router.post(
    "/api/auth/refresh",
    summary="Refresh the access token",
    description="Send a refresh token as the Bearer token. The answer carries a new access token and the "
    "session's newest refresh token, which a client may keep or ignore. The login refresh token keeps working "
    "until the client presents a rotated one; from then on an older refresh token ends the session, except "
    "within a few seconds of its rotation (parallel refreshes). Sessions end by logout, password reset, a week "
    "without refresh or 30 days after login.",
    tags=["Auth"],
    security=BEARER_AUTH,
    responses=documented_errors(401),
)
def post_refresh(claims: Annotated[TokenClaims, Depends(refresh_token_claims)]) -> Success[TokenPair]:
    return success(refresh(claims))


app = create_app(router)
lambda_handler = http_handler(app)
