"""What webhooks read: a delivery's HTTP timeout, webhooks per user, and (dev only, never in the template) whether
webhooks may target http://127.0.0.1 / localhost, so a local receiver can be used."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from finsight.platform.config import EnvironmentSettings, settings_reader


class WebhookSettings(EnvironmentSettings):
    webhook_timeout_seconds: Annotated[int, Field(ge=1, le=15)] = 10
    webhooks_per_user: Annotated[int, Field(ge=1, le=100)] = 10
    webhooks_allow_loopback: bool = False


webhook_settings = settings_reader(WebhookSettings)
