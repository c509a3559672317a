"""Password reset emails, sent by the mail worker from the mail queue (never by an API function).

forgot-password queues a `PasswordResetMailJob` for any address; only here is the address looked up, so the
API's answer, timing and errors tell nobody who has an account.
"""

from __future__ import annotations

import secrets
from datetime import UTC, datetime, timedelta
from typing import Annotated, Literal

from pydantic import BaseModel, Field

from finsight.accounts.password_resets import PasswordResetRepository
from finsight.accounts.settings import account_settings
from finsight.accounts.users import UserRepository
from finsight.platform.db import get_database
from finsight.platform.mailer import get_mailer

RESET_TOKEN_BYTES = 32


class PasswordResetMailJob(BaseModel):
    """The mail queue's message: send a reset link to this address if an account has it."""

    type: Literal["password_reset"] = "password_reset"
    email: Annotated[str, Field(min_length=1, max_length=254)]


def send_reset_mail(job: PasswordResetMailJob) -> bool:
    """Mail a reset link when an account has the address; whether one was sent.

    An email provider's error propagates: the message goes back to the queue, is retried, then dead-lettered.
    """
    settings = account_settings()
    user = UserRepository(get_database()).find_by_email(job.email)
    if user is None:
        return False
    token = secrets.token_urlsafe(RESET_TOKEN_BYTES)
    expires_at = datetime.now(UTC) + timedelta(seconds=settings.password_reset_ttl_seconds)
    PasswordResetRepository(get_database()).create(token=token, user_id=user.id, expires_at=expires_at)
    link = f"{settings.frontend_url.rstrip('/')}/reset-password?token={token}"
    minutes = settings.password_reset_ttl_seconds // 60
    get_mailer().send(
        to=user.email,
        subject="Reset your FinSight password",
        text=(
            "Someone asked to reset the password of your FinSight account.\n\n"
            f"To choose a new password, open this link within {minutes} minutes:\n{link}\n\n"
            "If it was not you, ignore this email: your password stays as it is.\n"
        ),
    )
    return True
