"""MongoDB access: one lazy client per execution environment; indexes declared once and applied."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import mongomock
import pytest
from pymongo.database import Database
from pymongo.errors import DuplicateKeyError, PyMongoError

from finsight.platform import config, db
from finsight.platform.indexes import INDEXES, apply_indexes


@pytest.fixture(autouse=True)
def no_shared_client(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("MONGODB_URI", "mongodb://127.0.0.1:1/?directConnection=true")
    monkeypatch.setenv("MONGODB_TIMEOUT_MS", "200")
    config.reset_settings()
    db.use_client(None)
    yield
    db.use_client(None)
    config.reset_settings()


def test_client_is_created_lazily_without_connecting_and_reused() -> None:
    started = time.perf_counter()
    client = db.get_client()
    assert time.perf_counter() - started < 0.5  # connect=False: no server contacted yet
    assert db.get_client() is client
    assert client.options.server_selection_timeout == 0.2


def test_unreachable_server_fails_fast_with_a_pymongo_error() -> None:
    started = time.perf_counter()
    with pytest.raises(PyMongoError):
        db.ping()
    assert time.perf_counter() - started < 3


def test_indexes_apply_idempotently_and_enforce_uniqueness() -> None:
    database: Database[db.Document] = mongomock.MongoClient(tz_aware=True)["finsight"]
    first = apply_indexes(database)
    second = apply_indexes(database)
    assert first == second
    assert set(first) == set(INDEXES)
    database["users"].insert_one({"email": "a@example.com"})
    with pytest.raises(DuplicateKeyError):
        database["users"].insert_one({"email": "a@example.com"})


@pytest.mark.parametrize("collection", ["sessions", "password_resets", "rate_events"])
def test_short_lived_records_expire_by_ttl_index(collection: str) -> None:
    database: Database[db.Document] = mongomock.MongoClient(tz_aware=True)["finsight"]
    apply_indexes(database)
    ttl = [info for info in database[collection].index_information().values() if info.get("expireAfterSeconds") == 0]
    assert [list(info["key"]) for info in ttl] == [[("expires_at", 1)]]
    database[collection].insert_one({"expires_at": datetime.now(UTC) - timedelta(seconds=1)})
    database[collection].insert_one({"expires_at": datetime.now(UTC) + timedelta(hours=1)})
    assert database[collection].count_documents({}) == 1  # the expired one is gone
