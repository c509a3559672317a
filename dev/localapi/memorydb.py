"""The in-memory MongoDB of local runs and tests: mongomock, with each operation atomic as on a server.

mongomock runs an operation as several Python steps (an update finds, then writes; an insert checks the
unique indexes, then stores). Under threads those steps interleave, so two conditional updates can both
match and a unique index can let a duplicate in: races a real server never has. Here every operation,
and the reading of a cursor's results, runs under one process-wide lock, so each is atomic and
concurrent callers see what they would see against MongoDB.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable
from typing import Any

import mongomock
from mongomock.collection import Collection, Cursor
from mongomock.database import Database

_LOCK = threading.RLock()  # re-entrant: mongomock's operations call one another (find_one -> find)

# Everything that reads or writes data. A cursor computes its results on first read.
_ATOMIC: dict[type, tuple[str, ...]] = {
    Collection: (
        "insert_one",
        "insert_many",
        "update_one",
        "update_many",
        "replace_one",
        "find_one",
        "find_one_and_delete",
        "find_one_and_replace",
        "find_one_and_update",
        "delete_one",
        "delete_many",
        "count_documents",
        "estimated_document_count",
        "distinct",
        "aggregate",
        "bulk_write",
        "create_index",
        "create_indexes",
        "drop_index",
        "drop_indexes",
        "list_indexes",
        "index_information",
        "drop",
        "rename",
    ),
    Cursor: ("_compute_results", "distinct"),
    Database: ("create_collection", "drop_collection", "list_collection_names"),
    mongomock.MongoClient: ("drop_database", "list_database_names"),
}
_installed = False


def _atomic(method: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(method)
    def locked(*args: Any, **kwargs: Any) -> Any:
        with _LOCK:
            return method(*args, **kwargs)

    return locked


def make_operations_atomic() -> None:
    """Wrap mongomock's operations in the lock (once per process; every mongomock client is affected)."""
    global _installed
    with _LOCK:
        if _installed:
            return
        for cls, names in _ATOMIC.items():
            for name in names:
                setattr(cls, name, _atomic(getattr(cls, name)))
        _installed = True


def in_memory_client() -> mongomock.MongoClient[dict[str, Any]]:
    """A new, empty in-memory MongoDB whose operations are atomic under concurrency."""
    make_operations_atomic()
    return mongomock.MongoClient(tz_aware=True)
