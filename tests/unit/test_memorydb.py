"""The in-memory MongoDB of tests and local runs is atomic per operation under real threads, like a server."""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from pymongo.collection import Collection
from pymongo.errors import DuplicateKeyError

from dev.localapi.memorydb import in_memory_client

THREADS = 8
TRIALS = 60


def all_at_once(action: Callable[[int], int]) -> int:
    """Run `action(i)` in THREADS threads released together; the sum of what they return."""
    barrier = threading.Barrier(THREADS)

    def run(i: int) -> int:
        barrier.wait()
        return action(i)

    with ThreadPoolExecutor(THREADS) as pool:
        return sum(pool.map(run, range(THREADS)))


@pytest.mark.usefixtures("busy_switching")
def test_only_one_of_many_concurrent_conditional_updates_matches() -> None:
    # Plain mongomock let two or more of these win in about one trial in six on this machine.
    collection: Collection[dict[str, Any]] = in_memory_client()["db"]["claims"]
    for trial in range(TRIALS):
        collection.insert_one({"_id": trial, "owner": None})

        def claim(i: int, trial: int = trial) -> int:
            return collection.update_one({"_id": trial, "owner": None}, {"$set": {"owner": i}}).modified_count

        winners = all_at_once(claim)
        assert winners == 1, f"trial {trial}: {winners} claims won"


@pytest.mark.usefixtures("busy_switching")
def test_a_unique_index_admits_one_of_many_concurrent_inserts() -> None:
    collection: Any = in_memory_client()["db"]["unique"]
    collection.create_index("key", unique=True)

    for trial in range(TRIALS // 2):

        def insert(i: int, trial: int = trial) -> int:
            try:
                collection.insert_one({"key": trial, "writer": i})
            except DuplicateKeyError:
                return 0
            return 1

        assert all_at_once(insert) == 1
    assert collection.count_documents({}) == TRIALS // 2


@pytest.mark.usefixtures("busy_switching")
def test_concurrent_increments_are_never_lost() -> None:
    collection: Any = in_memory_client()["db"]["counters"]
    collection.insert_one({"_id": "n", "value": 0})
    for _ in range(TRIALS // 4):
        all_at_once(lambda i: collection.find_one_and_update({"_id": "n"}, {"$inc": {"value": 1}}) and 0)
    assert collection.find_one({"_id": "n"})["value"] == THREADS * (TRIALS // 4)
