"""Gemini for imported rows the lexicon could not file: after an import, its rows left in Other go to the AI
queue in batches (CATEGORISE_BATCH rows, one Gemini call each, never one per row), and the AI worker
re-files them — when a Gemini key is configured; without one the job is skipped and they stay in Other.

Only rows still as the import left them are changed (in Other, filed by the fallback): a row the user
re-filed meanwhile keeps the user's category. Safe to deliver twice: a re-filed row is no longer a fallback.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Literal, Protocol

from pydantic import Field

from finsight.categories.repository import catalogue_of
from finsight.jobs.lifecycle import AiUnavailableError, Delivery, JobMessage, JobOutcome, JobType
from finsight.platform import queue
from finsight.platform.db import get_database
from finsight.platform.errors import ServiceUnavailableError
from finsight.platform.ids import object_id
from finsight.platform.observability import logger

CATEGORISE_BATCH = 100
FALLBACK = "fallback"  # category_source of a row no rule, memory or lexicon term filed


class Categoriser(Protocol):
    def categorise(self, descriptions: list[str], categories: Sequence[str] = ()) -> list[str | None]:
        """One of `categories` (the user's; the defaults when empty) for each description, in order (None where
        it cannot tell); AiUnavailableError when the model cannot answer."""
        ...


class CategoriseImportJob(JobMessage):
    """The SQS message body: up to CATEGORISE_BATCH of an import's rows left in Other."""

    type: Literal["categorise_import"] = "categorise_import"
    import_id: str = Field(min_length=24, max_length=24)
    transaction_ids: list[str] = Field(min_length=1, max_length=CATEGORISE_BATCH)


def queue_fallback_rows(user_id: str, import_id: str) -> int:
    """Queue the import's rows left in Other, a batch a message; how many messages. A queue that does not take
    them leaves them in Other (the import itself is done)."""
    cursor = get_database()["transactions"].find(
        {"user_id": user_id, "import_id": import_id, "category_source": FALLBACK}, {"_id": 1}
    )
    ids = [str(doc["_id"]) for doc in cursor]
    sent = 0
    for start in range(0, len(ids), CATEGORISE_BATCH):
        job = CategoriseImportJob(
            user_id=user_id, import_id=import_id, transaction_ids=ids[start : start + CATEGORISE_BATCH]
        )
        try:
            queue.send_job(job, error=ServiceUnavailableError())
        except ServiceUnavailableError:
            logger.warning(
                "Imported rows left in Other: the AI queue did not take them", extra={"import_id": import_id}
            )
            break
        sent += 1
    return sent


def _apply(job: CategoriseImportJob, delivery: Delivery) -> JobOutcome:
    categoriser = delivery.models.categoriser()
    if categoriser is None:
        return JobOutcome.SKIPPED  # no Gemini key: the lexicon's answer stands
    database = get_database()
    transactions = database["transactions"]
    catalogue = catalogue_of(database, job.user_id)
    oids = [oid for value in job.transaction_ids if (oid := object_id(value)) is not None]
    rows = list(
        transactions.find(
            {
                "_id": {"$in": oids},
                "user_id": job.user_id,
                "category_source": FALLBACK,
            },
            {"description": 1, "category": 1},
        )
    )
    if not rows:
        return JobOutcome.SKIPPED
    try:
        categories = categoriser.categorise([row["description"] for row in rows], catalogue.names())
    except AiUnavailableError:
        if delivery.final_attempt:
            return JobOutcome.FAILED  # they stay in Other
        raise
    now = datetime.now(UTC)
    for row, answer in zip(rows, categories, strict=True):
        category = catalogue.resolve(answer) if answer else None
        if category is None or category == catalogue.other():
            continue
        transactions.update_one(
            {"_id": row["_id"], "user_id": job.user_id, "category_source": FALLBACK, "category": row["category"]},
            {"$set": {"category": category, "category_source": "ai", "updated_at": now}},
        )
    return JobOutcome.COMPLETED


def _dead_letter(job: CategoriseImportJob) -> JobOutcome:
    return JobOutcome.FAILED  # the rows keep the lexicon's Other


def _sweep(*, now: datetime | None = None) -> int:
    return 0  # nothing waits on these jobs


CATEGORISE_IMPORT = JobType(
    tag="categorise_import",
    message=CategoriseImportJob,
    metric="CategoriseImport",
    plural="import_batches",
    apply=_apply,
    dead_letter=_dead_letter,
    sweep=_sweep,
)
