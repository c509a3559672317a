"""`make typecheck`: mypy (pyproject's `[tool.mypy]`: strict, pydantic plugin) over the layer, every function,
dev/ and tests/.

Lambda runs a function with its own folder as the import root: the handler is the top-level module `app`, and
the folder's other modules import by plain name (the AI worker's `gemini`). Every folder has an `app`, so one
mypy run cannot hold them all as Lambda sees them. A folder whose only module is `app.py` imports nothing of its
own, so it is checked in the main run under a package name (`functions.login.app`), which changes nothing. A
folder with modules of its own gets a run of its own with the folder on MYPYPATH, as in Lambda. The main run
goes first and fills the shared `.mypy_cache` with the layer, which the per-folder runs then only read.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHECKED = ("layers/common/finsight", "layers/common/lazy_imports.py", "functions", "dev", "tests")
# Folders that Lambda (or the local gateway, for the test fixtures) runs as a function's import root.
FUNCTION_FOLDERS = ("functions/*/", "tests/fixtures/localapi/functions/*/")


def function_folders() -> list[Path]:
    return sorted(
        folder for pattern in FUNCTION_FOLDERS for folder in ROOT.glob(pattern) if (folder / "app.py").exists()
    )


def has_own_modules(folder: Path) -> bool:
    """Whether the folder holds Python modules besides `app.py` (which `app` then imports by plain name)."""
    return any(path.name != "app.py" for path in folder.rglob("*.py"))


def mypy(targets: Sequence[str], *, exclude: Sequence[Path] = (), mypy_path: Path | None = None) -> tuple[int, float]:
    command = [sys.executable, "-m", "mypy", *targets]
    for folder in exclude:
        command += ["--exclude", f"^{re.escape(folder.relative_to(ROOT).as_posix())}/"]
    env = dict(os.environ)
    if mypy_path is not None:
        env["MYPYPATH"] = os.pathsep.join(filter(None, [str(mypy_path), env.get("MYPYPATH")]))
    started = time.monotonic()
    status = subprocess.run(command, cwd=ROOT, env=env, check=False).returncode
    return status, time.monotonic() - started


def main() -> int:
    isolated = [folder for folder in function_folders() if has_own_modules(folder)]
    runs: list[tuple[str, Sequence[str], Sequence[Path], Path | None]] = [
        ("layer, dev, tests and single-module functions", CHECKED, isolated, None)
    ]
    runs += [
        (folder.relative_to(ROOT).as_posix(), [folder.relative_to(ROOT).as_posix()], [], folder) for folder in isolated
    ]
    failed = []
    for label, targets, exclude, mypy_path in runs:
        print(f"mypy: {label}", flush=True)
        status, seconds = mypy(targets, exclude=exclude, mypy_path=mypy_path)
        print(f"mypy: {label}: {'ok' if status == 0 else 'FAILED'} in {seconds:.1f} s", flush=True)
        if status != 0:
            failed.append(label)
    if failed:
        print(f"mypy failed for: {'; '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
