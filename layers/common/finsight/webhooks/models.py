"""Requests and responses of webhooks (/api/webhooks) and their delivery log."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, field_validator

from finsight.events.models import EventType
from finsight.platform.ids import ApiModel, IdentifiedModel
from finsight.webhooks.urls import MAX_URL_LENGTH

DeliveryStatus = Literal["pending", "delivered", "failed", "cancelled"]


class CreateWebhookRequest(ApiModel):
    url: str = Field(
        min_length=1,
        max_length=MAX_URL_LENGTH,
        description="https:// only; private, loopback and link-local addresses are refused (now and at delivery)",
    )
    events: list[EventType] = Field(min_length=1, max_length=len(EventType), description="The event types to send")
    description: str | None = Field(default=None, max_length=200)

    @field_validator("events")
    @classmethod
    def _unique(cls, value: list[EventType]) -> list[EventType]:
        return list(dict.fromkeys(value))


class Webhook(IdentifiedModel):
    url: str
    events: list[EventType]
    description: str | None = None
    enabled: bool = Field(description="False once deliveries failed for 3 days (the owner is emailed)")
    disabled_reason: str | None = None
    failing_since: str | None = Field(default=None, description="The first failed attempt since the last success")
    created_at: str


class CreatedWebhook(Webhook):
    secret: str = Field(description="Signs every delivery (X-FinSight-Signature). Shown only in this answer.")


class WebhookDelivery(IdentifiedModel):
    webhook_id: str
    event_id: str
    event_type: EventType
    status: DeliveryStatus = Field(description="pending (being tried), delivered, failed (gave up), cancelled")
    attempts: int
    response_code: int | None = Field(default=None, description="The HTTP status of the last attempt")
    error: str | None = Field(default=None, description="Why the last attempt failed, when it did")
    created_at: str
    last_attempt_at: str | None = None
    next_attempt_at: str | None = None
    delivered_at: str | None = None


class UpdateWebhookRequest(ApiModel):
    enabled: bool = Field(description="true turns a webhook on again (its 3-day failure count starts over)")
