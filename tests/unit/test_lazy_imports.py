"""The build step that makes pinned packages import on first use (layers/common/lazy_imports.py): it rewrites what
it was written for, and refuses anything else rather than drop behaviour."""

from __future__ import annotations

import lazy_imports  # the build step, beside the layer's package (layers/common is on the path)
import pytest

PYMONGO_INIT = '''"""PyMongo."""
from __future__ import annotations

from pymongo.asynchronous.mongo_client import AsyncMongoClient
from pymongo.synchronous.mongo_client import MongoClient
'''


def test_the_async_client_import_becomes_a_module_getattr() -> None:
    rewritten = lazy_imports.lazy_async_client(PYMONGO_INIT)
    assert (
        "from pymongo.asynchronous.mongo_client import AsyncMongoClient\n" not in rewritten.split("def __getattr__")[0]
    )
    assert "from pymongo.synchronous.mongo_client import MongoClient" in rewritten


@pytest.mark.parametrize(
    "source",
    [
        PYMONGO_INIT.replace("from pymongo.asynchronous.mongo_client import AsyncMongoClient\n", ""),  # moved
        lazy_imports.lazy_async_client(PYMONGO_INIT),  # already rewritten
    ],
)
def test_a_pymongo_it_was_not_written_for_is_refused(source: str) -> None:
    with pytest.raises(lazy_imports.UnexpectedModuleError):
        lazy_imports.lazy_async_client(source)


def test_a_powertools_init_that_does_more_than_re_export_is_refused() -> None:
    lazy = lazy_imports.lazy_source("from .api import Resolver\n__all__ = ['Resolver']\n", "pkg")
    assert "_LAZY = {'Resolver': ('pkg.api', 'Resolver')}" in lazy
    with pytest.raises(lazy_imports.UnexpectedModuleError):
        lazy_imports.lazy_source("from .api import Resolver\nResolver.default = 1\n", "pkg")
