"""Fixtures of the unit tests: an empty in-memory database the layer's use cases talk to (atomic per
operation, as a server is, so tests that run use cases on threads see real concurrency)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from dev.localapi.memorydb import in_memory_client
from finsight import db


@pytest.fixture
def database() -> Iterator[Any]:
    db.use_client(in_memory_client())
    yield db.get_database()
    db.use_client(None)
