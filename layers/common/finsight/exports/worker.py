"""Exports, the writing side (the export function, on the export queue): the user's data into a file under
`exports/<user>/<export_id>` in the bucket. Claimed first, so a redelivered message writes it once; a run
that stopped is taken over after EXPORT_LEASE (the function's timeout)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from bson import ObjectId
from pymongo import ASCENDING

from finsight.accounts.service import get_profile
from finsight.accounts.users import UserRepository
from finsight.exports.files import everything_json, transactions_csv
from finsight.platform.db import Document, get_database, take_lease
from finsight.platform.ids import object_id
from finsight.platform.storage import import_bucket, write_object
from finsight.platform.timeutil import end_bound, iso_utc, start_bound
from finsight.transactions.documents import to_transaction

EXPORT_LEASE = timedelta(minutes=5)
CONTENT_TYPES = {"csv": "text/csv; charset=utf-8", "json": "application/json"}


def _claim(export_id: ObjectId, user_id: str) -> Document | None:
    query = {"_id": export_id, "user_id": user_id}
    return take_lease(get_database()["exports"], query, statuses=("queued",), lease=EXPORT_LEASE)


def _transactions(user_id: str, doc: Document, zone: ZoneInfo) -> list[Document]:
    query: Document = {"user_id": user_id, "status": "completed"}
    if doc.get("start_date") or doc.get("end_date"):
        query["date"] = {}
        if doc.get("start_date"):
            query["date"]["$gte"] = start_bound(doc["start_date"], zone)
        if doc.get("end_date"):
            query["date"]["$lt"] = end_bound(doc["end_date"], zone)
    cursor = get_database()["transactions"].find(query).sort([("date", ASCENDING), ("_id", ASCENDING)])
    return list(cursor)


def _budgets(user_id: str) -> list[dict[str, Any]]:
    cursor = get_database()["budgets"].find({"user_id": user_id}).sort([("year", ASCENDING), ("month", ASCENDING)])
    return [
        {
            "category": b["category"],
            "limit": b["limit_minor"] / 100,
            "currency": b.get("currency"),
            "month": b["month"],
            "year": b["year"],
        }
        for b in cursor
    ]


def _learned(user_id: str) -> list[dict[str, Any]]:
    cursor = get_database()["rules"].find({"user_id": user_id, "origin": "learned"}).sort("match.merchant", ASCENDING)
    return [
        {
            "term": r["match"].get("merchant"),
            "category": r["set"].get("category"),
            "updated_at": iso_utc(r["updated_at"]),
        }
        for r in cursor
    ]


def run_export(user_id: str, export_id: str) -> str:
    oid = object_id(export_id)
    doc = None if oid is None else _claim(oid, user_id)
    if oid is None or doc is None:
        return "skipped"  # done, or another run has it
    exports = get_database()["exports"]
    user = UserRepository(get_database()).get(user_id)
    if user is None:
        exports.update_one({"_id": oid}, {"$set": {"status": "failed", "failure_reason": "The account is gone."}})
        return "failed"
    zone = ZoneInfo(user.timezone)
    transactions = _transactions(user_id, doc, zone)
    if doc["format"] == "csv":
        data, rows = transactions_csv(transactions, zone)
    else:
        profile = get_profile(user_id).model_dump(mode="json", by_alias=True)
        listed = [to_transaction(t).model_dump(mode="json", by_alias=True) for t in transactions]
        data, rows = everything_json(profile, listed, _budgets(user_id), _learned(user_id)), len(listed)
    stamp = datetime.now(UTC).strftime("%Y%m%d")
    filename = f"finsight-{'transactions' if doc['format'] == 'csv' else 'export'}-{stamp}.{doc['format']}"
    key = f"exports/{user_id}/{oid}.{doc['format']}"
    write_object(import_bucket(), key, data, CONTENT_TYPES[doc["format"]])
    exports.update_one(
        {"_id": oid, "status": "processing"},
        {
            "$set": {
                "status": "completed",
                "key": key,
                "filename": filename,
                "rows": rows,
                "size": len(data),
                "updated_at": datetime.now(UTC),
            },
            "$unset": {"lease_until": ""},
        },
    )
    return "completed"
