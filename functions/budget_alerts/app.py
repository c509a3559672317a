"""Scheduled (every 5 minutes): budget thresholds — a budget whose month's spend reaches 80 % or 100 % of its
limit is announced once per threshold as a `budget.threshold_crossed` event (finsight.budgets.thresholds),
whichever path the spending came from; chat and email alerts and webhooks react to that event."""

from finsight.platform import coldstart  # noqa: F401 - first: no garbage collection while the function loads

# isort: split
from typing import Any

from finsight.budgets.thresholds import announce_crossings
from finsight.jobs.handlers import scheduled_handler
from finsight.platform.observability import logger


def announce() -> dict[str, Any]:
    announced = announce_crossings()
    if announced:
        logger.info("Budget thresholds crossed", extra={"announced": announced})
    return {"announced": announced}


lambda_handler = scheduled_handler(announce)
