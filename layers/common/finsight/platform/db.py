"""MongoDB access: one lazily created client per execution environment.

The client is built on first use (never at import) with `connect=False`, so a cold start never waits
for DNS or a server, and a short server-selection timeout so an unreachable cluster fails fast.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from pymongo import MongoClient, ReturnDocument
from pymongo.collection import Collection
from pymongo.database import Database
from pymongo.errors import DuplicateKeyError

from finsight.platform import clients
from finsight.platform.config import get_settings, mongodb_uri
from finsight.platform.observability import trace_calls_of

Document = dict[str, Any]

_client: MongoClient[Document] | None = None


def get_client() -> MongoClient[Document]:
    """The shared MongoClient, created on first call and reused by later invocations."""
    global _client
    if _client is None:
        trace_calls_of("pymongo")
        timeout_ms = get_settings().mongodb_timeout_ms
        _client = MongoClient(
            mongodb_uri(),
            connect=False,
            tz_aware=True,
            appname="finsight",
            serverSelectionTimeoutMS=timeout_ms,
            connectTimeoutMS=timeout_ms,
            maxPoolSize=10,
        )
    return _client


def use_client(client: MongoClient[Document] | None) -> None:
    """Replace the shared client (the local gateway and tests pass a mongomock client; None resets)."""
    global _client
    _client = client


clients.on_reset(lambda: use_client(None))


def get_database() -> Database[Document]:
    """The application database."""
    return get_client()[get_settings().mongodb_db_name]


def ping() -> None:
    """Round-trip to the server; raises `pymongo.errors.PyMongoError` when it does not answer."""
    get_client().admin.command("ping")


def insert_once(collection: Collection[Document], doc: Document) -> bool:
    """Insert `doc` unless a unique key (its `_id`) is taken: True for exactly one of concurrent callers. How a
    job, a provider's retry or a scheduled run claims what must happen once."""
    try:
        collection.insert_one(doc)
    except DuplicateKeyError:
        return False
    return True


def take_lease(
    collection: Collection[Document],
    query: Document,
    *,
    statuses: tuple[str, ...],
    lease: timedelta,
    inc: Document | None = None,
) -> Document | None:
    """Hand one run a job-like document (an import, an export): from one of `statuses`, or from `processing`
    whose last run's lease ran out (that run stopped), into `processing` with a new lease. The document as
    claimed, or None when another run holds it or it is done — so concurrent runs never work on it together."""
    now = datetime.now(UTC)
    update: Document = {"$set": {"status": "processing", "lease_until": now + lease, "updated_at": now}}
    if inc:
        update["$inc"] = inc
    return collection.find_one_and_update(
        {**query, "$or": [{"status": {"$in": list(statuses)}}, {"status": "processing", "lease_until": {"$lt": now}}]},
        update,
        return_document=ReturnDocument.AFTER,
    )
