"""Fixtures of the HTTP tests: a freshly registered, logged-in user, and another one."""

from __future__ import annotations

import pytest

from tests.helpers import User
from tests.http_client import ApiClient


@pytest.fixture
def user(local_api: ApiClient) -> User:
    return User(local_api)


@pytest.fixture
def other(local_api: ApiClient) -> User:
    return User(local_api)
