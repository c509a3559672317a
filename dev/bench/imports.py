"""Cold import of every function's module: the CPU time of the import in a fresh interpreter.

Each sample is a fresh interpreter that imports the function's module the way Lambda's runtime does
(`importlib.import_module` with the function folder, then the layer, on sys.path) and prints the CPU time
(`time.process_time()`) and wall time of that import alone, interpreter start excluded. Samples are taken in
interleaved rounds: every round takes one sample of every function (and of the Powertools-only floor) in every
set-up, in an order shuffled with a fixed seed, so all see the same machine conditions. CPU time, not wall
time: on a shared, noisy machine the wall time of an import measures the machine's load.

Set-ups: `local`, the source tree in the dev virtualenv (no `sam build` needed, but the virtualenv holds
dev-only packages, such as moto's cryptography, that pymongo and PyJWT import when present); `source`, the
source tree with the third-party packages the layer ships (the `sam build` output) and nothing else on the
path (`python -S`); `built` and `built+xray`, what `sam build` wrote, byte code as shipped.

`python -m dev.bench.imports [--runs N] [--setup local|source|built|built+xray]...` prints the table alone.
"""

from __future__ import annotations

import argparse
import compileall
import os
import py_compile
import random
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from dev.bench.paths import BUILD_DIR, BUILT_LAYER, SOURCE_LAYER, require_build
from dev.bench.report import Report
from dev.localapi.template import Template, load_template

IMPORT_BUDGET_MS = 150  # CPU time, median, for every HTTP function
BUDGET_SETUPS = ("source", "built+xray")  # the set-ups the budget is checked in
SEED = 20261201  # the interleaved order of every round, reproducible
FLOOR = "(Powertools alone, no app code)"

# The least any HTTP function here imports: Powertools' logger, metrics and validating HTTP resolver.
_FLOOR_MODULE = """
from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.event_handler import APIGatewayHttpResolver
Logger(service="finsight")
Metrics(namespace="FinSight")
APIGatewayHttpResolver(enable_validation=True, response_validation_error_http_code=500)
"""

# sys, time and importlib are loaded before the clock starts; nothing else is imported around the import.
_PROBE = """
import importlib, sys, time
cpu, wall = time.process_time(), time.perf_counter()
importlib.import_module(sys.argv[1])
print((time.process_time() - cpu) * 1000, (time.perf_counter() - wall) * 1000)
"""


@dataclass(frozen=True)
class Setup:
    name: str
    built: bool  # the `sam build` output and its byte code, else the source tree
    tracing: bool  # Lambda's environment with tracing on: Powertools loads the X-Ray SDK
    shipped_packages: bool  # only the layer's third-party packages (python -S), else the dev virtualenv's

    @property
    def needs_build(self) -> bool:
        return self.built or self.shipped_packages


SETUPS = {
    setup.name: setup
    for setup in (
        Setup("local", built=False, tracing=False, shipped_packages=False),
        Setup("source", built=False, tracing=False, shipped_packages=True),
        Setup("built", built=True, tracing=False, shipped_packages=True),
        Setup("built+xray", built=True, tracing=True, shipped_packages=True),
    )
}
# Without site-packages: the interpreter the virtualenv was made from, told to skip `site` (-S).
_BARE_PYTHON = [os.path.realpath(getattr(sys, "_base_executable", sys.executable)), "-S"]


@dataclass(frozen=True)
class Subject:
    """What a sample imports: a function's module (or the floor), from the source tree and as built."""

    name: str
    module: str
    source_dir: Path
    built_dir: Path
    role: str  # "http", "floor", or the trigger of a worker ("SQS", "Schedule")

    def folder(self, setup: Setup) -> Path:
        return self.built_dir if setup.built else self.source_dir


@dataclass(frozen=True)
class Figure:
    """The samples of one subject in one set-up, in ms."""

    cpu_median: float
    cpu_min: float
    cpu_max: float
    wall_median: float

    @classmethod
    def of(cls, samples: list[tuple[float, float]]) -> Figure:
        cpu = [sample[0] for sample in samples]
        return cls(statistics.median(cpu), min(cpu), max(cpu), statistics.median(s[1] for s in samples))


