"""Configuration: environment variables validated once into one model per domain; secrets fetched and cached.

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
from typing import Annotated, Self, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError, field_validator

from finsight.platform.clients import cached
from finsight.platform.errors import ConfigurationError
from finsight.platform.observability import trace_calls_of

ParameterName = Annotated[str, Field(pattern=r"^/[A-Za-z0-9_.\-/]+$", max_length=1011)]
S = TypeVar("S", bound="EnvironmentSettings")


class EnvironmentSettings(BaseModel):
    """Settings read from environment variables, one field per variable (upper-cased), validated once.

    Each domain has its own class, in its own package, read on its first use (`settings_reader`): a function
    builds the settings of the domains it imports and no others (a field costs ~0.1 ms of cold start)."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    @classmethod
    def from_environ(cls, environ: Mapping[str, str]) -> Self:
        """Build settings from environment variables; empty values count as unset."""
        values = {
            name: environ[name.upper()] for name in cls.model_fields if environ.get(name.upper(), "").strip() != ""
        }
        try:
            return cls.model_validate(values)
        except ValidationError as exc:
            bad = ", ".join(f"{str(err['loc'][0]).upper()} ({err['msg']})" for err in exc.errors())
            raise ConfigurationError(f"Invalid configuration: {bad}") from None


_SETTINGS_RESETS: list[Callable[[], None]] = []


def settings_reader(settings_class: type[S]) -> Callable[[], S]:
    """The settings of `settings_class` for this execution environment: read from the environment on first use and
    kept (forgotten by `reset_settings` and the clients registry's reset)."""

    @cached
    def read() -> S:
        return settings_class.from_environ(os.environ)

    _SETTINGS_RESETS.append(read.cache_clear)
    return read


def reset_settings() -> None:
    """Forget every cached settings (tests and the local gateway change the environment)."""
    for reset in _SETTINGS_RESETS:
        reset()


class Settings(EnvironmentSettings):
    """What every function reads: the stage, the database, the signing key, sessions, and the defaults of a
    new account."""

    stage: Annotated[str, Field(pattern=r"^[a-z0-9-]{1,32}$")] = "local"

    mongodb_uri: SecretStr | None = None
    mongodb_uri_parameter: ParameterName | None = None
    mongodb_db_name: Annotated[str, Field(pattern=r"^[A-Za-z0-9_-]{1,63}$")] = "finsight"
    mongodb_timeout_ms: Annotated[int, Field(ge=100, le=30_000)] = 2_000

    jwt_secret: SecretStr | None = None
    jwt_secret_parameter: ParameterName | None = None

    default_timezone: str = "Asia/Kolkata"
    default_currency: Annotated[str, Field(pattern=r"^[A-Z]{3}$")] = "INR"

    secrets_max_age_seconds: Annotated[int, Field(ge=0, le=86_400)] = 300

    access_token_ttl_seconds: Annotated[int, Field(ge=60, le=86_400)] = 15 * 60
    # A session ends after this long without a refresh (idle), and in any case SESSION_MAX_AGE_SECONDS after login.
    refresh_token_ttl_seconds: Annotated[int, Field(ge=3_600, le=90 * 86_400)] = 7 * 86_400
    session_max_age_seconds: Annotated[int, Field(ge=3_600, le=365 * 86_400)] = 30 * 86_400
    # Parallel refreshes with one refresh token within this many seconds of its rotation all succeed.
    refresh_reuse_leeway_seconds: Annotated[int, Field(ge=0, le=30)] = 15

    @field_validator("default_timezone")
    @classmethod
    def _known_time_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError("must be an IANA time zone name such as Asia/Kolkata") from exc
        return value


get_settings = settings_reader(Settings)


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


def resolve_secret(value: SecretStr | None, parameter: str | None, env_name: str) -> str | None:
    """A secret's plain value, else the SSM parameter it names (fetched, cached), else None."""
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
    secret = resolve_secret(value, parameter, env_name)
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
