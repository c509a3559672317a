"""The worker side of webhooks: fan an event out to the user's webhooks (`webhook_dispatch`, an EventBridge
rule's target) and make each delivery's attempts (`deliver_webhook`, an SQS consumer).

A delivery is tried at once, then with exponential backoff (30 s, 1, 2, 4 … minutes, at most an hour apart)
for a day, each attempt signed anew. A webhook whose attempts have failed for 3 days is turned off and its
owner emailed. Exactly one attempt runs at a time (a lease), repeated events and messages make nothing twice
(the delivery's id is derived from the event and the webhook; a message carries the attempt it is for).
"""

from __future__ import annotations

import contextlib
import json
import socket
import ssl
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Any

from bson import ObjectId

from finsight.accounts.users import UserRepository
from finsight.events.models import DomainEvent
from finsight.platform.db import Document, get_database
from finsight.platform.ids import derived_object_id
from finsight.platform.mailer import get_mailer
from finsight.platform.observability import logger
from finsight.webhooks import signing
from finsight.webhooks.jobs import DeliveryJob, enqueue
from finsight.webhooks.repository import DeliveryRepository, WebhookRepository
from finsight.webhooks.settings import webhook_settings
from finsight.webhooks.urls import Target, UnsafeUrlError, parse_target, resolve

RETRY_WINDOW = timedelta(days=1)
DISABLE_AFTER = timedelta(days=3)
FIRST_BACKOFF_SECONDS = 30
MAX_BACKOFF_SECONDS = 3600
LEASE = timedelta(seconds=60)
EARLY_SLACK = timedelta(seconds=1)
USER_AGENT = "FinSight-Webhooks/1"


class Outcome(StrEnum):
    DELIVERED = "delivered"
    RETRYING = "retrying"
    FAILED = "failed"  # gave up after the retry window
    CANCELLED = "cancelled"  # the webhook was deleted or turned off
    WAITING = "waiting"  # an early message passed the wait on
    DROPPED = "dropped"  # a stale or duplicate message


def backoff_seconds(attempts: int) -> int:
    """The wait after the `attempts`-th failed attempt."""
    return int(min(MAX_BACKOFF_SECONDS, FIRST_BACKOFF_SECONDS * 2 ** max(0, attempts - 1)))


def delivery_body(event: DomainEvent) -> str:
    return json.dumps(
        {"id": event.id, "type": event.type.value, "created_at": event.created_at, "data": event.data},
        separators=(",", ":"),
        ensure_ascii=False,
    )


# ----- dispatch: one delivery per event and subscribed webhook -----
def dispatch(event: DomainEvent, *, now: datetime | None = None) -> int:
    """Make and queue the event's delivery to every enabled webhook of its user that wants its type; how many.
    A repeated event queues again only what never got its first attempt (its message may have been lost)."""
    moment = (now or datetime.now(UTC)).replace(microsecond=0)
    database = get_database()
    deliveries = DeliveryRepository(database)
    queued = 0
    for webhook in WebhookRepository(database).subscribed(event.user_id, event.type.value):
        delivery_id = derived_object_id(f"delivery:{event.id}:{webhook['_id']}")
        new = deliveries.create(
            {
                "_id": delivery_id,
                "webhook_id": str(webhook["_id"]),
                "user_id": event.user_id,
                "event_id": event.id,
                "event_type": event.type.value,
                "body": delivery_body(event),
                "status": "pending",
                "attempts": 0,
                "window_attempts": 0,
                "created_at": moment,
                "window_start": moment,
                "next_attempt_at": moment,
                "queued": False,
            }
        )
        due: datetime = moment
        if not new:  # a repeat: queue again only a delivery that never got its first attempt
            current = deliveries.get(delivery_id)
            if current is None or current["status"] != "pending" or current["attempts"] != 0:
                continue
            due = current["next_attempt_at"]
        enqueue(str(delivery_id), due, now=moment)  # raises when SQS refuses: the event is delivered again
        deliveries.update(delivery_id, {"queued": True})
        queued += 1
    return queued


# ----- one attempt -----
@dataclass(frozen=True)
class Attempt:
    response_code: int | None
    error: str | None

    @property
    def ok(self) -> bool:
        return self.response_code is not None and 200 <= self.response_code < 300


def _cut(conn: Any, cut: threading.Event) -> None:
    """The attempt's time is up: end its connection, which ends any read or write blocked on it."""
    cut.set()
    sock = getattr(conn, "sock", None)
    if sock is not None:
        with contextlib.suppress(OSError):
            sock.shutdown(socket.SHUT_RDWR)


