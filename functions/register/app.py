"""POST /api/auth/register: create an account."""

from finsight.platform import coldstart  # noqa: F401 - first: no garbage collection while the function loads

# isort: split
from typing import Annotated

from aws_lambda_powertools.event_handler.depends import Depends

from finsight.accounts.models import RegisterRequest
from finsight.accounts.principal import source_ip
from finsight.accounts.service import register
from finsight.http import MessageResponse, Router, Success, create_app, documented_errors, http_handler, success

router = Router()


@router.post(
    "/api/auth/register",
    status_code=201,
    summary="Create an account",
    description="Password: at least 8 characters (at most 72 bytes) with an upper-case letter, a digit and a "
    "special character. Emails are case-insensitive.",
    tags=["Auth"],
    responses=documented_errors(409, 429),
)
def post_register(body: RegisterRequest, ip: Annotated[str, Depends(source_ip)]) -> Success[MessageResponse]:
    register(email=body.email, password=body.password, ip=ip)
    return success(MessageResponse(message="Account created. You can now log in."))


app = create_app(router)
lambda_handler = http_handler(app)
