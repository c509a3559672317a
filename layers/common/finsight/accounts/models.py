"""Request and response models of the account routes."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any, Self
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import AfterValidator, ConfigDict, Field, StrictBool, StringConstraints, model_validator

from finsight.accounts.password_policy import password_problem
from finsight.platform.currencies import CurrencyCode
from finsight.platform.ids import ApiModel, IdentifiedModel
from finsight.platform.money import MoneyAmount

MAX_INCOME = Decimal(100_000_000)


def _bare_address(value: str) -> str:
    """A bare email address (no display name, no IP literal), checked for syntax only (no DNS lookup) by
    email-validator, lower-cased as emails are stored."""
    from email_validator import EmailNotValidError, validate_email  # noqa: PLC0415 - ~20 ms: sign-up only

    try:
        return validate_email(value, check_deliverability=False).normalized.lower()
    except EmailNotValidError as exc:
        raise ValueError(str(exc)) from None


Email = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=3, max_length=254), AfterValidator(_bare_address)
]


def _acceptable_password(value: str) -> str:
    problem = password_problem(value)
    if problem:
        raise ValueError(problem)
    return value


def _known_time_zone(value: str) -> str:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError("must be an IANA time zone name such as Asia/Kolkata or America/New_York") from exc
    return value


NewPassword = Annotated[str, Field(min_length=1, max_length=256), AfterValidator(_acceptable_password)]
AnyPassword = Annotated[str, Field(min_length=1, max_length=256)]
TimeZoneName = Annotated[str, StringConstraints(strip_whitespace=True, max_length=64), AfterValidator(_known_time_zone)]
Income = Annotated[Decimal, Field(ge=0, le=MAX_INCOME, decimal_places=2, allow_inf_nan=False)]


class _Request(ApiModel):
    model_config = ConfigDict(str_max_length=4096)


class RegisterRequest(_Request):
    email: Email
    password: NewPassword


class LoginRequest(_Request):
    email: Annotated[str, StringConstraints(strip_whitespace=True, to_lower=True, min_length=1, max_length=254)]
    password: AnyPassword


class ForgotPasswordRequest(_Request):
    email: Annotated[str, StringConstraints(strip_whitespace=True, to_lower=True, min_length=1, max_length=254)]


class ResetPasswordRequest(_Request):
    token: Annotated[str, StringConstraints(min_length=16, max_length=256, pattern=r"^[A-Za-z0-9_-]+$")]
    password: NewPassword


class UpdateProfileRequest(_Request):
    income: Income | None = None
    timezone: TimeZoneName | None = None
    currency: CurrencyCode | None = None
    budget_alert_emails: StrictBool | None = Field(
        default=None, description="Budget alerts by email while no chat is linked (on by default)"
    )

    @model_validator(mode="after")
    def _something_to_change(self) -> Self:
        if all(v is None for v in (self.income, self.timezone, self.currency, self.budget_alert_emails)):
            raise ValueError("send at least one of income, timezone, currency, budget_alert_emails")
        return self

    def changes(self) -> dict[str, Any]:
        return self.model_dump(exclude_none=True)


class TokenPair(ApiModel):
    access_token: str
    refresh_token: str
    token_type: str = "Bearer"  # noqa: S105 - the scheme name, not a secret
    expires_in: int = Field(description="Seconds until the access token expires")


class Profile(IdentifiedModel):
    """A user as clients see it (never the password hash)."""

    email: str
    income: MoneyAmount
    timezone: str
    currency: str
    whatsapp_number: str | None = Field(default=None, description="E.164, once linked (POST /api/auth/verify-whatsapp)")
    whatsapp_verified: bool = False
    telegram_linked: bool = Field(default=False, description="A Telegram chat is linked (POST /api/auth/telegram-link)")
    budget_alert_emails: bool = Field(default=True, description="Budget alerts by email while no chat is linked")
