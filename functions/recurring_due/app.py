"""Scheduled (hourly): every recurring expense that has come due in its user's time zone becomes a
transaction, exactly once (finsight.recurring.worker)."""

from finsight.platform import coldstart  # noqa: F401 - first: no garbage collection while the function loads

# isort: split
from typing import Any

from finsight.jobs.handlers import scheduled_handler
from finsight.platform.observability import logger
from finsight.recurring.worker import create_due_occurrences


def create_due() -> dict[str, Any]:
    created = create_due_occurrences()
    if created:
        logger.info("Recurring expenses created", extra={"created": created})
    return {"created": created}


lambda_handler = scheduled_handler(create_due)
