"""Scheduled (every 5 minutes): budget alerts in the chat — a linked user with alerts on hears once when a
budget of theirs passes 80 % and 100 % of its limit this month, whichever channel the spending came from, on
each channel that is on (WhatsApp, Telegram)."""

from finsight.platform import coldstart  # noqa: F401 - first: no garbage collection while the function loads

# isort: split
from typing import Any

from finsight.chat.alerts import send_budget_alerts
from finsight.chat.senders import live_senders
from finsight.jobs.handlers import scheduled_handler
from finsight.platform.observability import logger


def alert() -> dict[str, Any]:
    sent: dict[str, int] = {sender.channel: send_budget_alerts(sender) for sender in live_senders()}
    if any(sent.values()):
        logger.info("Budget alerts sent", extra=sent)
    return {"sent": sent}


lambda_handler = scheduled_handler(alert)
