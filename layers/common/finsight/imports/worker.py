"""Statement imports, the reading side (the import function): an upload's S3 event, or a mapped import's
resume message, runs one import — claimed first (one run at a time; a run that stopped is resumed when its
lease runs out), read, categorised, written once, and finished with its counts or a readable reason.

S3 delivers an event at least once and Lambda retries a failed run: a run finds the import done and leaves
it, or finds it running and leaves it to that run; the ledger writes nothing twice either way.
"""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import unquote_plus
from zoneinfo import ZoneInfo

from bson import ObjectId
from pymongo.database import Database

from finsight.accounts.users import UserRecord, UserRepository
from finsight.events.models import EventType, new_event
from finsight.events.outbox import record
from finsight.imports.ai_categories import queue_fallback_rows
from finsight.imports.ledger import write_expenses
from finsight.imports.repository import RUNNABLE, ImportRepository
from finsight.imports.service import view
from finsight.imports.settings import import_settings
from finsight.imports.statement import (
    MAX_INVALID_REPORTED,
    NeedsMappingError,
    StatementError,
    nothing_to_import,
    read_statement,
)
from finsight.platform.db import Document, get_database
from finsight.platform.ids import object_id
from finsight.platform.observability import logger
from finsight.platform.storage import ObjectTooLargeError, read_object


def import_key(key: str) -> tuple[str, ObjectId] | None:
    """The user and import an object key names (`imports/<user>/<import_id>`, URL-encoded in S3 events)."""
    parts = unquote_plus(key).split("/")
    if len(parts) != 3 or parts[0] != "imports":
        return None
    oid = object_id(parts[2])
    return None if oid is None else (parts[1], oid)


def on_upload(bucket: str, key: str) -> str:
    """An object landed in the bucket: run its import. What happened ("completed", "skipped"…)."""
    named = import_key(key)
    if named is None:
        logger.warning("An object outside imports/<user>/<id> was left alone", extra={"key": key})
        return "ignored"
    return run(named[0], named[1], bucket, statuses=RUNNABLE)


def on_resume(user_id: str, import_id: str, bucket: str) -> str:
    oid = object_id(import_id)
    return "ignored" if oid is None else run(user_id, oid, bucket, statuses=("uploaded",))


def run(user_id: str, import_id: ObjectId, bucket: str, *, statuses: tuple[str, ...]) -> str:
    settings = import_settings()
    database = get_database()
    imports = ImportRepository(database)
    doc = imports.claim(user_id, import_id, statuses=statuses, lease=timedelta(seconds=settings.import_lease_seconds))
    if doc is None:
        return "skipped"  # done already, or another run has it
    user = UserRepository(database).get(user_id)
    if user is None:
        status, fields = "failed", {"failure_reason": "The account no longer exists."}
    else:
        status, fields = _import(database, doc, user, bucket)
    imports.finish(import_id, status, fields)
    if status == "completed":
        finished = imports.get(user_id, import_id)
        if finished is not None:  # (undone meanwhile: nothing to announce)
            # its state and counts; not the file's own cells (a sample, columns, invalid rows can be large)
            data = view(finished).model_dump(mode="json", by_alias=True, exclude={"sample", "columns", "rows_invalid"})
            record([new_event(EventType.IMPORT_COMPLETED, user_id, data, once_key=str(import_id))])
    if status == "completed" and fields.get("rows_imported"):
        queue_fallback_rows(user_id, str(import_id))  # the rows the lexicon left in Other, for Gemini
    return status


def _import(database: Database[Document], doc: Document, user: UserRecord, bucket: str) -> tuple[str, Document]:
    """Read the file and write its expenses: the import's final status and fields."""
    settings = import_settings()
    try:
        data = read_object(bucket, doc["key"], settings.import_max_bytes)
        statement = read_statement(data, currency=user.currency, mapping=doc.get("mapping"))
    except ObjectTooLargeError:
        return "failed", {"failure_reason": f"The file is over {settings.import_max_bytes // (1024 * 1024)} MB."}
    except NeedsMappingError as needed:
        return "needs_mapping", {"format": "csv", "columns": needed.columns, "sample": needed.sample}
    except StatementError as error:
        return "failed", {"failure_reason": error.reason}
    except Exception:  # a reader's own bug on a file nobody foresaw: the import ends, never left processing
        logger.exception("A statement could not be read", extra={"import_id": str(doc["_id"])})
        return "failed", {"failure_reason": "This file could not be read. Please check it is a bank statement."}
    outcome = write_expenses(
        database,
        user_id=user.id,
        import_id=str(doc["_id"]),
        statement=statement,
        currency=user.currency,
        zone=ZoneInfo(user.timezone),
    )
    invalid = sorted(statement.invalid + outcome.invalid)
    counts: Document = {
        "format": statement.format,
        "rows_total": len(statement.rows) + len(statement.invalid) + statement.skipped,
        "rows_imported": outcome.imported,
        "rows_duplicate": outcome.duplicate,
        "rows_skipped_income": len(statement.income),
        "rows_skipped": statement.skipped,
        "rows_invalid": [list(item) for item in invalid[:MAX_INVALID_REPORTED]],
        "rows_invalid_count": len(invalid),
    }
    reason = nothing_to_import(statement)
    if reason is not None:
        return "failed", {**counts, "failure_reason": reason}
    return "completed", counts