def _environment(subject: Subject, setup: Setup) -> dict[str, str]:
    """What the child sees: Lambda's sys.path (function, then layer) and the template's Powertools settings."""
    folder = subject.folder(setup)
    path = [folder, BUILT_LAYER if setup.built else SOURCE_LAYER]
    if setup.shipped_packages and not setup.built:
        # After the source tree: only third-party packages are taken from the build, the layer's and the
        # function's own (the webhook's Twilio validator, the worker's SDK).
        path += [BUILT_LAYER, subject.built_dir]
    env = {
        "PATH": os.environ.get("PATH", ""),
        "PYTHONPATH": os.pathsep.join(map(str, path)),
        "POWERTOOLS_SERVICE_NAME": "finsight",
        "POWERTOOLS_METRICS_NAMESPACE": "FinSight",
        "PYDANTIC_DISABLE_PLUGINS": "__all__",
        "AWS_DEFAULT_REGION": "us-east-1",
    }
    if setup.built:
        env["PYTHONDONTWRITEBYTECODE"] = "1"  # /opt and /var/task are read-only in Lambda
    if setup.tracing:
        env |= {"LAMBDA_TASK_ROOT": str(folder), "AWS_LAMBDA_FUNCTION_NAME": "bench"}
    else:
        env["POWERTOOLS_TRACE_DISABLED"] = "true"
    return env


def sample(subject: Subject, setup: Setup) -> tuple[float, float]:
    """One fresh interpreter's import of `subject` in `setup`: (CPU ms, wall ms)."""
    folder = subject.folder(setup)
    out = subprocess.run(
        [*(_BARE_PYTHON if setup.shipped_packages else [sys.executable]), "-c", _PROBE, subject.module],
        env=_environment(subject, setup),
        capture_output=True,
        text=True,
        check=False,
        cwd=folder,
    )
    if out.returncode != 0:
        raise SystemExit(f"{subject.name} ({setup.name}) did not import:\n{out.stderr}")
    cpu_ms, wall_ms = out.stdout.strip().splitlines()[-1].split()
    return float(cpu_ms), float(wall_ms)


def _role(template: Template, logical_id: str) -> str:
    """`http` for a function behind the HTTP API, else its trigger (the event types of the template)."""
    if template.functions[logical_id].routes:
        return "http"
    resource = template.raw["Resources"][logical_id]
    events = (resource.get("Properties") or {}).get("Events") or {}
    return " + ".join(sorted({str(event.get("Type")) for event in events.values()})) or "no trigger"


def subjects(template: Template, floor_dir: Path) -> list[Subject]:
    """The floor (its module written to `floor_dir`), then every function of the template."""
    (floor_dir / "app.py").write_text(_FLOOR_MODULE, encoding="utf-8")
    found = [Subject(FLOOR, "app", floor_dir, floor_dir, "floor")]
    for logical_id, spec in sorted(template.functions.items()):
        module = spec.handler.rsplit(".", 1)[0]
        role = _role(template, logical_id)
        found.append(Subject(logical_id, module, spec.code_uri, BUILD_DIR / logical_id, role))
    return found


def _compile_sources(found: Iterable[Subject]) -> None:
    """Write the source tree's byte code first, as its first import would: no sample pays for compiling."""
    for folder in [SOURCE_LAYER / "finsight", *(subject.source_dir for subject in found)]:
        compileall.compile_dir(folder, quiet=1, invalidation_mode=py_compile.PycInvalidationMode.TIMESTAMP)


def measure(found: list[Subject], setups: list[Setup], runs: int) -> dict[tuple[str, str], Figure]:
    """`runs` interleaved rounds: one sample of every subject in every set-up per round, shuffled."""
    if any(setup.needs_build for setup in setups):
        require_build()
    if any(not setup.built for setup in setups):
        _compile_sources(found)
    pairs = [(subject, setup) for subject in found for setup in setups]
    samples: dict[tuple[str, str], list[tuple[float, float]]] = {(s.name, t.name): [] for s, t in pairs}
    order = random.Random(SEED)  # noqa: S311 - a reproducible order, not security
    for round_number in range(runs):
        print(f"cold imports: round {round_number + 1} of {runs}", file=sys.stderr, flush=True)
        order.shuffle(pairs)
        for subject, setup in pairs:
            samples[subject.name, setup.name].append(sample(subject, setup))
    return {key: Figure.of(values) for key, values in samples.items()}


