"""Use cases of accounts: register, log in, reset a password, read and edit a profile (a session's tokens:
`finsight.accounts.session_tokens`)."""

from __future__ import annotations

from typing import Any

from finsight.accounts.models import Profile, TokenPair
from finsight.accounts.password_resets import PasswordResetRepository
from finsight.accounts.passwords import hash_password, verify_password
from finsight.accounts.reset_mail import PasswordResetMailJob
from finsight.accounts.session_tokens import start_session
from finsight.accounts.sessions import SessionRepository, UserPreferences
from finsight.accounts.settings import account_settings
from finsight.accounts.users import UserRecord, UserRepository
from finsight.platform import queue
from finsight.platform.config import get_settings
from finsight.platform.db import get_database
from finsight.platform.errors import (
    BadRequestError,
    ResourceNotFoundError,
    ServiceUnavailableError,
    UnauthorizedError,
)
from finsight.platform.limits import admit, forget
from finsight.platform.money import from_minor_units, to_minor_units
from finsight.platform.rate_events import email_ip_key, email_key, ip_key

INVALID_CREDENTIALS = "Invalid email or password"
FORGOT_PASSWORD_MESSAGE = "If an account exists for that email, we have sent a link to reset its password."  # noqa: S105  # nosec B105


class InvalidCredentialsError(UnauthorizedError):
    default_message = INVALID_CREDENTIALS


class InvalidResetTokenError(BadRequestError):
    default_message = "This password reset link is invalid, used or expired. Please ask for a new one."


class UserNotFoundError(ResourceNotFoundError):
    default_message = "User not found."


def register(*, email: str, password: str, ip: str) -> None:
    """Create an account (409 when the email is taken); sign-ups per address are limited."""
    limits, defaults = account_settings(), get_settings()
    admit({ip_key("register", ip): limits.registrations_per_ip}, limits.registration_window_seconds)
    UserRepository(get_database()).create(
        email=email,
        password_hash=hash_password(password),
        timezone=defaults.default_timezone,
        currency=defaults.default_currency,
    )


def login(*, email: str, password: str, ip: str) -> TokenPair:
    """Check the password and start a session. Same answer and about the same time for unknown emails.

    Every attempt counts as a failure until it succeeds, so concurrent guesses cannot outrun the limits: the
    tight one is per email *and* address (someone elsewhere cannot lock a user out on their own address),
    a looser one per email across addresses (distributed guessing), one per address (many emails).
    """
    settings = account_settings()
    attempt = admit(
        {
            email_ip_key("login-failure", email, ip): settings.login_failures_per_email_and_ip,
            email_key("login-failure", email): settings.login_failures_per_email,
            ip_key("login-failure", ip): settings.login_failures_per_ip,
        },
        settings.login_failure_window_seconds,
    )
    database = get_database()
    users = UserRepository(database)
    user = users.find_by_email(email)
    if not verify_password(password, user.password_hash if user else None) or user is None:
        raise InvalidCredentialsError()
    forget(attempt)  # a success is not a failure
    tokens, session_id = start_session(user)
    # A reset may have changed the password since it was checked. The reset changes the password, then
    # ends every session; the login starts its session, then checks the password is the one it verified.
    # Whatever the interleaving, one of the two sees the other: no session begun with an old password lives.
    if not users.has_password_hash(user.id, user.password_hash):
        SessionRepository(database).revoke(session_id, "password changed during login")
        raise InvalidCredentialsError()
    return tokens


class MailQueueUnavailableError(ServiceUnavailableError):
    default_message = "We couldn't take your request just now. Please try again in a moment."


def forgot_password(*, email: str, ip: str) -> None:
    """Queue a reset mail for the address; the mail worker sends it only if an account has it.

    The HTTP function does the same work whether or not the account exists (count the request, queue it), so
    neither its answer nor its timing nor an email provider's error tells who has an account.
    """
    settings = account_settings()
    limits = {
        ip_key("forgot", ip): settings.forgot_password_per_ip,
        email_key("forgot", email): settings.forgot_password_per_email,
    }
    admit(limits, settings.forgot_password_window_seconds)
    queue.send_job(PasswordResetMailJob(email=email), url=queue.mail_queue_url, error=MailQueueUnavailableError())


def reset_password(*, token: str, password: str) -> None:
    """Set a new password with a reset token (single use); every session of the user ends."""
    database = get_database()
    resets = PasswordResetRepository(database)
    user_id = resets.consume(token)
    if user_id is None or not UserRepository(database).set_password(user_id, hash_password(password)):
        raise InvalidResetTokenError()
    resets.delete_for_user(user_id)
    SessionRepository(database).revoke_all_for_user(user_id, "password reset")


def _profile(user: UserRecord) -> Profile:
    return Profile(
        id=user.id,
        email=user.email,
        income=from_minor_units(user.income_minor),
        timezone=user.timezone,
        currency=user.currency,
        whatsapp_number=user.whatsapp_number,
        whatsapp_verified=user.whatsapp_verified,
        telegram_linked=user.telegram_linked,
        budget_alert_emails=user.budget_alert_emails,
    )


def get_profile(user_id: str) -> Profile:
    user = UserRepository(get_database()).get(user_id)
    if user is None:
        raise UserNotFoundError()
    return _profile(user)


def update_profile(user_id: str, changes: dict[str, Any]) -> Profile:
    """Change income, time zone, currency and/or whether budget alerts come by email."""
    stored = dict(changes)
    if "income" in stored:
        stored["income_minor"] = to_minor_units(stored.pop("income"))
    database = get_database()
    user = UserRepository(database).update(user_id, stored)
    if user is None:
        raise UserNotFoundError()
    if "timezone" in changes or "currency" in changes:
        SessionRepository(database).set_preferences(user.id, UserPreferences(user.timezone, user.currency))
    return _profile(user)
