"""POST /api/auth/forgot-password: email a password reset link (same answer whether or not the account exists)."""

from finsight.platform import coldstart  # noqa: F401 - first: no garbage collection while the function loads

# isort: split
from typing import Annotated

from aws_lambda_powertools.event_handler.depends import Depends

from finsight.accounts.models import ForgotPasswordRequest
from finsight.accounts.principal import source_ip
from finsight.accounts.service import FORGOT_PASSWORD_MESSAGE, forgot_password
from finsight.http import MessageResponse, Router, Success, create_app, documented_errors, http_handler, success

router = Router()


@router.post(
    "/api/auth/forgot-password",
    summary="Ask for a password reset link",
    description="Emails `<FRONTEND_URL>/reset-password?token=…`, valid 1 hour, when the account exists.",
    tags=["Auth"],
    responses=documented_errors(429),
)
def post_forgot_password(
    body: ForgotPasswordRequest, ip: Annotated[str, Depends(source_ip)]
) -> Success[MessageResponse]:
    forgot_password(email=body.email, ip=ip)
    return success(MessageResponse(message=FORGOT_PASSWORD_MESSAGE))


app = create_app(router)
lambda_handler = http_handler(app)
