"""Scheduled (every 15 minutes): the weekly digest — on Mondays from 09:00 in each user's time zone, a linked
user with /weekly on gets last week in five lines, once, on each channel where they turned it on."""

from finsight.platform import coldstart  # noqa: F401 - first: no garbage collection while the function loads

# isort: split
from typing import Any

from finsight.chat.digest import send_weekly_digests
from finsight.chat.senders import live_senders
from finsight.jobs.handlers import scheduled_handler
from finsight.platform.observability import logger


def digest() -> dict[str, Any]:
    sent: dict[str, int] = {sender.channel: send_weekly_digests(sender) for sender in live_senders()}
    if any(sent.values()):
        logger.info("Weekly digests sent", extra=sent)
    return {"sent": sent}


lambda_handler = scheduled_handler(digest)
