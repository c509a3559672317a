"""Scheduled sweeper: AI entries still processing after AI_JOB_TIMEOUT_MINUTES end failed."""

from typing import Any

from finsight.ai_entry import sweep_stale_jobs
from finsight.background import scheduled_handler
from finsight.observability import logger


def sweep() -> dict[str, Any]:
    failed = sweep_stale_jobs()
    if failed:
        logger.warning("Stale AI entries failed", extra={"count": failed})
    return {"failed": failed}


lambda_handler = scheduled_handler(sweep)
