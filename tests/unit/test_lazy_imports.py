"""The build step that makes pinned packages import on first use (layers/common/lazy_imports.py): it rewrites what
it was written for, and refuses anything else rather than drop behaviour."""

from __future__ import annotations

import importlib
import importlib.metadata
import subprocess
import sys
from pathlib import Path
from typing import Any

import lazy_imports  # the build step, beside the layer's package (layers/common is on the path)
import pytest

from dev.localapi.events import LambdaContext

ASYNC_CLIENT, JWKS_CLIENT = lazy_imports.LAZY_NAMES
METADATA = lazy_imports.DEFERRED[0]  # pymongo/common.py: from importlib.metadata import requires, version

PYMONGO_INIT = '''"""PyMongo."""
from __future__ import annotations

from pymongo.asynchronous.mongo_client import AsyncMongoClient
from pymongo.synchronous.mongo_client import MongoClient
'''

PYMONGO_COMMON = '''"""Functions and classes common to multiple pymongo modules."""
from __future__ import annotations

import sys
from importlib.metadata import requires, version


class Version(tuple):
    def __new__(cls, *version):
        return super().__new__(cls, version)

    @classmethod
    def from_string(cls, text):
        version = [int(part) for part in text.split(".")]
        return Version(*version)


def check_for_min_version(package_name):
    """Test whether an installed package is of the desired version."""
    found = version(package_name)
    return found, requires("pymongo")
'''


def _run(source: str, name: str) -> dict[str, object]:
    namespace: dict[str, object] = {"__name__": name}
    exec(compile(source, name, "exec"), namespace)  # noqa: S102 - the rewritten module, run as a module would be
    return namespace


def test_the_async_client_import_becomes_a_module_getattr() -> None:
    rewritten = lazy_imports.lazy_name(PYMONGO_INIT, ASYNC_CLIENT)
    assert ASYNC_CLIENT.statement not in rewritten.split("def __getattr__")[0]
    assert "from pymongo.synchronous.mongo_client import MongoClient" in rewritten


@pytest.mark.parametrize(
    "source",
    [
        PYMONGO_INIT.replace(f"{ASYNC_CLIENT.statement}\n", ""),  # moved
        lazy_imports.lazy_name(PYMONGO_INIT, ASYNC_CLIENT),  # already rewritten: it has a __getattr__
    ],
)
def test_a_pymongo_it_was_not_written_for_is_refused(source: str) -> None:
    with pytest.raises(lazy_imports.UnexpectedModuleError):
        lazy_imports.lazy_name(source, ASYNC_CLIENT)


def test_a_lazy_name_is_imported_when_first_read_and_kept() -> None:
    change = lazy_imports.LazyName("m.py", "from collections import OrderedDict", "OrderedDict")
    module = _run(lazy_imports.lazy_name(f"import sys\n{change.statement}\n", change), "m")
    assert "OrderedDict" not in module
    getattr_ = module["__getattr__"]
    assert callable(getattr_)
    assert getattr_("OrderedDict").__name__ == "OrderedDict"
    assert "OrderedDict" in module  # kept: the next read finds it without __getattr__
    with pytest.raises(AttributeError):
        getattr_("Missing")


def test_an_import_moves_into_the_one_function_that_uses_it() -> None:
    rewritten = lazy_imports.deferred(PYMONGO_COMMON, METADATA)
    assert f"\n{METADATA.statement}\n" not in rewritten  # gone from the top level...
    function = rewritten.split("def check_for_min_version")[1]
    assert f"    {METADATA.statement}  {lazy_imports.MARKER}" in function.split('"""')[2]  # ...after the docstring
    module = _run(rewritten, "common")
    assert "version" not in module
    check = module["check_for_min_version"]
    assert callable(check)
    assert check("pytest")[0] == importlib.metadata.version("pytest")
    version_class: Any = module["Version"]
    assert version_class.from_string("4.20") == (4, 20)  # a function's own `version` is its local, not a use


LOADER = """import os
from importlib.metadata import entry_points


def get_plugins():
    if os.getenv("PYDANTIC_DISABLE_PLUGINS") == "__all__":
        return ()
    try:
        for entry_point in entry_points(group="pydantic"):
            print(entry_point)
    finally:
        pass
    return ()
"""


def test_the_import_goes_just_before_the_statement_that_needs_it() -> None:
    """Not at the top of the function: a call that returns before the scan imports nothing."""
    change = lazy_imports.Deferred("_loader.py", "from importlib.metadata import entry_points", "get_plugins")
    lines = lazy_imports.deferred(LOADER, change).splitlines()
    scan = lines.index('        for entry_point in entry_points(group="pydantic"):')
    assert lines[scan - 1].startswith(f"        {change.statement}  # Rewritten")
    assert lines[scan - 2] == "    try:"
    assert change.statement not in lines


