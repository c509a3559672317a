"""Fixtures of the unit tests: an empty in-memory database the layer's use cases talk to."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import mongomock
import pytest

from finsight import db


@pytest.fixture
def database() -> Iterator[Any]:
    db.use_client(mongomock.MongoClient(tz_aware=True))
    yield db.get_database()
    db.use_client(None)
