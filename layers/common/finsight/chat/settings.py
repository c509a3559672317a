"""What the chat channels read: the WhatsApp (Twilio) and Telegram accounts, linking codes, and the limits on
what comes in. Each channel is off (503 on its routes) until its account is set; each function is given only the
secrets it uses."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, SecretStr

from finsight.platform.config import EnvironmentSettings, ParameterName, resolve_secret, settings_reader


class ChatSettings(EnvironmentSettings):
    # WhatsApp through Twilio: off until the account, token and sender are set.
    twilio_account_sid: Annotated[str, Field(pattern=r"^AC[0-9A-Za-z-]{1,64}$")] | None = None
    twilio_auth_token: SecretStr | None = None
    twilio_auth_token_parameter: ParameterName | None = None
    twilio_whatsapp_from: Annotated[str, Field(pattern=r"^\+[1-9]\d{6,14}$")] | None = None  # E.164
    twilio_api_url: Annotated[str, Field(pattern=r"^https?://[^\s]+$")] = "https://api.twilio.com"
    # Telegram: off until the bot's username (for links), its token (for replies) and the webhook's secret (for
    # what Telegram sends us) are set.
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


chat_settings = settings_reader(ChatSettings)


def twilio_auth_token() -> str | None:
    """The Twilio auth token, or None when WhatsApp is off."""
    settings = chat_settings()
    return resolve_secret(settings.twilio_auth_token, settings.twilio_auth_token_parameter, "TWILIO_AUTH_TOKEN")


def telegram_bot_token() -> str | None:
    """The Telegram bot's API token, or None when Telegram is off (replies cannot go out)."""
    settings = chat_settings()
    return resolve_secret(settings.telegram_bot_token, settings.telegram_bot_token_parameter, "TELEGRAM_BOT_TOKEN")


def telegram_webhook_secret() -> str | None:
    """What Telegram sends in X-Telegram-Bot-Api-Secret-Token (set with setWebhook), or None when it is off."""
    settings = chat_settings()
    return resolve_secret(
        settings.telegram_webhook_secret, settings.telegram_webhook_secret_parameter, "TELEGRAM_WEBHOOK_SECRET"
    )