@pytest.mark.parametrize(
    "extra",
    [
        "\n\nPYMONGO_VERSION = version('pymongo')\n",  # read at import
        "\n\ndef driver():\n    return version('pymongo')\n",  # read by another function
        "\n\ndef set_version():\n    global version\n    version = None\n",  # rebound
        "\n\nversion = None\n",
    ],
)
def test_an_import_used_anywhere_else_is_not_moved(extra: str) -> None:
    with pytest.raises(lazy_imports.UnexpectedModuleError):
        lazy_imports.deferred(PYMONGO_COMMON + extra, METADATA)


WRAPT_IMPORTER = """\"\"\"Post import hooks.\"\"\"

import importlib.metadata
import subprocess
import sys
from importlib.util import find_spec


def _hook(name):
    def import_hook(module):
        return importlib.import_module(name)

    return import_hook


def discover_post_import_hooks(group):
    try:
        entrypoints = importlib.metadata.entry_points(group=group)
    except TypeError:
        entrypoints = importlib.metadata.entry_points().get(group, ())
    return list(entrypoints)
"""
WRAPT_METADATA = lazy_imports.DEFERRED[-1]  # wrapt/importer.py: import importlib.metadata


def test_a_submodule_import_moves_and_its_package_stays_for_the_other_uses() -> None:
    rewritten = lazy_imports.deferred(WRAPT_IMPORTER, WRAPT_METADATA)
    lines = rewritten.splitlines()
    assert lines[2].startswith("import importlib  # Rewritten")  # the package, for importlib.import_module
    scan = lines.index("    try:")
    assert lines[scan - 1].startswith("    import importlib.metadata  # Rewritten")
    module = _run(rewritten, "importer")
    assert module["discover_post_import_hooks"]("finsight.no_such_group") == []  # type: ignore[operator]
    assert module["_hook"]("json")(None).__name__ == "json"  # type: ignore[operator]


@pytest.mark.parametrize(
    "extra",
    [
        "\n\nGROUPS = importlib.metadata.entry_points()\n",  # the submodule read at import
        "\n\ndef plugins():\n    return importlib.metadata.entry_points()\n",  # read by another function
    ],
)
def test_a_submodule_read_anywhere_else_is_not_moved(extra: str) -> None:
    with pytest.raises(lazy_imports.UnexpectedModuleError):
        lazy_imports.deferred(WRAPT_IMPORTER + extra, WRAPT_METADATA)


def test_a_function_reading_the_package_itself_is_refused() -> None:
    """After the move the package name is the function's local: a read of it before the import would fail."""
    source = WRAPT_IMPORTER.replace("    try:\n", "    importlib.invalidate_caches()\n    try:\n", 1)
    with pytest.raises(lazy_imports.UnexpectedModuleError):
        lazy_imports.deferred(source, WRAPT_METADATA)


LOGGER = """\"\"\"Logger.\"\"\"

from typing import overload

from aws_lambda_powertools.utilities import jmespath_utils


class Logger:
    @overload
    def inject_lambda_context(self, handler: None = None) -> None: ...

    @overload
    def inject_lambda_context(self, handler: object) -> object: ...

    def inject_lambda_context(self, handler=None, correlation_id_path=None):
        def decorate(event):
            if correlation_id_path:
                self.correlation_id = jmespath_utils.query(envelope=correlation_id_path, data=event)
            return handler(event)

        return decorate
"""
LOGGER_JMESPATH = next(change for change in lazy_imports.DEFERRED if change.function == "Logger.inject_lambda_context")


def test_an_import_moves_into_a_methods_implementation_not_its_overloads() -> None:
    lines = lazy_imports.deferred(LOGGER, LOGGER_JMESPATH).splitlines()
    assert LOGGER_JMESPATH.statement not in lines
    read = lines.index(
        "                self.correlation_id = jmespath_utils.query(envelope=correlation_id_path, data=event)"
    )
    assert lines[read - 1].startswith(f"                {LOGGER_JMESPATH.statement}  # Rewritten")
    assert lines[read - 2] == "            if correlation_id_path:"  # only a handler given a path imports it


def test_a_method_the_class_does_not_have_once_is_refused() -> None:
    for source in (
        LOGGER.replace("class Logger", "class Other"),
        LOGGER.replace("    def inject_lambda_context(self, handler=None", "    def inject(self, handler=None"),
    ):
        with pytest.raises(lazy_imports.UnexpectedModuleError):
            lazy_imports.deferred(source, LOGGER_JMESPATH)


