"""What signing up, logging in and resetting a password read: hashing cost, reset links, abuse limits."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from finsight.platform.config import EnvironmentSettings, settings_reader


class AccountSettings(EnvironmentSettings):
    bcrypt_rounds: Annotated[int, Field(ge=4, le=15)] = 12
    password_reset_ttl_seconds: Annotated[int, Field(ge=300, le=86_400)] = 3_600
    frontend_url: Annotated[str, Field(pattern=r"^https?://[^\s]+$")] = "http://localhost:3000"

    # Abuse limits: at most N events per key within the window.
    login_failures_per_email_and_ip: Annotated[int, Field(ge=1)] = 5  # the tight one: one user on one address
    login_failures_per_email: Annotated[int, Field(ge=1)] = 20  # across addresses: distributed guessing
    login_failures_per_ip: Annotated[int, Field(ge=1)] = 50
    login_failure_window_seconds: Annotated[int, Field(ge=1)] = 15 * 60
    registrations_per_ip: Annotated[int, Field(ge=1)] = 20
    registration_window_seconds: Annotated[int, Field(ge=1)] = 3_600
    forgot_password_per_ip: Annotated[int, Field(ge=1)] = 20
    forgot_password_per_email: Annotated[int, Field(ge=1)] = 3
    forgot_password_window_seconds: Annotated[int, Field(ge=1)] = 3_600


account_settings = settings_reader(AccountSettings)
