"""Scheduled (every 5 minutes): budget alerts in WhatsApp — a linked user with alerts on hears once when a
budget of theirs passes 80 % and 100 % of its limit this month, whichever channel the spending came from."""

from finsight.platform import coldstart  # noqa: F401 - first: no garbage collection while the function loads

# isort: split
from typing import Any

from finsight.chat.alerts import send_budget_alerts
from finsight.chat.senders import ChannelOffError, whatsapp_sender
from finsight.jobs.handlers import scheduled_handler
from finsight.platform.observability import logger


def alert() -> dict[str, Any]:
    try:
        sender = whatsapp_sender()
    except ChannelOffError:
        return {"sent": 0, "whatsapp": "off"}
    sent = send_budget_alerts(sender)
    if sent:
        logger.info("Budget alerts sent", extra={"sent": sent})
    return {"sent": sent}


lambda_handler = scheduled_handler(alert)
