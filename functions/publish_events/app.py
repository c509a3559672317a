"""Scheduled (every minute): the outbox's pending domain events go to the EventBridge bus, oldest first; what
EventBridge refuses stays pending for the next run (finsight.events.publisher)."""

from finsight.platform import coldstart  # noqa: F401 - first: no garbage collection while the function loads

# isort: split
from typing import Any

from finsight.events.publisher import publish_pending
from finsight.jobs.handlers import scheduled_handler
from finsight.platform.observability import logger


def publish() -> dict[str, Any]:
    counts = publish_pending()
    if counts["refused"]:
        logger.warning("EventBridge refused events; they stay in the outbox", extra=counts)
    return counts


lambda_handler = scheduled_handler(publish)
