"""Configuration: validated once, secrets from plain variables locally or SSM (cached) in AWS."""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Iterator

import boto3
import pytest
from aws_lambda_powertools.utilities import parameters
from moto import mock_aws

from dev.localapi.template import load_template
from finsight.jobs.settings import gemini_api_key
from finsight.platform import config
from finsight.platform.config import EnvironmentSettings, Settings
from finsight.platform.errors import ConfigurationError
from tests.helpers import ALL_SETTINGS


@pytest.fixture(autouse=True)
def fresh_settings(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    for name in {name for settings in ALL_SETTINGS for name in settings.model_fields}:
        monkeypatch.delenv(name.upper(), raising=False)
    config.reset_settings()
    parameters.clear_caches()
    yield
    config.reset_settings()
    parameters.clear_caches()


def test_defaults_need_no_environment() -> None:
    settings = Settings.from_environ({})
    assert settings.default_timezone == "Asia/Kolkata"
    assert settings.default_currency == "INR"
    assert settings.mongodb_db_name == "finsight"


def test_empty_values_count_as_unset() -> None:
    assert Settings.from_environ({"DEFAULT_TIMEZONE": "", "MONGODB_DB_NAME": "  "}).default_timezone == "Asia/Kolkata"


def test_invalid_values_name_the_variable_but_not_secret_values() -> None:
    with pytest.raises(ConfigurationError) as raised:
        Settings.from_environ({"DEFAULT_TIMEZONE": "Mars/Olympus", "MONGODB_TIMEOUT_MS": "5", "JWT_SECRET": "s3cr3t"})
    message = str(raised.value)
    assert "DEFAULT_TIMEZONE" in message
    assert "MONGODB_TIMEOUT_MS" in message
    assert "s3cr3t" not in message


def test_settings_are_read_once_per_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MONGODB_DB_NAME", "first")
    assert config.get_settings().mongodb_db_name == "first"
    monkeypatch.setenv("MONGODB_DB_NAME", "second")
    assert config.get_settings().mongodb_db_name == "first"


def test_plain_secret_wins_over_parameter(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MONGODB_URI", "mongodb://local:27017")
    monkeypatch.setenv("MONGODB_URI_PARAMETER", "/finsight/test/mongodb-uri")
    assert config.mongodb_uri() == "mongodb://local:27017"


def test_missing_secret_is_a_configuration_error() -> None:
    with pytest.raises(ConfigurationError, match="JWT_SECRET or JWT_SECRET_PARAMETER"):
        config.jwt_secret()


def test_optional_gemini_key_is_none_when_not_configured() -> None:
    assert gemini_api_key() is None


@mock_aws
def test_secret_is_fetched_from_ssm_and_cached(monkeypatch: pytest.MonkeyPatch) -> None:
    ssm = boto3.client("ssm", region_name="us-east-1")
    ssm.put_parameter(
        Name="/finsight/test/jwt-secret", Value="first-value-of-the-jwt-signing-key-0123456789", Type="SecureString"
    )
    monkeypatch.setenv("JWT_SECRET_PARAMETER", "/finsight/test/jwt-secret")

    assert config.jwt_secret() == "first-value-of-the-jwt-signing-key-0123456789"
    ssm.put_parameter(
        Name="/finsight/test/jwt-secret",
        Value="second-value-of-the-jwt-signing-key-012345678",
        Type="SecureString",
        Overwrite=True,
    )
    assert config.jwt_secret() == "first-value-of-the-jwt-signing-key-0123456789"  # cached for SECRETS_MAX_AGE_SECONDS


@mock_aws
def test_unreadable_parameter_is_a_configuration_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MONGODB_URI_PARAMETER", "/finsight/test/absent")
    with pytest.raises(ConfigurationError, match="MONGODB_URI_PARAMETER"):
        config.mongodb_uri()


@pytest.mark.parametrize(
    ("name", "value"),
    [("REFRESH_REUSE_LEEWAY_SECONDS", "31"), ("REFRESH_REUSE_LEEWAY_SECONDS", "-1"), ("SESSION_MAX_AGE_SECONDS", "60")],
)
def test_session_settings_are_bounded(name: str, value: str) -> None:
    # The issue allows a reuse leeway of at most 30 s: a longer one would widen a thief's window.
    with pytest.raises(ConfigurationError, match=name):
        Settings.from_environ({name: value})


def test_session_defaults() -> None:
    settings = Settings.from_environ({})
    assert settings.refresh_reuse_leeway_seconds == 15
    assert settings.session_max_age_seconds == 30 * 86_400
    assert settings.refresh_token_ttl_seconds == 7 * 86_400


def _subclasses(cls: type[EnvironmentSettings]) -> set[type[EnvironmentSettings]]:
    return {sub for direct in cls.__subclasses__() for sub in {direct, *_subclasses(direct)}}


def test_every_settings_class_is_listed_and_no_variable_belongs_to_two() -> None:
    """Each domain reads its own variables: one variable validated by two classes could be accepted by one and
    refused by the other. Every module of the layer is imported, so a new class cannot hide from the list."""
    import finsight

    for module in pkgutil.walk_packages(finsight.__path__, "finsight."):
        importlib.import_module(module.name)
    assert _subclasses(EnvironmentSettings) == set(ALL_SETTINGS)
    names = [name for settings in ALL_SETTINGS for name in settings.model_fields]
    assert len(names) == len(set(names))


def test_every_variable_the_template_gives_a_function_is_read_by_a_settings_class() -> None:
    """A misspelt variable in the template would be ignored (extra="ignore"), its default silently used."""
    libraries = {"POWERTOOLS_LOG_LEVEL", "POWERTOOLS_METRICS_NAMESPACE", "POWERTOOLS_SERVICE_NAME"}
    libraries |= {"POWERTOOLS_TRACER_CAPTURE_RESPONSE", "PYDANTIC_DISABLE_PLUGINS"}
    settings = {name.upper() for cls in ALL_SETTINGS for name in cls.model_fields}
    for logical_id, function in load_template().functions.items():
        assert set(function.environment) - settings - libraries == set(), logical_id


def test_each_domain_is_read_on_its_own_and_forgotten_by_one_reset(monkeypatch: pytest.MonkeyPatch) -> None:
    from finsight.chat.settings import chat_settings
    from finsight.webhooks.settings import webhook_settings

    monkeypatch.setenv("WEBHOOKS_PER_USER", "3")
    monkeypatch.setenv("CHAT_MAX_MESSAGE_LENGTH", "0")  # invalid: only the chat settings refuse it
    assert webhook_settings().webhooks_per_user == 3
    with pytest.raises(ConfigurationError, match="CHAT_MAX_MESSAGE_LENGTH"):
        chat_settings()
    monkeypatch.setenv("WEBHOOKS_PER_USER", "4")
    monkeypatch.setenv("CHAT_MAX_MESSAGE_LENGTH", "500")
    assert webhook_settings().webhooks_per_user == 3  # kept
    config.reset_settings()
    assert (webhook_settings().webhooks_per_user, chat_settings().chat_max_message_length) == (4, 500)