def test_a_module_without_the_import_or_the_function_is_refused() -> None:
    with pytest.raises(lazy_imports.UnexpectedModuleError):
        lazy_imports.deferred(PYMONGO_COMMON.replace(f"{METADATA.statement}\n", ""), METADATA)
    with pytest.raises(lazy_imports.UnexpectedModuleError):
        lazy_imports.deferred(PYMONGO_COMMON.replace("def check_for_min_version", "def check"), METADATA)


def test_the_installed_packages_are_rewritten_and_still_work(monkeypatch: pytest.MonkeyPatch) -> None:
    """What `make install` did to this virtualenv: the deferred modules are not loaded by the packages' import,
    and what they served still works."""
    import jwt
    import pymongo.common
    from aws_lambda_powertools.logging import logger as powertools_logger
    from pydantic.plugin import _loader

    wrapt_importer: Any = importlib.import_module("wrapt.importer")  # untyped

    for path in (*{change.path for change in lazy_imports.DEFERRED}, JWKS_CLIENT.path):
        module = path.removesuffix(".py").removesuffix("/__init__").replace("/", ".")
        assert lazy_imports.MARKER in Path(sys.modules[module].__file__ or "").read_text(encoding="utf-8"), module
    assert pymongo.common.check_for_min_version("dnspython")[2] is True
    with pytest.raises(pymongo.errors.ConfigurationError, match="Did you mean"):
        pymongo.common.validate("serverselectiontimeouts", 5)
    assert jwt.PyJWKClient.__name__ == "PyJWKClient"
    wrapt_importer.discover_post_import_hooks("finsight.no_such_group")  # the entry-point scan runs, finds nothing
    decorated: Any = powertools_logger.Logger(service="lazy").inject_lambda_context(
        lambda event, context: None, correlation_id_path="requestContext.requestId"
    )
    decorated({"requestContext": {"requestId": "r-1"}}, LambdaContext("lazy", 128, 3))
    assert powertools_logger.Logger(service="lazy").get_correlation_id() == "r-1"  # JMESPath, imported on use
    monkeypatch.delenv("PYDANTIC_DISABLE_PLUGINS", raising=False)
    monkeypatch.setattr(_loader, "_plugins", None)
    assert list(_loader.get_plugins()) == list((_loader._plugins or {}).values())  # the scan ran, entry_points found


def test_a_powertools_init_that_does_more_than_re_export_is_refused() -> None:
    lazy = lazy_imports.lazy_source("from .api import Resolver\n__all__ = ['Resolver']\n", "pkg")
    assert "_LAZY = {'Resolver': ('pkg.api', 'Resolver')}" in lazy
    with pytest.raises(lazy_imports.UnexpectedModuleError):
        lazy_imports.lazy_source("from .api import Resolver\nResolver.default = 1\n", "pkg")


def test_a_lazy_init_keeps_its_version_and_script_block_and_refuses_other_statements() -> None:
    source = (
        '"""Numbers."""\nfrom .util import parse\n__version__ = "9.0.42"\n__all__ = ["parse"]\n\n'
        "if __name__ == '__main__':\n    import doctest\n    doctest.testmod()\n"
    )
    lazy = lazy_imports.lazy_source(source, "numbers_pkg")
    module = _run(lazy, "numbers_pkg")
    assert module["__version__"] == "9.0.42"
    assert "parse" not in module  # still lazy
    assert "if __name__ == '__main__':\n    import doctest" in lazy
    for refused in ('VERSION = "1"\n', "__version__ = compute()\n", "if DEBUG:\n    pass\n"):
        with pytest.raises(lazy_imports.UnexpectedModuleError):
            lazy_imports.lazy_source(f"from .util import parse\n{refused}", "numbers_pkg")


def test_phonenumbers_parses_and_formats_without_loading_what_it_does_not_use() -> None:
    """The installed phonenumbers (rewritten by `make install`) in a fresh interpreter: parse, validate and format
    work, the matcher, the as-you-type formatter and the short-number info stay unloaded, and they still load when
    asked for."""
    probe = (
        "import sys, phonenumbers\n"
        "number = phonenumbers.parse('+919876543210', None)\n"
        "assert phonenumbers.is_valid_number(number)\n"
        "print(phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164))\n"
        "unused = {'phonenumbers.phonenumbermatcher', 'phonenumbers.asyoutypeformatter'}\n"
        "unused.add('phonenumbers.shortnumberinfo')\n"
        "print(sorted(unused & set(sys.modules)))\n"
        "print(phonenumbers.PhoneNumberMatcher.__name__, phonenumbers.__version__)\n"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert out.stdout.splitlines() == ["+919876543210", "[]", "PhoneNumberMatcher 9.0.42"]
