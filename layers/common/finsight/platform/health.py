"""Use case: is every dependency of the API answering?"""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum

from botocore.exceptions import BotoCoreError, ClientError
from pydantic import BaseModel
from pymongo.errors import PyMongoError

from finsight.platform import db, queue
from finsight.platform.errors import ConfigurationError
from finsight.platform.observability import logger


class CheckStatus(StrEnum):
    OK = "ok"
    UNAVAILABLE = "unavailable"


class HealthReport(BaseModel):
    """One status per dependency."""

    database: CheckStatus
    queue: CheckStatus

    @property
    def healthy(self) -> bool:
        return self.database is CheckStatus.OK and self.queue is CheckStatus.OK

    def failing(self) -> list[str]:
        return [name for name, status in self if status is not CheckStatus.OK]


def _probe(name: str, check: Callable[[], None], errors: tuple[type[Exception], ...]) -> CheckStatus:
    try:
        check()
    except errors as exc:
        logger.warning("Health check failed", extra={"dependency": name, "error": type(exc).__name__})
        return CheckStatus.UNAVAILABLE
    return CheckStatus.OK


def check_health() -> HealthReport:
    """Ping MongoDB and the queue."""
    return HealthReport(
        database=_probe("database", db.ping, (PyMongoError, ConfigurationError)),
        queue=_probe("queue", queue.ping, (BotoCoreError, ClientError, ConfigurationError)),
    )
