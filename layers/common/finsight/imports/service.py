"""Statement imports, the HTTP side: an upload form for a new import, an import's state, the user's imports,
undoing one, and giving a waiting import its column mapping. The reading is `finsight.imports.worker`.

The file never passes through the API: the client POSTs it straight to S3 with a presigned form limited to
the declared size and content type, under `imports/<user>/<import_id>`; the bucket's event starts the import.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from bson import ObjectId

from finsight.accounts.principal import Principal
from finsight.imports.models import ImportCreated, ImportView, InvalidRow, MappingRequest, ResumeImport, UploadForm
from finsight.imports.repository import ImportRepository
from finsight.imports.settings import import_settings
from finsight.platform import queue
from finsight.platform.db import Document, get_database
from finsight.platform.errors import BadRequestError, ConflictError, ResourceNotFoundError, ServiceUnavailableError
from finsight.platform.ids import required_object_id
from finsight.platform.limits import admit
from finsight.platform.observability import logger
from finsight.platform.timeutil import iso_utc
from finsight.transactions.repository import split_owner

IMPORTS_PER_USER_PER_HOUR = 30
LISTED = 50


class ImportNotFoundError(ResourceNotFoundError):
    default_message = "Import not found."


class ImportBusyError(ConflictError):
    default_message = "This import is still running; try again when it is done."


class NotWaitingForMappingError(ConflictError):
    default_message = "This import does not wait for a column mapping."


class StorageUnavailableError(ServiceUnavailableError):
    default_message = "Uploads are not available just now. Please try again in a moment."


def view(doc: Document) -> ImportView:
    invalid = doc.get("rows_invalid") or []
    return ImportView(
        id=str(doc["_id"]),
        import_id=str(doc["_id"]),
        filename=doc["filename"],
        status=doc["status"],
        format=doc.get("format"),
        rows_total=doc.get("rows_total", 0),
        rows_imported=doc.get("rows_imported", 0),
        rows_duplicate=doc.get("rows_duplicate", 0),
        rows_skipped_income=doc.get("rows_skipped_income", 0),
        rows_skipped=doc.get("rows_skipped", 0),
        rows_invalid=[InvalidRow(row=row, reason=reason) for row, reason in invalid],
        rows_invalid_count=doc.get("rows_invalid_count", len(invalid)),
        mapping=doc.get("mapping"),
        columns=doc.get("columns"),
        sample=doc.get("sample"),
        failure_reason=doc.get("failure_reason"),
        created_at=iso_utc(doc["created_at"]),
        updated_at=iso_utc(doc["updated_at"]),
    )


def create_import(principal: Principal, filename: str, content_type: str, size: int) -> ImportCreated:
    """A new import waiting for its file, and the form that uploads it (once, within the expiry)."""
    from finsight.platform.storage import presigned_upload  # noqa: PLC0415 - boto3 on first use

    settings = import_settings()
    if size > settings.import_max_bytes:
        raise BadRequestError(f"The file is over {settings.import_max_bytes // (1024 * 1024)} MB.")
    admit({f"imports:user:{principal.user_id}": IMPORTS_PER_USER_PER_HOUR}, 3600)
    import_id = ObjectId()
    key = f"imports/{principal.user_id}/{import_id}"
    try:
        form = presigned_upload(key, content_type, size, settings.import_upload_expiry_seconds)
    except Exception as exc:  # botocore's errors (no credentials, an unreachable endpoint)
        raise StorageUnavailableError() from exc
    now = datetime.now(UTC)
    ImportRepository(get_database()).insert(
        {
            "_id": import_id,
            "user_id": principal.user_id,
            "filename": filename,
            "content_type": content_type,
            "size": size,
            "key": key,
            "status": "awaiting_upload",
            "created_at": now,
            "updated_at": now,
        }
    )
    return ImportCreated(
        import_id=str(import_id),
        upload=UploadForm(url=form["url"], fields=form["fields"]),
        expires_in_seconds=settings.import_upload_expiry_seconds,
    )


def _owned(principal: Principal, import_id: str) -> tuple[ObjectId, Document]:
    oid = required_object_id(import_id, "import")
    doc = ImportRepository(get_database()).get(principal.user_id, oid)
    if doc is None:
        raise ImportNotFoundError()
    return oid, doc


def get_import(principal: Principal, import_id: str) -> ImportView:
    return view(_owned(principal, import_id)[1])


def list_imports(principal: Principal) -> list[ImportView]:
    return [view(doc) for doc in ImportRepository(get_database()).of_user(principal.user_id, LISTED)]


def delete_import(principal: Principal, import_id: str) -> int:
    """Undo an import: its transactions go (nothing else), then the import and its file. How many went."""
    oid = required_object_id(import_id, "import")
    database = get_database()
    # The import goes first, atomically and only when no run holds it: a run claiming it later finds nothing
    # to write for, so no transaction is left behind that no import can undo.
    doc = ImportRepository(database).delete_unless_running(principal.user_id, oid)
    if doc is None:
        raise ImportBusyError() if ImportRepository(database).get(principal.user_id, oid) else ImportNotFoundError()
    removed = database["transactions"].delete_many({"user_id": principal.user_id, "import_id": str(oid)})
    # its rows the user split: the hidden originals go too (their parts, which carry the import, went above)
    database["transactions"].delete_many({"user_id": split_owner(principal.user_id), "import_id": str(oid)})
    from finsight.platform.storage import delete_object, import_bucket  # noqa: PLC0415 - boto3 on first use

    try:
        delete_object(import_bucket(), doc["key"])
    except Exception:  # botocore's errors: the bucket's lifecycle removes the file within 7 days anyway
        logger.warning("An undone import's file was not deleted", extra={"import_id": str(oid)})
    return int(removed.deleted_count)


def map_import(principal: Principal, import_id: str, mapping: MappingRequest) -> ImportView:
    """Give an import that waits for it its column mapping; the import resumes on the import queue."""
    oid, _ = _owned(principal, import_id)
    repository = ImportRepository(get_database())
    given: dict[str, Any] = mapping.model_dump(exclude_none=True)
    before = repository.set_mapping(principal.user_id, oid, given)
    if before is None:
        raise NotWaitingForMappingError()
    columns = set(before.get("columns") or [])
    unknown = sorted(name for role, name in given.items() if role != "date_format" and name not in columns)
    if columns and unknown:
        repository.back_to_mapping(oid)
        raise BadRequestError(f"The file has no column named {', '.join(repr(n) for n in unknown)}.")
    queue.send_job(
        ResumeImport(import_id=str(oid), user_id=principal.user_id),
        url=queue.import_queue_url,
        undo=lambda: repository.back_to_mapping(oid),
        error=StorageUnavailableError("The import could not be resumed just now. Please try again."),
    )
    return view({**before, "status": "uploaded", "mapping": given})
