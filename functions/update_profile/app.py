"""POST /api/auth/profile: change income, time zone and/or currency."""

from finsight.platform import coldstart  # noqa: F401 - first: no garbage collection while the function loads

# isort: split
from typing import Annotated

from aws_lambda_powertools.event_handler.depends import Depends

from finsight.accounts.models import Profile, UpdateProfileRequest
from finsight.accounts.principal import Principal, current_user
from finsight.accounts.service import update_profile
from finsight.http import BEARER_AUTH, Router, Success, create_app, documented_errors, http_handler, success

router = Router()


@router.post(
    "/api/auth/profile",
    summary="Update the profile",
    description="`income` 0 … 100,000,000 (2 decimals at most), `timezone` an IANA name, `currency` ISO 4217.",
    tags=["Auth"],
    security=BEARER_AUTH,
    responses=documented_errors(401),
)
def post_profile(
    body: UpdateProfileRequest, principal: Annotated[Principal, Depends(current_user)]
) -> Success[Profile]:
    return success(update_profile(principal.user_id, body.changes()))


app = create_app(router)
lambda_handler = http_handler(app)
