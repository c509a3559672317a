"""POST /api/auth/login: exchange email and password for an access and a refresh token."""

from finsight.platform import coldstart  # noqa: F401 - first: no garbage collection while the function loads

# isort: split
from typing import Annotated

from aws_lambda_powertools.event_handler.depends import Depends

from finsight.accounts.models import LoginRequest, TokenPair
from finsight.accounts.principal import source_ip
from finsight.accounts.service import login
from finsight.http import Router, Success, create_app, documented_errors, http_handler, success

router = Router()


@router.post(
    "/api/auth/login",
    summary="Log in",
    description="Access tokens last 15 minutes, refresh tokens 7 days. After 5 failed attempts for one email "
    "within 15 minutes the answer is 429 with Retry-After.",
    tags=["Auth"],
    responses=documented_errors(401, 429),
)
def post_login(body: LoginRequest, ip: Annotated[str, Depends(source_ip)]) -> Success[TokenPair]:
    return success(login(email=body.email, password=body.password, ip=ip))


app = create_app(router)
lambda_handler = http_handler(app)
