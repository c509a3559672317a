"""Use cases of webhooks: register an endpoint (its signing secret shown once), list, turn on or off, delete,
read the delivery log, deliver one again."""

from __future__ import annotations

from datetime import UTC, datetime

from finsight.accounts.principal import Principal
from finsight.platform.db import Document, get_database
from finsight.platform.errors import (
    BadRequestError,
    ConfigurationError,
    ConflictError,
    ResourceNotFoundError,
    ServiceUnavailableError,
)
from finsight.platform.ids import required_object_id
from finsight.platform.timeutil import iso_utc
from finsight.webhooks.jobs import enqueue
from finsight.webhooks.models import CreatedWebhook, CreateWebhookRequest, Webhook, WebhookDelivery
from finsight.webhooks.repository import DeliveryRepository, WebhookRepository
from finsight.webhooks.settings import webhook_settings
from finsight.webhooks.signing import new_secret
from finsight.webhooks.urls import UnsafeUrlError, parse_target, resolve


class WebhookNotFoundError(ResourceNotFoundError):
    default_message = "Webhook not found."


class DeliveryNotFoundError(ResourceNotFoundError):
    default_message = "Delivery not found."


class TooManyWebhooksError(ConflictError):
    def __init__(self, limit: int) -> None:
        super().__init__(f"You can have at most {limit} webhooks: delete one first.")


class DeliveryPendingError(ConflictError):
    default_message = "This delivery is still being tried; it can be sent again once it is delivered or has failed."


class WebhookDisabledError(ConflictError):
    default_message = 'This webhook is turned off: turn it on (PATCH {"enabled": true}) to deliver again.'


class QueueUnavailableError(ServiceUnavailableError):
    default_message = "The delivery could not be queued. Please try again shortly."


def _iso(value: datetime | None) -> str | None:
    return iso_utc(value) if value else None


def to_webhook(doc: Document) -> Webhook:
    return Webhook(
        id=str(doc["_id"]),
        url=doc["url"],
        events=doc["events"],
        description=doc.get("description"),
        enabled=doc["enabled"],
        disabled_reason=doc.get("disabled_reason"),
        failing_since=_iso(doc.get("failing_since")),
        created_at=iso_utc(doc["created_at"]),
    )


def to_delivery(doc: Document) -> WebhookDelivery:
    return WebhookDelivery(
        id=str(doc["_id"]),
        webhook_id=doc["webhook_id"],
        event_id=doc["event_id"],
        event_type=doc["event_type"],
        status=doc["status"],
        attempts=doc.get("attempts", 0),
        response_code=doc.get("response_code"),
        error=doc.get("error"),
        created_at=iso_utc(doc["created_at"]),
        last_attempt_at=_iso(doc.get("last_attempt_at")),
        next_attempt_at=_iso(doc.get("next_attempt_at")) if doc["status"] == "pending" else None,
        delivered_at=_iso(doc.get("delivered_at")),
    )


def check_url(url: str) -> str:
    """The URL, when a webhook may point there (its host resolved now; again before every delivery)."""
    allow_loopback = webhook_settings().webhooks_allow_loopback
    try:
        resolve(parse_target(url, allow_loopback=allow_loopback), allow_loopback=allow_loopback)
    except UnsafeUrlError as exc:
        raise BadRequestError(f"Invalid request: {exc}") from None
    return url.strip()


def create_webhook(principal: Principal, request: CreateWebhookRequest) -> CreatedWebhook:
    url = check_url(request.url)
    limit = webhook_settings().webhooks_per_user
    webhooks = WebhookRepository(get_database())
    if webhooks.count(principal.user_id) >= limit:
        raise TooManyWebhooksError(limit)
    now = datetime.now(UTC)
    secret = new_secret()
    doc = webhooks.insert(
        {
            "user_id": principal.user_id,
            "url": url,
            "events": [event.value for event in request.events],
            "description": request.description,
            "secret": secret,
            "enabled": True,
            "created_at": now,
            "updated_at": now,
        }
    )
    if webhooks.count(principal.user_id) > limit:  # concurrent creates near the limit: never more than it
        webhooks.remove(doc["_id"])
        raise TooManyWebhooksError(limit)
    return CreatedWebhook(**to_webhook(doc).model_dump(by_alias=True), secret=secret)


def list_webhooks(principal: Principal) -> list[Webhook]:
    return [to_webhook(doc) for doc in WebhookRepository(get_database()).of_user(principal.user_id)]


def _owned(principal: Principal, webhook_id: str) -> Document:
    doc = WebhookRepository(get_database()).owned(principal.user_id, required_object_id(webhook_id, "webhook"))
    if doc is None:
        raise WebhookNotFoundError()
    return doc


def set_enabled(principal: Principal, webhook_id: str, enabled: bool) -> Webhook:
    oid = required_object_id(webhook_id, "webhook")
    doc = WebhookRepository(get_database()).set_enabled(principal.user_id, oid, enabled, datetime.now(UTC))
    if doc is None:
        raise WebhookNotFoundError()
    return to_webhook(doc)


def delete_webhook(principal: Principal, webhook_id: str) -> None:
    """The webhook and its delivery log go; attempts still queued find it gone and stop."""
    database = get_database()
    oid = required_object_id(webhook_id, "webhook")
    if not WebhookRepository(database).delete(principal.user_id, oid):
        raise WebhookNotFoundError()
    DeliveryRepository(database).delete_of_webhook(str(oid))


def list_deliveries(principal: Principal, webhook_id: str, limit: int) -> list[WebhookDelivery]:
    doc = _owned(principal, webhook_id)
    return [
        to_delivery(d) for d in DeliveryRepository(get_database()).of_webhook(principal.user_id, str(doc["_id"]), limit)
    ]


def redeliver(principal: Principal, webhook_id: str, delivery_id: str) -> WebhookDelivery:
    """Send a delivered, failed or cancelled delivery again (same event id and body, a new signature), with a
    new day of retries. Concurrent calls send it once; one still being tried is a 409."""
    webhook = _owned(principal, webhook_id)
    if not webhook["enabled"]:
        raise WebhookDisabledError()
    deliveries = DeliveryRepository(get_database())
    oid = required_object_id(delivery_id, "delivery")
    current = deliveries.get(oid)
    if current is None or current["user_id"] != principal.user_id or current["webhook_id"] != str(webhook["_id"]):
        raise DeliveryNotFoundError()
    now = datetime.now(UTC).replace(microsecond=0)
    doc = deliveries.reopen(principal.user_id, oid, now)
    if doc is None:
        raise DeliveryPendingError()
    from botocore.exceptions import BotoCoreError, ClientError  # noqa: PLC0415 - only this path talks to SQS

    try:
        enqueue(str(oid), now, now=now)
    except (BotoCoreError, ClientError, ConfigurationError) as exc:
        deliveries.update(oid, {"status": current["status"], "error": "could not be queued"})
        raise QueueUnavailableError() from exc
    deliveries.update(oid, {"queued": True})
    return to_delivery(doc)
