"""GET /api/auth/profile: the caller's profile."""

from finsight.platform import coldstart  # noqa: F401 - first: no garbage collection while the function loads

# isort: split
from typing import Annotated

from aws_lambda_powertools.event_handler.depends import Depends

from finsight.accounts.models import Profile
from finsight.accounts.principal import Principal, current_user
from finsight.accounts.service import get_profile
from finsight.http import BEARER_AUTH, Router, Success, create_app, documented_errors, http_handler, success

router = Router()


@router.get(
    "/api/auth/profile",
    summary="Read the profile",
    tags=["Auth"],
    security=BEARER_AUTH,
    responses=documented_errors(401),
)
def get_own_profile(principal: Annotated[Principal, Depends(current_user)]) -> Success[Profile]:
    return success(get_profile(principal.user_id))


app = create_app(router)
lambda_handler = http_handler(app)
