"""Scheduled sweeper: AI entries and summaries still running after AI_JOB_TIMEOUT_MINUTES end failed, and so do
statement imports whose run stopped or whose upload never came, and exports SQS gave up on; webhook deliveries
no queue message carries any more are queued again; what a request that read a category list just before a
rename or delete filed under the old name is moved to the new one."""

from finsight.platform import coldstart  # noqa: F401 - first: no garbage collection while the function loads

# isort: split
from datetime import timedelta
from typing import Any

from finsight.categories.refile import refile_recent
from finsight.exports.repository import sweep_exports
from finsight.imports.repository import sweep_imports
from finsight.imports.settings import import_settings
from finsight.jobs.handlers import scheduled_handler
from finsight.jobs.registry import sweep_stale
from finsight.platform.db import get_database
from finsight.platform.observability import logger
from finsight.webhooks.delivery import requeue_stalled


def sweep() -> dict[str, Any]:
    counts = sweep_stale()
    if counts["failed"]:
        logger.warning("Stale AI jobs failed", extra=counts)
    expiry = timedelta(seconds=import_settings().import_upload_expiry_seconds)
    imports = sweep_imports(get_database(), upload_expiry=expiry)
    exports = sweep_exports(get_database())
    if imports or exports:
        logger.warning("Stale imports and exports failed", extra={"imports": imports, "exports": exports})
    deliveries = requeue_stalled()
    if deliveries:
        logger.warning("Stalled webhook deliveries queued again", extra={"deliveries": deliveries})
    refiled = refile_recent(get_database())
    if refiled:
        logger.warning("Written under a former category name, re-filed", extra={"refiled": refiled})
    return {**counts, "imports": imports, "exports": exports, "webhook_deliveries": deliveries, "refiled": refiled}


lambda_handler = scheduled_handler(sweep)
