"""Build step: make pinned packages import on first use what our functions never use at import.

Three kinds of rewrite, each refused (UnexpectedModuleError, nothing written) when the module is not the one it
was written for, and each only for the pinned version of its package (PINNED):

**Re-exporting package `__init__` modules made lazy** (Powertools, phonenumbers).
`aws_lambda_powertools.event_handler` imports every resolver (AppSync, Bedrock, VPC Lattice...) and
`aws_lambda_powertools.utilities.data_classes` every event class (Kinesis, CodePipeline...) as soon as any of their
submodules is imported; our HTTP functions use one resolver and one event class. `phonenumbers` imports its
matcher, as-you-type formatter and short-number info; we parse, validate and format. Each of these `__init__`
modules holds nothing but `from ... import ...` lines and `__all__` (phonenumbers' also `__version__` and a block
run only as a script, both kept), so it is rewritten into a PEP 562 module whose `__getattr__` imports a name's
submodule when the name is first read. The original is kept beside it as `__init__.pyi` (unless the package ships
its own stubs), so type checkers still see the re-exports.

**One re-export made lazy** (LAZY_NAMES). `import pymongo` imports `AsyncMongoClient`, and with it the whole
asynchronous driver (about 30 modules); `import jwt` imports `PyJWKClient`, and with it `urllib.request` and
`http.client`. Our functions use `MongoClient` and `jwt.encode`/`decode` only. The one import line becomes a
module `__getattr__` that imports the name when it is first read.

**An import moved into the one function that uses it** (DEFERRED). `importlib.metadata` (and with it `email`,
`zipfile`, `csv`... about 40 modules) is imported by `pymongo.common` for a check only client-side encryption
makes and by pydantic's plugin loader for a scan `PYDANTIC_DISABLE_PLUGINS` turns off; `difflib` by pymongo for
the suggestion in the error about a misspelt option; JMESPath by Powertools' Logger, read by one method
(`Logger.inject_lambda_context`) only when given a correlation-id path, which ours are not. The rewrite first
checks, on the syntax tree, that the names the import binds are read nowhere but in that function.
`import importlib.metadata` in `wrapt.importer` (loaded with the X-Ray SDK when tracing is on, as deployed) is
moved the same way, its package kept at the top (`import importlib`) for the module's other uses: it is the
submodule that moves, read only as `importlib.metadata` in the one function scanning entry points for hooks.

Run on the layer by `layers/common/Makefile` (after pip installs it) and on the dev virtualenv by
`make install`, so tests and the local gateway run the code that ships. A new release may add statements these
rewrites must keep, or uses of a deferred name elsewhere: hence the pins.

    python lazy_imports.py [site-packages directory]   # default: where aws_lambda_powertools is found
"""

from __future__ import annotations

import ast
import importlib.metadata
import importlib.util
import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

# The versions the rewrites were written for (the layer's requirements.txt pins the same).
PINNED = {
    "aws-lambda-powertools": "3.37.0",
    "pymongo": "4.20.0",
    "pydantic": "2.14.3",
    "pyjwt": "2.15.1",
    "wrapt": "2.5.2",
    "phonenumberslite": "9.0.42",
}
PACKAGES = (
    "aws_lambda_powertools.event_handler",
    "aws_lambda_powertools.event_handler.openapi",
    "aws_lambda_powertools.utilities.data_classes",
    # parse/format only: not the as-you-type formatter, the short-number info or the matcher (and its data).
    "phonenumbers",
)
MARKER = "# Rewritten by layers/common/lazy_imports.py"
REWRITTEN = "# Rewritten by layers/common/lazy_"  # this script's marker, and its earlier name's (lazy_powertools.py)

_TEMPLATE = """{docstring}
{marker}: names are imported from their submodule on first use.
import importlib as _importlib

_LAZY = {lazy!r}
__all__ = {exported!r}
{kept}

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

_LAZY_NAME = """

{marker}: {name} is imported on first use.
def __getattr__(name):
    if name == {name!r}:
        {statement}
        globals()[name] = {name}
        return {name}
    raise AttributeError(f"module {{__name__!r}} has no attribute {{name!r}}")
