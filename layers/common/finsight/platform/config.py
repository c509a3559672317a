"""Configuration: environment variables validated once into a model; secrets fetched and cached.

Every secret has two spellings: the plain value (`MONGODB_URI`), meant for local runs and tests, and
the name of an SSM SecureString parameter holding it (`MONGODB_URI_PARAMETER`), used in AWS. The
plain value wins when both are set. Parameter values are fetched through Powertools Parameters,
which caches them per execution environment for `SECRETS_MAX_AGE_SECONDS`.
"""

from __future__ import annotations

import hashlib
import hmac
import os
from collections.abc import Callable, Mapping
from typing import Annotated
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError, field_validator

from finsight.platform.clients import cached
from finsight.platform.errors import ConfigurationError
from finsight.platform.observability import trace_calls_of

ParameterName = Annotated[str, Field(pattern=r"^/[A-Za-z0-9_.\-/]+$", max_length=1011)]


class Settings(BaseModel):
    """Every setting the functions read, one field per environment variable (upper-cased)."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    stage: Annotated[str, Field(pattern=r"^[a-z0-9-]{1,32}$")] = "local"

    mongodb_uri: SecretStr | None = None
    mongodb_uri_parameter: ParameterName | None = None
    mongodb_db_name: Annotated[str, Field(pattern=r"^[A-Za-z0-9_-]{1,63}$")] = "finsight"
    mongodb_timeout_ms: Annotated[int, Field(ge=100, le=30_000)] = 2_000

    jwt_secret: SecretStr | None = None
    jwt_secret_parameter: ParameterName | None = None

    gemini_api_key: SecretStr | None = None
    gemini_api_key_parameter: ParameterName | None = None

    queue_url: str | None = None
    mail_queue_url: str | None = None

    # Statement imports: the private bucket files are uploaded to (presigned POST, straight from the client),
    # the queue that resumes an import once its columns are mapped, the largest file, how long an upload
    # form works, and how long one run of the import function may hold an import (its timeout).
    import_bucket: str | None = None
    import_queue_url: str | None = None
    import_max_bytes: Annotated[int, Field(ge=1, le=10 * 1024 * 1024)] = 10 * 1024 * 1024
    import_upload_expiry_seconds: Annotated[int, Field(ge=60, le=3_600)] = 900
    import_lease_seconds: Annotated[int, Field(ge=30, le=900)] = 300
    export_queue_url: str | None = None  # exports are written by a worker fed by this queue

    # Domain events and webhooks: the EventBridge bus the outbox is published to, the queue of webhook deliveries,
    # a delivery's HTTP timeout, webhooks per user, and (dev only, never in the template) whether webhooks may
    # target http://127.0.0.1 / localhost, so a local receiver can be used.
    event_bus_name: Annotated[str, Field(pattern=r"^[A-Za-z0-9._/-]{1,256}$")] | None = None
    webhook_queue_url: str | None = None
    webhook_timeout_seconds: Annotated[int, Field(ge=1, le=15)] = 10
    webhooks_per_user: Annotated[int, Field(ge=1, le=100)] = 10
    webhooks_allow_loopback: bool = False

    default_timezone: str = "Asia/Kolkata"
    default_currency: Annotated[str, Field(pattern=r"^[A-Z]{3}$")] = "INR"

    secrets_max_age_seconds: Annotated[int, Field(ge=0, le=86_400)] = 300

    ai_job_timeout_minutes: Annotated[int, Field(ge=1, le=1440)] = 15
    # The AI queue's MessageRetentionPeriod: a job no worker got in that long has expired with its message.
    ai_queue_retention_seconds: Annotated[int, Field(ge=60, le=1_209_600)] = 86_400
    ai_max_receive_count: Annotated[int, Field(ge=1, le=1000)] = 3
    # When Gemini cannot answer, the worker makes the message visible again after this many seconds (rather
    # than the queue's visibility timeout), so an entry reaches its last delivery, and the offline fallback, soon.
    ai_retry_delay_seconds: Annotated[int, Field(ge=0, le=900)] = 30
    gemini_model: Annotated[str, Field(pattern=r"^[A-Za-z0-9._/-]{1,100}$")] = "gemini-2.5-flash"
    # Worst case per message: attempts x timeout + backoff (2 x 8 s + 0.5 s); a batch of 5 stays well
    # inside the worker's 120 s timeout.
    gemini_timeout_seconds: Annotated[int, Field(ge=1, le=60)] = 8
    gemini_attempts: Annotated[int, Field(ge=1, le=5)] = 2

    bcrypt_rounds: Annotated[int, Field(ge=4, le=15)] = 12
    access_token_ttl_seconds: Annotated[int, Field(ge=60, le=86_400)] = 15 * 60
    # A session ends after this long without a refresh (idle), and in any case SESSION_MAX_AGE_SECONDS after login.
    refresh_token_ttl_seconds: Annotated[int, Field(ge=3_600, le=90 * 86_400)] = 7 * 86_400
    session_max_age_seconds: Annotated[int, Field(ge=3_600, le=365 * 86_400)] = 30 * 86_400
    # Parallel refreshes with one refresh token within this many seconds of its rotation all succeed.
    refresh_reuse_leeway_seconds: Annotated[int, Field(ge=0, le=30)] = 15
    password_reset_ttl_seconds: Annotated[int, Field(ge=300, le=86_400)] = 3_600
    frontend_url: Annotated[str, Field(pattern=r"^https?://[^\s]+$")] = "http://localhost:3000"
    mail_from: Annotated[str, Field(min_length=3, max_length=320)] = "FinSight <no-reply@finsight.local>"

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
    # AI entries and summary requests of one user per hour: nobody can fill the AI queue for everyone.
    ai_requests_per_user_per_hour: Annotated[int, Field(ge=1)] = 120

    # WhatsApp through Twilio: off (503 on its routes) until the account, token and sender are set.
    twilio_account_sid: Annotated[str, Field(pattern=r"^AC[0-9A-Za-z-]{1,64}$")] | None = None
    twilio_auth_token: SecretStr | None = None
    twilio_auth_token_parameter: ParameterName | None = None
    twilio_whatsapp_from: Annotated[str, Field(pattern=r"^\+[1-9]\d{6,14}$")] | None = None  # E.164
    twilio_api_url: Annotated[str, Field(pattern=r"^https?://[^\s]+$")] = "https://api.twilio.com"
    # Telegram: off (503 on its routes) until the bot's username (for links), its token (for replies) and the
    # webhook's secret (for what Telegram sends us) are set; each function is given only what it uses.
    telegram_bot_username: Annotated[str, Field(pattern=r"^[A-Za-z][A-Za-z0-9_]{3,31}$")] | None = None
    telegram_bot_token: SecretStr | None = None
    telegram_bot_token_parameter: ParameterName | None = None
    telegram_webhook_secret: SecretStr | None = None
    telegram_webhook_secret_parameter: ParameterName | None = None
    telegram_api_url: Annotated[str, Field(pattern=r"^https?://[^\s]+$")] = "https://api.telegram.org"
    telegram_links_per_user_per_hour: Annotated[int, Field(ge=1)] = 10
    # Linking a chat account: codes a user may ask for per hour, how long one lives, how many tries it takes.
    chat_link_codes_per_user_per_hour: Annotated[int, Field(ge=1)] = 3
    chat_link_code_ttl_seconds: Annotated[int, Field(ge=60, le=3_600)] = 600
    chat_link_code_attempts: Annotated[int, Field(ge=1, le=20)] = 5
    # Receiving chat messages: the API's public base URL (what Twilio signs; API Gateway's own view of the host
    # may differ), the longest message read, and how many messages one sender may send a minute.
    public_api_url: Annotated[str, Field(pattern=r"^https?://[^\s]+$")] | None = None
    chat_max_message_length: Annotated[int, Field(ge=1, le=4096)] = 1000
    chat_messages_per_sender_per_minute: Annotated[int, Field(ge=1)] = 20

    @field_validator("default_timezone")
    @classmethod
    def _known_time_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError("must be an IANA time zone name such as Asia/Kolkata") from exc
        return value

    @classmethod
    def from_environ(cls, environ: Mapping[str, str]) -> Settings:
        """Build settings from environment variables; empty values count as unset."""
        values = {
            name: environ[name.upper()] for name in cls.model_fields if environ.get(name.upper(), "").strip() != ""
        }
        try:
            return cls.model_validate(values)
        except ValidationError as exc:
            bad = ", ".join(f"{str(err['loc'][0]).upper()} ({err['msg']})" for err in exc.errors())
            raise ConfigurationError(f"Invalid configuration: {bad}") from None


@cached
def get_settings() -> Settings:
    """The settings of this execution environment, validated on first use."""
    return Settings.from_environ(os.environ)


def reset_settings() -> None:
    """Forget cached settings (tests and the local gateway change the environment)."""
    get_settings.cache_clear()


# Checks that the running function may read a secret (`MONGODB_URI`, `JWT_SECRET`...). In AWS, IAM does it when
# the parameter is fetched; locally the secrets are plain variables, so the local stack installs a check made
# from the template's policies (what a function may read there, it may read locally).
_secret_access_check: Callable[[str], None] | None = None


def set_secret_access_check(check: Callable[[str], None] | None) -> None:
    """Install (or remove, with None) the check run before any secret is read (the local stack's)."""
    global _secret_access_check
    _secret_access_check = check


def required_setting(value: str | None, variable: str) -> str:
    """A setting the caller cannot work without (a queue URL, a bucket, a bus): its value, or a
    ConfigurationError naming the variable."""
    if not value:
        raise ConfigurationError(f"{variable} must be set")
    return value


def _resolve_secret(value: SecretStr | None, parameter: str | None, env_name: str) -> str | None:
    if _secret_access_check is not None:
        _secret_access_check(env_name)
    if value is not None:
        return value.get_secret_value()
    if parameter is None:
        return None
    from aws_lambda_powertools.utilities import parameters  # noqa: PLC0415 - boto3 only when SSM is used

    trace_calls_of("botocore")
    try:
        fetched = parameters.get_parameter(parameter, decrypt=True, max_age=get_settings().secrets_max_age_seconds)
    except parameters.GetParameterError as exc:
        raise ConfigurationError(f"Could not read SSM parameter named by {env_name}_PARAMETER") from exc
    return str(fetched)


def _required_secret(value: SecretStr | None, parameter: str | None, env_name: str) -> str:
    secret = _resolve_secret(value, parameter, env_name)
    if not secret:
        raise ConfigurationError(f"{env_name} or {env_name}_PARAMETER must be set")
    return secret


def mongodb_uri() -> str:
    """The MongoDB connection string."""
    settings = get_settings()
    return _required_secret(settings.mongodb_uri, settings.mongodb_uri_parameter, "MONGODB_URI")


MIN_JWT_SECRET_BYTES = 32


def jwt_secret() -> str:
    """The HMAC key that signs access and refresh tokens (at least 32 bytes, as HS256 wants)."""
    settings = get_settings()
    secret = _required_secret(settings.jwt_secret, settings.jwt_secret_parameter, "JWT_SECRET")
    if len(secret.encode("utf-8")) < MIN_JWT_SECRET_BYTES:
        raise ConfigurationError(f"JWT_SECRET must be at least {MIN_JWT_SECRET_BYTES} bytes")
    return secret


def keyed_digest(purpose: bytes, value: str) -> str:
    """A hex HMAC-SHA256 of `value` under a key derived from the signing secret for one `purpose`: without the
    secret it cannot be recomputed (hashed emails and chat addresses in rate events, chat link codes)."""
    key = hmac.new(jwt_secret().encode("utf-8"), purpose, hashlib.sha256).digest()
    return hmac.new(key, value.encode("utf-8"), hashlib.sha256).hexdigest()


def gemini_api_key() -> str | None:
    """The Gemini API key, or None when AI parsing should use the offline parser."""
    settings = get_settings()
    return _resolve_secret(settings.gemini_api_key, settings.gemini_api_key_parameter, "GEMINI_API_KEY")


def twilio_auth_token() -> str | None:
    """The Twilio auth token, or None when WhatsApp is off."""
    settings = get_settings()
    return _resolve_secret(settings.twilio_auth_token, settings.twilio_auth_token_parameter, "TWILIO_AUTH_TOKEN")


def telegram_bot_token() -> str | None:
    """The Telegram bot's API token, or None when Telegram is off (replies cannot go out)."""
    settings = get_settings()
    return _resolve_secret(settings.telegram_bot_token, settings.telegram_bot_token_parameter, "TELEGRAM_BOT_TOKEN")


def telegram_webhook_secret() -> str | None:
    """What Telegram sends in X-Telegram-Bot-Api-Secret-Token (set with setWebhook), or None when it is off."""
    settings = get_settings()
    return _resolve_secret(
        settings.telegram_webhook_secret, settings.telegram_webhook_secret_parameter, "TELEGRAM_WEBHOOK_SECRET"
    )
