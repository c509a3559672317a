"""EventBridge rule target (budget.threshold_crossed): the user hears about it on every chat channel they linked
with alerts on, or by email (SES) when they have no chat channel that is on — once per event and address."""

from finsight.platform import coldstart  # noqa: F401 - first: no garbage collection while the function loads

# isort: split
from typing import Any

from finsight.chat.alerts import notify_threshold
from finsight.chat.senders import live_senders
from finsight.events.models import DomainEvent
from finsight.jobs.handlers import domain_event_handler
from finsight.platform.mailer import get_mailer
from finsight.platform.observability import logger


def notify(event: DomainEvent) -> dict[str, Any]:
    sent = notify_threshold(event, live_senders(), get_mailer())
    if any(sent.values()):
        logger.info("Budget alert sent", extra=sent)
    return {"sent": sent}


lambda_handler = domain_event_handler(notify)
