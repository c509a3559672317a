"""Fixtures of the unit tests: an empty in-memory database the layer's use cases talk to (atomic per
operation, as a server is, so tests that run use cases on threads see real concurrency)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from dev.localapi.memorydb import in_memory_client
from finsight.platform import db
from tests.conftest import Configure

SIGNING_KEY = "unit-test-signing-key-that-is-long-enough-for-hs256-and-hs512-0123456789"


@pytest.fixture
def database() -> Iterator[Any]:
    db.use_client(in_memory_client())
    yield db.get_database()
    db.use_client(None)


@pytest.fixture
def signing_key(configure: Configure) -> str:
    """A JWT signing key (tokens, and the key of hashed emails), as the functions get from JWT_SECRET."""
    configure(JWT_SECRET=SIGNING_KEY)
    return SIGNING_KEY