def _verdict(subject: Subject, figure: Figure) -> str:
    if subject.role == "floor":
        return "floor"
    if subject.role != "http":
        return f"exempt ({subject.role} worker)"
    return "within" if figure.cpu_median <= IMPORT_BUDGET_MS else "over"


def import_table(setups: list[Setup], runs: int) -> tuple[list[str], list[list[str]]]:
    """Headers and rows: CPU median (min-max) and wall median per set-up, then the budget verdicts."""
    checked = [setup for setup in setups if setup.name in BUDGET_SETUPS]
    with tempfile.TemporaryDirectory() as floor_dir:
        found = subjects(load_template(), Path(floor_dir))
        figures = measure(found, setups, runs)
    headers = ["function"]
    for setup in setups:
        headers += [f"{setup.name} CPU ms (min-max)", f"{setup.name} wall ms"]
    headers += [f"budget, {setup.name}" for setup in checked]
    rows = []
    for subject in found:
        row = [subject.name]
        for setup in setups:
            figure = figures[subject.name, setup.name]
            cpu = f"{figure.cpu_median:.0f} ({figure.cpu_min:.0f}-{figure.cpu_max:.0f})"
            row += [cpu, f"{figure.wall_median:.0f}"]
        row += [_verdict(subject, figures[subject.name, setup.name]) for setup in checked]
        rows.append(row)
    return headers, rows


def imports_section(report: Report, runs: int) -> None:
    rounds = f"{runs} interleaved round{'s' if runs != 1 else ''}"
    report.add(
        "## Cold import per function",
        "",
        "The module import alone, in a fresh interpreter per sample, as Lambda's runtime imports it",
        "(`importlib.import_module`, function folder then layer on sys.path; interpreter start excluded).",
        "Measured as the CPU time of that interpreter (`time.process_time()` around the import), in ms: the",
        f"median of {rounds} with its spread (min-max), and the median wall time for information. Each",
        "round imports every function and the floor in every set-up once, in an order shuffled with a fixed",
        "seed, so all see the same machine conditions. CPU time, not wall time: this machine is shared and",
        "noisy, and the wall time of an import measured its load more than the import. `local`: the source tree",
        "in the dev virtualenv, tracing off (its dev-only packages, e.g. moto's cryptography, are imported by",
        "pymongo and PyJWT when present: about 18 ms that Lambda never pays); `source`: the source tree with only",
        "the third-party packages the layer ships (`python -S`); `built`: the `sam build` output with its byte",
        "code, nothing written back (as `/opt` is read-only in Lambda); `built+xray`: the same with tracing on, so",
        "Powertools loads the X-Ray SDK (as deployed). Budget: every HTTP function imports in at most",
        f"{IMPORT_BUDGET_MS} ms of CPU time (median), from the source tree (`source`) and as deployed",
        "(`built+xray`); the SQS and schedule workers are exempt.",
        "Original: the Flask service takes about 1 s to start on this machine (one process for every route).",
        "",
    )
    headers, rows = import_table(list(SETUPS.values()), runs)
    report.table(headers, rows)


def main() -> None:
    parser = argparse.ArgumentParser(
        prog="python -m dev.bench.imports", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=5, help="interleaved rounds (samples per function)")
    parser.add_argument(
        "--setup",
        action="append",
        choices=list(SETUPS),
        help="local (default: the dev virtualenv, no sam build needed), source, built or built+xray; repeatable",
    )
    args = parser.parse_args()
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    setups = [SETUPS[name] for name in dict.fromkeys(args.setup or ["local"])]
    headers, rows = import_table(setups, args.runs)
    Report().table(headers, rows)


if __name__ == "__main__":
    main()
