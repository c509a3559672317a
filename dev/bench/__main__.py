"""`python -m dev.bench` (`make bench`): the arguments, then the report's sections in order."""

from __future__ import annotations

import argparse
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import dev.bench
from dev.bench.ai import ai_section
from dev.bench.breakdown import breakdown_section
from dev.bench.endpoints import endpoint_section
from dev.bench.imports import imports_section
from dev.bench.paths import REPORT_PATH
from dev.bench.reads import reads_section
from dev.bench.report import Report, machine_section
from dev.bench.sizes import sizes_section


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m dev.bench", description=dev.bench.__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=5, help="cold imports: interleaved rounds")
    parser.add_argument("--iterations", type=int, default=300)
    parser.add_argument("--login-iterations", type=int, default=15)
    parser.add_argument("--skip-imports", action="store_true", help="only the warm figures (no sam build needed)")
    parser.add_argument("--report", type=Path, default=REPORT_PATH, help="where to write the Markdown report")
    return parser.parse_args()


@contextmanager
def _throwaway_database() -> Iterator[None]:
    """With MONGODB_URI set, the warm figures use a database of their own, dropped at the end."""
    uri = os.environ.get("MONGODB_URI")
    if not uri:
        yield
        return
    name = os.environ["MONGODB_DB_NAME"] = f"finsight_bench_{os.getpid()}"
    try:
        yield
    finally:
        from pymongo import MongoClient

        client: MongoClient[dict[str, object]]
        with MongoClient(uri) as client:
            client.drop_database(name)


def _warm_sections(report: Report, iterations: int, login_iterations: int) -> None:
    with _throwaway_database():
        endpoint_section(report, max(20, iterations // 10), max(3, login_iterations // 3))
        breakdown_section(report, iterations, login_iterations)
        reads_section(report, max(20, iterations // 10))
        ai_section(report)


def main() -> None:
    args = _arguments()
    os.environ.setdefault("POWERTOOLS_LOG_LEVEL", "ERROR")
    os.environ.pop("BCRYPT_ROUNDS", None)  # measure at the production cost
    report = Report()
    report.add("# FinSight benchmark report", "", "Written by `make bench` (`dev/bench/`).", "")
    machine_section(report)
    if not args.skip_imports:
        imports_section(report, args.runs)
        sizes_section(report)
    _warm_sections(report, args.iterations, args.login_iterations)
    report.write(args.report)
    print(f"\nwrote {args.report}")


if __name__ == "__main__":
    main()
