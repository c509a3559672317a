"""What the AI path reads: how long a job may take, how the queue retries it, Gemini, and how many AI requests a
user may make."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, SecretStr

from finsight.platform.config import EnvironmentSettings, ParameterName, resolve_secret, settings_reader


class AiSettings(EnvironmentSettings):
    ai_job_timeout_minutes: Annotated[int, Field(ge=1, le=1440)] = 15
    # The AI queue's MessageRetentionPeriod: a job no worker got in that long has expired with its message.
    ai_queue_retention_seconds: Annotated[int, Field(ge=60, le=1_209_600)] = 86_400
    ai_max_receive_count: Annotated[int, Field(ge=1, le=1000)] = 3
    # When Gemini cannot answer, the worker makes the message visible again after this many seconds (rather
    # than the queue's visibility timeout), so an entry reaches its last delivery, and the offline fallback, soon.
    ai_retry_delay_seconds: Annotated[int, Field(ge=0, le=900)] = 30
    # AI entries and summary requests of one user per hour: nobody can fill the AI queue for everyone.
    ai_requests_per_user_per_hour: Annotated[int, Field(ge=1)] = 120

    gemini_api_key: SecretStr | None = None
    gemini_api_key_parameter: ParameterName | None = None
    gemini_model: Annotated[str, Field(pattern=r"^[A-Za-z0-9._/-]{1,100}$")] = "gemini-2.5-flash"
    # Worst case per message: attempts x timeout + backoff (2 x 8 s + 0.5 s); a batch of 5 stays well
    # inside the worker's 120 s timeout.
    gemini_timeout_seconds: Annotated[int, Field(ge=1, le=60)] = 8
    gemini_attempts: Annotated[int, Field(ge=1, le=5)] = 2


ai_settings = settings_reader(AiSettings)


def gemini_api_key() -> str | None:
    """The Gemini API key, or None when AI parsing should use the offline parser."""
    settings = ai_settings()
    return resolve_secret(settings.gemini_api_key, settings.gemini_api_key_parameter, "GEMINI_API_KEY")
