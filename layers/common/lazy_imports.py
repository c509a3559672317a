"""Build step: make two pinned packages import on first use what our functions never use at import.

**Powertools.** `aws_lambda_powertools.event_handler` imports every resolver (AppSync, Bedrock, VPC Lattice...)
and `aws_lambda_powertools.utilities.data_classes` every event class (Kinesis, CodePipeline...) as soon as any
of their submodules is imported; our HTTP functions use one resolver and one event class. Each of these
`__init__` modules holds nothing but `from ... import ...` lines and `__all__`, so it is rewritten into a
PEP 562 module whose `__getattr__` imports a name's submodule when the name is first read. The original is
kept beside it as `__init__.pyi`, so type checkers still see the eager re-exports.

**PyMongo.** `pymongo/__init__.py` imports `AsyncMongoClient`, and with it the whole asynchronous driver
(collection, cursor, pool, topology... about 30 modules), for every `import pymongo`; our functions use the
synchronous `MongoClient` only. That one import line is replaced by a module `__getattr__` that imports the
async client when `pymongo.AsyncMongoClient` is first read; everything else of the module stays as it is.

Run on the layer by `layers/common/Makefile` (after pip installs it) and on the dev virtualenv by
`make install`, so tests and the local gateway run the code that ships. Pinned: it refuses any version but
POWERTOOLS_VERSION and PYMONGO_VERSION (a new release may add statements these modules must keep).

    python lazy_imports.py [site-packages directory]   # default: where aws_lambda_powertools is found
"""

from __future__ import annotations

import ast
import importlib.util
import re
import sys
from pathlib import Path

POWERTOOLS_VERSION = "3.37.0"
PYMONGO_VERSION = "4.20.0"
PACKAGES = (
    "aws_lambda_powertools.event_handler",
    "aws_lambda_powertools.event_handler.openapi",
    "aws_lambda_powertools.utilities.data_classes",
)
MARKER = "# Rewritten by layers/common/lazy_imports.py"
REWRITTEN = "# Rewritten by layers/common/lazy_"  # this script's marker, and its earlier name's (lazy_powertools.py)

_TEMPLATE = """{docstring}
{marker}: names are imported from their submodule on first use.
import importlib as _importlib

_LAZY = {lazy!r}
__all__ = {exported!r}


def __getattr__(name):
    try:
        module, attribute = _LAZY[name]
    except KeyError:
        raise AttributeError(f"module {{__name__!r}} has no attribute {{name!r}}") from None
    value = getattr(_importlib.import_module(module), attribute)
    globals()[name] = value
    return value


def __dir__():
    return sorted(set(globals()) | set(_LAZY))
"""


_ASYNC_CLIENT_IMPORT = "from pymongo.asynchronous.mongo_client import AsyncMongoClient\n"
_ASYNC_CLIENT_LAZY = """

{marker}: the async client, and the asynchronous driver it loads,
# are imported on first use.
def __getattr__(name: str) -> Any:
    if name == "AsyncMongoClient":
        from pymongo.asynchronous.mongo_client import AsyncMongoClient

        globals()[name] = AsyncMongoClient
        return AsyncMongoClient
    raise AttributeError(f"module {{__name__!r}} has no attribute {{name!r}}")
"""


class UnexpectedModuleError(ValueError):
    """The module is not the one a rewrite was written for (a Powertools `__init__` that does more than re-export
    names, a pymongo `__init__` without its one async-client import): rewriting it could drop behaviour."""


def lazy_source(source: str, package: str) -> str:
    """The lazy equivalent of an `__init__` module of `package` made only of re-exports."""
    tree = ast.parse(source)
    lazy: dict[str, tuple[str, str]] = {}
    exported: list[str] | None = None
    for index, node in enumerate(tree.body):
        if index == 0 and isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant):
            continue  # the docstring
        if isinstance(node, ast.ImportFrom) and node.module and not any(a.name == "*" for a in node.names):
            base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
            module = f"{base}.{node.module}" if node.level else node.module
            lazy.update({alias.asname or alias.name: (module, alias.name) for alias in node.names})
            continue
        if (
            isinstance(node, ast.Assign)
            and [getattr(t, "id", None) for t in node.targets] == ["__all__"]
            and isinstance(node.value, ast.List | ast.Tuple)
        ):
            exported = [ast.literal_eval(element) for element in node.value.elts]
            continue
        raise UnexpectedModuleError(f"{package}: line {node.lineno} is not a re-export")
    docstring = ast.get_docstring(tree, clean=False)
    return _TEMPLATE.format(
        docstring=f'"""{docstring}"""\n' if docstring else "",
        marker=MARKER,
        lazy=lazy,
        exported=exported if exported is not None else sorted(lazy),
    )


def _require_version(path: Path, pinned: str) -> None:
    """Stop unless the version file at `path` says `pinned`."""
    found = re.search(r"VERSION_*\s*=\s*\"([^\"]+)\"", path.read_text(encoding="utf-8"), re.IGNORECASE)
    version = found.group(1) if found else "unknown"
    if version != pinned:
        raise SystemExit(f"lazy_imports: {path.parent.name} {version} installed, written for {pinned}")


def lazy_async_client(source: str) -> str:
    """`pymongo/__init__.py` without its eager import of the async client, read on first use instead."""
    if source.count(_ASYNC_CLIENT_IMPORT) != 1 or "def __getattr__" in source or "from typing import Any" in source:
        raise UnexpectedModuleError("pymongo/__init__.py is not the module this rewrite was written for")
    return source.replace(_ASYNC_CLIENT_IMPORT, "from typing import Any\n") + _ASYNC_CLIENT_LAZY.format(marker=MARKER)


def rewrite(site_packages: Path) -> list[Path]:
    """Rewrite the modules above under `site_packages` (again: nothing to do); the files changed."""
    _require_version(site_packages / "aws_lambda_powertools" / "shared" / "version.py", POWERTOOLS_VERSION)
    _require_version(site_packages / "pymongo" / "_version.py", PYMONGO_VERSION)
    changed = []
    init = site_packages / "pymongo" / "__init__.py"
    source = init.read_text(encoding="utf-8")
    if REWRITTEN not in source:
        init.write_text(lazy_async_client(source), encoding="utf-8")
        changed.append(init)
    for package in PACKAGES:
        init = site_packages.joinpath(*package.split("."), "__init__.py")
        source = init.read_text(encoding="utf-8")
        if REWRITTEN in source:
            continue
        lazy = lazy_source(source, package)  # first: a module it refuses leaves both files as they were
        init.with_suffix(".pyi").write_text(source, encoding="utf-8")
        init.write_text(lazy, encoding="utf-8")
        changed.append(init)
    return changed


def main() -> None:
    if len(sys.argv) > 1:
        site_packages = Path(sys.argv[1])
    else:
        spec = importlib.util.find_spec("aws_lambda_powertools")  # finds it without importing it
        if spec is None or spec.origin is None:
            raise SystemExit("lazy_imports: aws_lambda_powertools is not installed")
        site_packages = Path(spec.origin).parent.parent
    for path in rewrite(site_packages):
        print(f"lazy_imports: rewrote {path}")


if __name__ == "__main__":
    main()
