"""EventBridge rule target (every FinSight event): one delivery per webhook of the event's user that wants its
type, queued for `deliver_webhook` (finsight.webhooks.delivery)."""

from finsight.platform import coldstart  # noqa: F401 - first: no garbage collection while the function loads

# isort: split
from typing import Any

from finsight.events.models import DomainEvent
from finsight.jobs.handlers import domain_event_handler
from finsight.webhooks.delivery import dispatch


def fan_out(event: DomainEvent) -> dict[str, Any]:
    return {"queued": dispatch(event)}


lambda_handler = domain_event_handler(fan_out)
