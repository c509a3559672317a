"""POST /api/auth/reset-password: set a new password with the emailed token."""

from finsight.platform import coldstart  # noqa: F401 - first: no garbage collection while the function loads

# isort: split
from finsight.accounts.models import ResetPasswordRequest
from finsight.accounts.service import reset_password
from finsight.http import MessageResponse, Router, Success, create_app, http_handler, success

router = Router()


@router.post(
    "/api/auth/reset-password",
    summary="Reset the password",
    description="The token works once, for 1 hour. Every session of the account ends.",
    tags=["Auth"],
)
def post_reset_password(body: ResetPasswordRequest) -> Success[MessageResponse]:
    reset_password(token=body.token, password=body.password)
    return success(MessageResponse(message="Your password has been reset. Please log in."))


app = create_app(router)
lambda_handler = http_handler(app)
