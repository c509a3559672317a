"""Count database round trips: pymongo command events on a real server, outermost calls on mongomock."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import ModuleType
from typing import Any

from pymongo import monitoring

_COLLECTION_CALLS = [
    "find",
    "find_one",
    "count_documents",
    "aggregate",
    "insert_one",
    "insert_many",
    "update_one",
    "update_many",
    "find_one_and_update",
    "find_one_and_delete",
    "delete_one",
    "delete_many",
]


class _CommandCounter(monitoring.CommandListener):
    def __init__(self) -> None:
        self.count = 0
        self.active = False

    def started(self, event: monitoring.CommandStartedEvent) -> None:
        if self.active and event.command_name not in ("endSessions", "isMaster", "hello", "ping"):
            self.count += 1

    def succeeded(self, event: monitoring.CommandSucceededEvent) -> None: ...

    def failed(self, event: monitoring.CommandFailedEvent) -> None: ...


# Registered before any client exists, so clients the layer creates later report their commands.
_server_counter = _CommandCounter()
monitoring.register(_server_counter)


@contextmanager
def count_round_trips(client: Any) -> Iterator[Callable[[], int]]:
    """Inside the block, the returned function tells how many round trips reached the database."""
    mongomock: ModuleType | None
    try:
        import mongomock
    except ImportError:  # pragma: no cover - mongomock is a dev dependency
        mongomock = None
    if mongomock is not None and isinstance(client, mongomock.MongoClient):
        with _count_mongomock_calls(mongomock) as count:
            yield count
        return
    _server_counter.count, _server_counter.active = 0, True
    try:
        yield lambda: _server_counter.count
    finally:
        _server_counter.active = False


@contextmanager
def _count_mongomock_calls(mongomock: Any) -> Iterator[Callable[[], int]]:
    calls = 0
    depth = 0  # mongomock's methods call each other (find_one -> find): count the outermost only
    collection = mongomock.collection.Collection
    originals = {name: getattr(collection, name) for name in _COLLECTION_CALLS}

    def counting(name: str) -> Callable[..., Any]:
        def wrapper(self: Any, *args: Any, **kwargs: Any) -> Any:
            nonlocal calls, depth
            calls += depth == 0
            depth += 1
            try:
                return originals[name](self, *args, **kwargs)
            finally:
                depth -= 1

        return wrapper

    for name in _COLLECTION_CALLS:
        setattr(collection, name, counting(name))
    try:
        yield lambda: calls
    finally:
        for name, original in originals.items():
            setattr(collection, name, original)