def _failure(exc: BaseException, cut: threading.Event, timeout: float) -> Attempt:
    from urllib3.util.ssl_match_hostname import CertificateError  # noqa: PLC0415 - urllib3's name check

    if cut.is_set() or isinstance(exc, TimeoutError):
        return Attempt(None, f"no answer within {timeout:g} s")
    if isinstance(exc, ssl.SSLError | CertificateError):
        return Attempt(None, "TLS handshake or certificate check failed")
    if isinstance(exc, ConnectionRefusedError):
        return Attempt(None, "connection refused")
    return Attempt(None, f"could not connect ({type(exc).__name__})")


def post(target: Target, address: str, body: bytes, headers: dict[str, str], timeout: float) -> Attempt:
    """POST to the checked `address`, with the URL's host for Host, SNI and the certificate (no redirects),
    all of it — connecting, sending, the answer — within `timeout` seconds (a receiver that answers a byte
    at a time is cut off)."""
    from http.client import HTTPException  # noqa: PLC0415 - only the delivery function sends HTTP

    from urllib3.connection import HTTPConnection, HTTPSConnection  # noqa: PLC0415
    from urllib3.exceptions import HTTPError  # noqa: PLC0415

    conn: HTTPConnection
    if target.scheme == "https":
        conn = HTTPSConnection(
            address, target.port, timeout=timeout, server_hostname=target.host, assert_hostname=target.host
        )
    else:
        conn = HTTPConnection(address, target.port, timeout=timeout)
    cut = threading.Event()
    timer = threading.Timer(timeout, _cut, args=(conn, cut))
    timer.start()
    try:
        conn.connect()
        if cut.is_set():
            return Attempt(None, f"no answer within {timeout:g} s")
        conn.request(
            "POST", target.path, body=body, headers={**headers, "Host": target.host_header}, preload_content=False
        )
        response = conn.getresponse()
        response.read(1024)
        status = response.status
    except (OSError, HTTPException, HTTPError, ValueError) as exc:
        return _failure(exc, cut, timeout)
    finally:
        timer.cancel()
        conn.close()
    if 300 <= status < 400:
        return Attempt(status, "redirects are not followed")
    return Attempt(status, None if 200 <= status < 300 else f"HTTP {status}")


def _attempt(webhook: Document, delivery: Document, now: datetime) -> Attempt:
    settings = webhook_settings()
    try:
        target = parse_target(webhook["url"], allow_loopback=settings.webhooks_allow_loopback)
        address = resolve(target, allow_loopback=settings.webhooks_allow_loopback)
    except UnsafeUrlError as exc:
        return Attempt(None, str(exc).removeprefix("url: "))
    body = delivery["body"].encode()
    headers = {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        signing.HEADER: signing.signature_header(webhook["secret"], int(now.timestamp()), body),
        "X-FinSight-Delivery": str(delivery["_id"]),
        "X-FinSight-Event": delivery["event_type"],
        "X-FinSight-Event-Id": delivery["event_id"],
    }
    return post(target, address, body, headers, float(settings.webhook_timeout_seconds))


def _disable(webhooks: WebhookRepository, webhook: Document, now: datetime, error: str | None) -> None:
    reason = f"deliveries failed for 3 days (last: {error or 'no answer'})"
    if not webhooks.disable_if_failing_since(str(webhook["_id"]), now - DISABLE_AFTER, reason, now):
        return
    user = UserRepository(get_database()).get(webhook["user_id"])
    if user is None:
        return
    text = (
        f"Your FinSight webhook to {webhook['url']} has been turned off: its deliveries have failed for 3 days "
        f"(the last one: {error or 'no answer'}).\n\nFix the endpoint, then turn the webhook on again "
        f'(PATCH /api/webhooks/{webhook["_id"]} with {{"enabled": true}}); failed deliveries can be sent again '
        "from its delivery log."
    )
    try:
        get_mailer().send(to=user.email, subject="FinSight: a webhook was turned off", text=text)
    except Exception as exc:
        logger.warning("Could not email about a disabled webhook", extra={"error": type(exc).__name__})


