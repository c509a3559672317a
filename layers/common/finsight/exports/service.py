"""Exports, the HTTP side: ask for one (it is queued for the export worker) and follow it to its link."""

from __future__ import annotations

from datetime import UTC, datetime

from bson import ObjectId

from finsight.accounts.principal import Principal
from finsight.exports.models import CreateExportRequest, ExportJob, ExportQueued, ExportView
from finsight.platform import queue
from finsight.platform.db import get_database
from finsight.platform.errors import BadRequestError, ResourceNotFoundError, ServiceUnavailableError
from finsight.platform.ids import required_object_id
from finsight.platform.limits import admit
from finsight.platform.timeutil import end_bound, iso_utc, start_bound

EXPORTS_PER_USER_PER_HOUR = 20
LINK_SECONDS = 15 * 60


class ExportNotFoundError(ResourceNotFoundError):
    default_message = "Export not found."


class ExportUnavailableError(ServiceUnavailableError):
    default_message = "Exports are not available just now. Please try again in a moment."


def create_export(principal: Principal, request: CreateExportRequest) -> ExportQueued:
    start, end = request.start_date, request.end_date  # compared as instants, a bare date in the user's zone
    if start and end and start_bound(start, principal.zone) >= end_bound(end, principal.zone):
        raise BadRequestError("Invalid request: start_date must not be after end_date.")
    admit({f"exports:user:{principal.user_id}": EXPORTS_PER_USER_PER_HOUR}, 3600)
    exports = get_database()["exports"]
    export_id = ObjectId()
    now = datetime.now(UTC)
    exports.insert_one(
        {
            "_id": export_id,
            "user_id": principal.user_id,
            "format": request.format,
            "start_date": request.start_date,
            "end_date": request.end_date,
            "status": "queued",
            "created_at": now,
            "updated_at": now,
        }
    )
    queue.send_job(  # not taken: the export ends failed, never waiting for ever
        ExportJob(export_id=str(export_id), user_id=principal.user_id),
        url=queue.export_queue_url,
        undo=lambda: exports.update_one(
            {"_id": export_id}, {"$set": {"status": "failed", "failure_reason": "Not queued."}}
        ),
        error=ExportUnavailableError(),
    )
    return ExportQueued(export_id=str(export_id))


def get_export(principal: Principal, export_id: str) -> ExportView:
    oid = required_object_id(export_id, "export")
    doc = get_database()["exports"].find_one({"_id": oid, "user_id": principal.user_id})
    if doc is None:
        raise ExportNotFoundError()
    link = None
    if doc["status"] == "completed":
        from finsight.platform.storage import download_link, import_bucket  # noqa: PLC0415 - boto3 on first use

        try:
            link = download_link(import_bucket(), doc["key"], LINK_SECONDS, doc["filename"])
        except Exception as exc:  # botocore's errors
            raise ExportUnavailableError() from exc
    return ExportView(
        export_id=str(oid),
        format=doc["format"],
        status=doc["status"],
        rows=doc.get("rows"),
        download_url=link,
        expires_in_seconds=LINK_SECONDS if link else None,
        failure_reason=doc.get("failure_reason"),
        created_at=iso_utc(doc["created_at"]),
    )