"""


@dataclass(frozen=True)
class LazyName:
    """`statement`, a module-level `from ... import name` in `path`, made a module `__getattr__`."""

    path: str  # under site-packages
    statement: str
    name: str


@dataclass(frozen=True)
class Deferred:
    """`statement`, a module-level import in `path`, moved into `function` (`name` or `Class.name`), the only place
    its names are read."""

    path: str
    statement: str
    function: str


LAZY_NAMES = (
    LazyName(
        "pymongo/__init__.py", "from pymongo.asynchronous.mongo_client import AsyncMongoClient", "AsyncMongoClient"
    ),
    LazyName("jwt/__init__.py", "from .jwks_client import PyJWKClient", "PyJWKClient"),
)
DEFERRED = (
    Deferred("pymongo/common.py", "from importlib.metadata import requires, version", "check_for_min_version"),
    Deferred("pymongo/common.py", "from difflib import get_close_matches", "_get_validator"),
    Deferred("pydantic/plugin/_loader.py", "from importlib.metadata import entry_points", "get_plugins"),
    # Powertools' Logger reads a correlation id with JMESPath only when given a path; ours set it themselves.
    Deferred(
        "aws_lambda_powertools/logging/logger.py",
        "from aws_lambda_powertools.utilities import jmespath_utils",
        "Logger.inject_lambda_context",
    ),
    # Loaded with the X-Ray SDK (tracing on, as deployed) for entry-point hooks nothing here declares.
    Deferred("wrapt/importer.py", "import importlib.metadata", "discover_post_import_hooks"),
)


class UnexpectedModuleError(ValueError):
    """The module is not the one a rewrite was written for (a Powertools `__init__` that does more than re-export
    names, a module without the one import line a rewrite moves, or whose names are used beyond the function the
    import would move into): rewriting it could drop behaviour."""


def _kept_as_is(node: ast.stmt) -> bool:
    """A statement a lazy `__init__` keeps as it is: a dunder constant (`__version__ = "9.0.42"`), or the block run
    only as a script (`if __name__ == "__main__":`)."""
    if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant) and len(node.targets) == 1:
        target = node.targets[0]
        return isinstance(target, ast.Name) and target.id.startswith("__") and target.id.endswith("__")
    if isinstance(node, ast.If) and not node.orelse and isinstance(node.test, ast.Compare):
        test = node.test
        return (
            isinstance(test.left, ast.Name)
            and test.left.id == "__name__"
            and [type(op) for op in test.ops] == [ast.Eq]
            and [getattr(value, "value", None) for value in test.comparators] == ["__main__"]
        )
    return False


def lazy_source(source: str, package: str) -> str:
    """The lazy equivalent of an `__init__` module of `package` made only of re-exports (and of what
    `_kept_as_is` keeps)."""
    tree = ast.parse(source)
    lazy: dict[str, tuple[str, str]] = {}
    exported: list[str] | None = None
    kept: list[str] = []
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
        if _kept_as_is(node):
            kept.append(str(ast.get_source_segment(source, node)))
            continue
        raise UnexpectedModuleError(f"{package}: line {node.lineno} is not a re-export")
    docstring = ast.get_docstring(tree, clean=False)
    return _TEMPLATE.format(
        docstring=f'"""{docstring}"""\n' if docstring else "",
        marker=MARKER,
        lazy=lazy,
        exported=exported if exported is not None else sorted(lazy),
        kept="".join(f"\n{statement}\n" for statement in kept),
    )


def _require_versions(site_packages: Path) -> None:
    """Stop unless every package a rewrite is for is installed under `site_packages` at its pinned version."""
    found = {
        re.sub(r"[-_.]+", "-", dist.metadata["Name"]).lower(): dist.version
        for dist in importlib.metadata.distributions(path=[str(site_packages)])
    }
    for package, pinned in PINNED.items():
        if found.get(package) != pinned:
            raise SystemExit(f"lazy_imports: {package} {found.get(package, 'missing')} installed, written for {pinned}")


def _single_statement(source: str, statement: str, path: str) -> None:
    """Refuse unless `statement` is one whole line of `source`, once."""
    if source.count(f"\n{statement}\n") != 1:
        raise UnexpectedModuleError(f"{path} is not the module this rewrite was written for ({statement!r})")


def lazy_name(source: str, change: LazyName) -> str:
    """`source` without the module-level import of `change.name`, read on first use instead."""
    _single_statement(source, change.statement, change.path)
    if "def __getattr__" in source:
        raise UnexpectedModuleError(f"{change.path} has a module __getattr__ already")
    lazy = _LAZY_NAME.format(marker=MARKER, name=change.name, statement=change.statement)
    return source.replace(f"\n{change.statement}\n", "\n", 1) + lazy


def _bound_names(statement: str) -> set[str]:
    node = ast.parse(statement).body[0]
    if not isinstance(node, ast.Import | ast.ImportFrom):
        raise ValueError(f"not an import: {statement!r}")
    return {(alias.asname or alias.name).split(".")[0] for alias in node.names}


def _global_uses(tree: ast.Module, names: set[str], skip: ast.FunctionDef) -> list[ast.AST]:
    """Where the module-level `names` are read, bound or declared global outside `skip` (a function's own
    parameters and assignments of those names are its locals, not uses)."""
    uses: list[ast.AST] = []

    def visit(node: ast.AST, local: frozenset[str]) -> None:
        if node is skip:
            return
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
            arguments = node.args
            parameters = [*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs]
            parameters += [extra for extra in (arguments.vararg, arguments.kwarg) if extra is not None]
            body = [node.body] if isinstance(node, ast.Lambda) else node.body
            assigned = {
                name.id
                for statement in body
                for name in ast.walk(statement)
                if isinstance(name, ast.Name) and not isinstance(name.ctx, ast.Load)
            }
            local = local | {parameter.arg for parameter in parameters} | assigned
        if isinstance(node, ast.Global) and names & set(node.names):
            uses.append(node)
        if isinstance(node, ast.Name) and node.id in names and node.id not in local:
            uses.append(node)
        for child in ast.iter_child_nodes(node):
            visit(child, local)

    visit(tree, frozenset())
    return uses


def _innermost_statement(block: list[ast.stmt], reads: set[int]) -> ast.stmt:
    """The innermost statement that runs before every read in `reads` (node ids) within `block`: the import is put
    just before it, so it runs only on the path that needs it (and before every read, the name being local to
    the function once imported there)."""
    while True:
        holding = [statement for statement in block if reads & {id(node) for node in ast.walk(statement)}]
        statement = holding[0]
        if len(holding) > 1:
            return statement
        inner = [
            body
            for body in (
                getattr(statement, "body", None),
                getattr(statement, "orelse", None),
                getattr(statement, "finalbody", None),
                *(handler.body for handler in getattr(statement, "handlers", ())),
            )
            if isinstance(body, list) and reads <= {id(node) for part in body for node in ast.walk(part)}
        ]
        if not inner:
            return statement
        block = inner[0]


def _submodule(statement: str) -> tuple[str, str] | None:
    """("a", "b") for `import a.b`: the package stays imported, only loading its submodule `b` can move."""
    node = ast.parse(statement).body[0]
    if isinstance(node, ast.Import) and len(node.names) == 1 and node.names[0].asname is None:
        package, _, submodule = node.names[0].name.partition(".")
        if submodule and "." not in submodule:
            return package, submodule
    return None


def _deferred_submodule(
    source: str, change: Deferred, tree: ast.Module, function: ast.FunctionDef, submodule: tuple[str, str]
) -> str:
    """`import a.b` moved into the one function that reads `a.b`; `import a` stays at the top, for the package's
    other uses. Refused when `a.b` is read elsewhere or the function reads `a` other than as `a.b` (the import
    makes `a` the function's local: a read before it would fail)."""
    package, name = submodule

    def is_read(node: ast.AST) -> bool:
        return (
            isinstance(node, ast.Attribute)
            and node.attr == name
            and isinstance(node.value, ast.Name)
            and node.value.id == package
        )

    inside = {id(node) for node in ast.walk(function)}
    if any(is_read(node) and id(node) not in inside for node in ast.walk(tree)):
        raise UnexpectedModuleError(f"{change.path}: {package}.{name} used outside {change.function}")
    reads = [node for node in ast.walk(function) if is_read(node)]
    through = {id(node.value) for node in reads if isinstance(node, ast.Attribute)}
    if not reads or any(
        isinstance(node, ast.Name) and node.id == package and id(node) not in through for node in ast.walk(function)
    ):
        raise UnexpectedModuleError(f"{change.path}: {change.function} does not read {package} as {package}.{name}")
    return _insert_before_reads(source, change, function, reads).replace(
        f"\n{change.statement}\n", f"\nimport {package}  {MARKER}: {package}.{name} imported on first use\n", 1
    )


def _insert_before_reads(source: str, change: Deferred, function: ast.FunctionDef, reads: Sequence[ast.AST]) -> str:
    before = _innermost_statement(function.body, {id(node) for node in reads})
    if before.lineno == function.lineno or getattr(before, "decorator_list", None):
        raise UnexpectedModuleError(f"{change.path}: no line of {change.function} to put the import before")
    lines = source.splitlines(keepends=True)
    lines.insert(before.lineno - 1, f"{' ' * before.col_offset}{change.statement}  {MARKER}: imported on first use\n")
    return "".join(lines)


def _is_overload(function: ast.FunctionDef) -> bool:
    return any(
        getattr(decorator, "id", getattr(decorator, "attr", None)) == "overload"
        for decorator in function.decorator_list
    )


def _target_function(tree: ast.Module, change: Deferred) -> ast.FunctionDef:
    """The function `change.function` names: a top-level function, or `Class.method` (its implementation, not
    its `@overload` signatures)."""
    *classes, name = change.function.split(".")
    scope = tree.body
    for class_name in classes:
        found = [node for node in scope if isinstance(node, ast.ClassDef) and node.name == class_name]
        if len(found) != 1:
            raise UnexpectedModuleError(f"{change.path}: no single top-level class {class_name}")
        scope = found[0].body
    functions = [
        node for node in scope if isinstance(node, ast.FunctionDef) and node.name == name and not _is_overload(node)
    ]
    if len(functions) != 1:
        raise UnexpectedModuleError(f"{change.path}: no single function {change.function}")
    return functions[0]


def deferred(source: str, change: Deferred) -> str:
    """`source` with `change.statement` moved from the module's top level into `change.function`, just before
    the innermost statement that holds every read of the names it binds."""
    _single_statement(source, change.statement, change.path)
    tree = ast.parse(source)
    names = _bound_names(change.statement)
    function = _target_function(tree, change)
    submodule = _submodule(change.statement)
    if submodule:
        return _deferred_submodule(source, change, tree, function, submodule)
    rebound = [
        node
        for node in ast.walk(function)
        if isinstance(node, ast.Name) and node.id in names and not isinstance(node.ctx, ast.Load)
    ]
    if _global_uses(tree, names, function) or rebound:
        raise UnexpectedModuleError(f"{change.path}: {sorted(names)} used outside {change.function}")
    reads = [node for node in ast.walk(function) if isinstance(node, ast.Name) and node.id in names]
    if not reads:
        raise UnexpectedModuleError(f"{change.path}: {change.function} does not use {sorted(names)}")
    return _insert_before_reads(source, change, function, reads).replace(f"\n{change.statement}\n", "\n", 1)


def rewrite(site_packages: Path) -> list[Path]:
    """Rewrite the modules above under `site_packages` (again: nothing to do); the files changed."""
    _require_versions(site_packages)
    changed = []
    files: dict[Path, list[LazyName | Deferred]] = {}
    for change in (*LAZY_NAMES, *DEFERRED):
        files.setdefault(site_packages / change.path, []).append(change)
    rewritten: dict[Path, str] = {}
    for path, changes in files.items():
        source = path.read_text(encoding="utf-8")
        if REWRITTEN in source:
            continue
        for change in changes:
            source = lazy_name(source, change) if isinstance(change, LazyName) else deferred(source, change)
        rewritten[path] = source
    for path, source in rewritten.items():  # written once all are made: a refusal leaves every file as it was
        path.write_text(source, encoding="utf-8")
        changed.append(path)
    for package in PACKAGES:
        init = site_packages.joinpath(*package.split("."), "__init__.py")
        source = init.read_text(encoding="utf-8")
        if REWRITTEN in source:
            continue
        lazy = lazy_source(source, package)  # first: a module it refuses leaves both files as they were
        stub = init.with_suffix(".pyi")
        if not stub.exists():  # a package that ships its own stubs keeps them
            stub.write_text(source, encoding="utf-8")
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