def _waiting(job: DeliveryJob, delivery: Document, deliveries: DeliveryRepository, moment: datetime) -> Outcome | None:
    """What to do with a message that is not its delivery's due attempt (None when it is)."""
    due: datetime = delivery["next_attempt_at"]
    if job.not_before < due:  # a message of an earlier schedule: it carries on only if the new one's was lost
        if delivery.get("queued"):
            return Outcome.DROPPED
        enqueue(job.delivery_id, due, now=moment)
        deliveries.update(delivery["_id"], {"queued": True})
        return Outcome.WAITING
    if moment + EARLY_SLACK < due:  # a long wait goes in hops of at most 15 minutes
        enqueue(job.delivery_id, due, now=moment)
        return Outcome.WAITING
    return None


def _after_failure(
    held: Document, webhook: Document, attempt: Attempt, recorded: Document, moment: datetime
) -> Outcome:
    """Count the failure against the webhook (off after 3 days), then retry later or give up after a day."""
    database = get_database()
    deliveries, webhooks = DeliveryRepository(database), WebhookRepository(database)
    failing = webhooks.failed(held["webhook_id"], moment, quiet=RETRY_WINDOW) or webhook
    if failing.get("failing_since") and failing["failing_since"] <= moment - DISABLE_AFTER:
        _disable(webhooks, failing, moment, attempt.error)
    if moment - held["window_start"] >= RETRY_WINDOW:
        deliveries.update(held["_id"], {**recorded, "status": "failed", "error": attempt.error}, unset=("lease_until",))
        return Outcome.FAILED
    retry_at = moment + timedelta(seconds=backoff_seconds(int(held.get("window_attempts") or held["attempts"])))
    deliveries.update(
        held["_id"],
        {**recorded, "error": attempt.error, "next_attempt_at": retry_at, "queued": False},
        unset=("lease_until",),
    )
    enqueue(str(held["_id"]), retry_at, now=moment)  # if SQS refuses, this message comes back and carries on
    deliveries.update(held["_id"], {"queued": True})
    return Outcome.RETRYING


def run_attempt(job: DeliveryJob, *, now: datetime | None = None) -> Outcome:
    """Handle one queue message: the delivery's scheduled attempt, or a hop of a long wait, or nothing."""
    moment = (now or datetime.now(UTC)).replace(microsecond=0)
    database = get_database()
    deliveries, webhooks = DeliveryRepository(database), WebhookRepository(database)
    delivery_id = ObjectId(job.delivery_id)
    delivery = deliveries.get(delivery_id)
    if delivery is None or delivery["status"] != "pending":
        return Outcome.DROPPED
    waiting = _waiting(job, delivery, deliveries, moment)
    if waiting is not None:
        return waiting
    held = deliveries.take(delivery_id, delivery["next_attempt_at"], moment, LEASE)
    if held is None:
        return Outcome.DROPPED  # another message of this delivery holds the attempt
    webhook = webhooks.get(held["webhook_id"])
    if webhook is None or not webhook["enabled"]:
        reason = "the webhook was deleted" if webhook is None else "the webhook is turned off"
        deliveries.update(delivery_id, {"status": "cancelled", "error": reason}, unset=("lease_until",))
        return Outcome.CANCELLED
    started = time.monotonic()
    attempt = _attempt(webhook, held, moment)
    elapsed_ms = round((time.monotonic() - started) * 1000)
    log = {"delivery": job.delivery_id, "code": attempt.response_code, "error": attempt.error, "ms": elapsed_ms}
    logger.info("Webhook attempt", extra=log)
    recorded: Document = {"response_code": attempt.response_code}
    if not attempt.ok:
        return _after_failure(held, webhook, attempt, recorded, moment)
    deliveries.update(
        delivery_id, {**recorded, "status": "delivered", "delivered_at": moment}, unset=("lease_until", "error")
    )
    webhooks.succeeded(held["webhook_id"])
    return Outcome.DELIVERED


# ----- the sweeper's part -----
UNQUEUED_FOR = timedelta(minutes=2)
OVERDUE_BY = timedelta(minutes=20)  # longer than any hop (15 minutes) and a busy queue's lag


def requeue_stalled(*, now: datetime | None = None) -> int:
    """Queue again every pending delivery no message carries (the sweeper, every 5 minutes); how many. A
    message that turns out not to be lost meets its copy at the lease and the schedule: one attempt."""
    moment = (now or datetime.now(UTC)).replace(microsecond=0)
    deliveries = DeliveryRepository(get_database())
    stalled = deliveries.stalled(moment, unqueued_for=UNQUEUED_FOR, overdue_by=OVERDUE_BY)
    for doc in stalled:
        enqueue(str(doc["_id"]), doc["next_attempt_at"], now=moment)
        deliveries.update(doc["_id"], {"queued": True})
    return len(stalled)
