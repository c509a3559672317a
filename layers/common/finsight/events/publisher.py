"""Drain the outbox onto the EventBridge bus (the scheduled `publish_events` function).

Events go out oldest first, ten per PutEvents call (its limit). An entry EventBridge refuses stays pending and
is tried again by a later run; concurrent runs never send the same event together (each claims its events
under a lease). EventBridge and webhooks deliver at least once anyway: consumers drop repeats by event id.
"""

from __future__ import annotations

import json
import time
from datetime import timedelta
from typing import Any

from finsight.events.models import SOURCE
from finsight.events.outbox import Outbox
from finsight.platform.clients import cached
from finsight.platform.config import get_settings
from finsight.platform.db import Document, get_database
from finsight.platform.errors import ConfigurationError
from finsight.platform.observability import trace_calls_of

PUT_EVENTS_LIMIT = 10
CLAIM_SIZE = 100
LEASE = timedelta(seconds=60)  # longer than one run's budget below
RUN_BUDGET_SECONDS = 40


@cached
def events_client() -> Any:
    import boto3  # noqa: PLC0415 - only the publisher talks to EventBridge
    from botocore.config import Config  # noqa: PLC0415

    trace_calls_of("botocore")
    config = Config(connect_timeout=2, read_timeout=5, retries={"max_attempts": 2, "mode": "standard"})
    return boto3.client("events", config=config)


def bus_name() -> str:
    name = get_settings().event_bus_name
    if not name:
        raise ConfigurationError("EVENT_BUS_NAME must be set")
    return name


def _entry(doc: Document, bus: str) -> dict[str, str]:
    event = doc["event"]
    return {"Source": SOURCE, "DetailType": event["type"], "Detail": json.dumps(event), "EventBusName": bus}


def _put(docs: list[Document], bus: str, outbox: Outbox) -> tuple[int, int]:
    """One PutEvents call; (published, refused). A call that fails as a whole refuses all of them."""
    from botocore.exceptions import BotoCoreError, ClientError  # noqa: PLC0415

    try:
        response = events_client().put_events(Entries=[_entry(doc, bus) for doc in docs])
    except (BotoCoreError, ClientError):
        outbox.refused([doc["_id"] for doc in docs])
        return 0, len(docs)
    results = response.get("Entries") or []
    refused = [doc["_id"] for doc, result in zip(docs, results, strict=False) if result.get("ErrorCode")]
    refused += [doc["_id"] for doc in docs[len(results) :]]  # an answer without a result for an entry
    outbox.refused(refused)
    outbox.published([doc["_id"] for doc in docs if doc["_id"] not in set(refused)])
    return len(docs) - len(refused), len(refused)


def publish_pending() -> dict[str, int]:
    """Put pending events on the bus until none is left (or this run's time is up)."""
    bus = bus_name()
    outbox = Outbox(get_database())
    published = refused = 0
    deadline = time.monotonic() + RUN_BUDGET_SECONDS
    while time.monotonic() < deadline:
        batch = outbox.claim(CLAIM_SIZE, LEASE)
        if not batch:
            break
        for start in range(0, len(batch), PUT_EVENTS_LIMIT):
            done, failed = _put(batch[start : start + PUT_EVENTS_LIMIT], bus, outbox)
            published, refused = published + done, refused + failed
        if refused:  # EventBridge is refusing: leave the rest for the next run
            break
    return {"published": published, "refused": refused}
