"""Scheduled sweeper: AI entries and summaries still running after AI_JOB_TIMEOUT_MINUTES end failed."""

from finsight.platform import coldstart  # noqa: F401 - first: no garbage collection while the function loads

# isort: split
from typing import Any

from finsight.jobs.handlers import scheduled_handler
from finsight.jobs.registry import sweep_stale
from finsight.platform.observability import logger


def sweep() -> dict[str, Any]:
    counts = sweep_stale()
    if counts["failed"]:
        logger.warning("Stale AI jobs failed", extra=counts)
    return dict(counts)


lambda_handler = scheduled_handler(sweep)
