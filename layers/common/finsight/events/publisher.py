"""Drain the outbox onto the EventBridge bus (the scheduled `publish_events` function).

Events go out oldest first, in PutEvents calls of at most ten entries and 256 KB (its limits). An entry
EventBridge refuses stays pending and is tried again by a later run; a call refused as a whole is tried again
entry by entry, so one bad event never holds back the others; an event refused `MAX_ATTEMPTS` times is parked
(`failed`, logged, counted as `EventsParked`) rather than tried forever. Concurrent runs never send the same
event together (each claims its events under a lease longer than a run). EventBridge and webhooks deliver at
least once anyway: consumers drop repeats by event id. Each run reports the backlog (`OutboxBacklog`).
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

from aws_lambda_powertools.metrics import MetricUnit

from finsight.events.models import SOURCE
from finsight.events.outbox import Outbox
from finsight.platform.clients import aws_client, cached
from finsight.platform.config import required_setting
from finsight.platform.db import Document, get_database
from finsight.platform.observability import logger, metrics
from finsight.platform.resources import resource_settings

PUT_EVENTS_LIMIT = 10
PUT_EVENTS_MAX_BYTES = 250_000  # under PutEvents' 256 KB for a whole call (each entry counts its fields)
CLAIM_SIZE = 100
RUN_BUDGET_SECONDS = 40  # the function's timeout is 60 s
LEASE = timedelta(seconds=120)  # longer than a run: a claimed event is never sent by two runs at once
MAX_ATTEMPTS = 20


@cached
def events_client() -> Any:
    return aws_client("events")  # only the publisher talks to EventBridge


def bus_name() -> str:
    return required_setting(resource_settings().event_bus_name, "EVENT_BUS_NAME")


def _entry(doc: Document, bus: str) -> dict[str, str]:
    event = doc["event"]
    return {"Source": SOURCE, "DetailType": event["type"], "Detail": json.dumps(event), "EventBusName": bus}


def _size(entry: dict[str, str]) -> int:
    return sum(len(value.encode()) for key, value in entry.items() if key != "EventBusName")


def _chunks(docs: list[Document], bus: str) -> Iterator[list[Document]]:
    """Consecutive groups within PutEvents' limits (an entry too large alone is a group of its own)."""
    group: list[Document] = []
    size = 0
    for doc in docs:
        entry_size = _size(_entry(doc, bus))
        if group and (len(group) == PUT_EVENTS_LIMIT or size + entry_size > PUT_EVENTS_MAX_BYTES):
            yield group
            group, size = [], 0
        group.append(doc)
        size += entry_size
    if group:
        yield group


def _put(docs: list[Document], bus: str) -> list[bool]:
    """One PutEvents call: which entries EventBridge took. A call refused as a whole takes none."""
    from botocore.exceptions import BotoCoreError, ClientError  # noqa: PLC0415

    try:
        response = events_client().put_events(Entries=[_entry(doc, bus) for doc in docs])
    except (BotoCoreError, ClientError) as exc:
        logger.warning("PutEvents refused", extra={"entries": len(docs), "error": type(exc).__name__})
        return [False] * len(docs)
    results = response.get("Entries") or []
    taken = [not result.get("ErrorCode") for result in results]
    return taken + [False] * (len(docs) - len(taken))  # an answer without a result for an entry


def _send(group: list[Document], bus: str, outbox: Outbox) -> tuple[int, int]:
    """Send a group; when the call fails as a whole, each entry alone. (published, refused)"""
    taken = _put(group, bus)
    if len(group) > 1 and not any(taken):
        taken = [_put([doc], bus)[0] for doc in group]
    published = [doc["_id"] for doc, ok in zip(group, taken, strict=True) if ok]
    refused = [doc for doc, ok in zip(group, taken, strict=True) if not ok]
    outbox.published(published)
    parked = [doc["_id"] for doc in refused if int(doc.get("attempts", 0)) + 1 >= MAX_ATTEMPTS]
    outbox.refused([doc["_id"] for doc in refused], park=parked)
    if parked:
        logger.error("Events parked after repeated refusals", extra={"events": parked})
        metrics.add_metric(name="EventsParked", unit=MetricUnit.Count, value=len(parked))
    return len(published), len(refused)


def publish_pending() -> dict[str, int]:
    """Put pending events on the bus until none is left, EventBridge refuses, or this run's time is up."""
    bus = bus_name()
    outbox = Outbox(get_database())
    published = refused = 0
    deadline = time.monotonic() + RUN_BUDGET_SECONDS
    while time.monotonic() < deadline and not refused:
        batch = outbox.claim(CLAIM_SIZE, LEASE)
        if not batch:
            break
        unsent: list[Document] = []
        for group in _chunks(batch, bus):
            if time.monotonic() >= deadline:
                unsent.extend(group)
                continue
            done, failed = _send(group, bus, outbox)
            published, refused = published + done, refused + failed
        outbox.release([doc["_id"] for doc in unsent])
    backlog = outbox.pending_count()
    metrics.add_metric(name="OutboxBacklog", unit=MetricUnit.Count, value=backlog)
    return {"published": published, "refused": refused, "backlog": backlog}
