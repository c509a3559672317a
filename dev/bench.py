"""`make bench`: every performance figure in one report, printed and written to `bench/REPORT.md`.

- Machine: CPU, memory, OS, Python, commit, database.
- Cold import per function: a fresh Python process per run imports the function's module the way Lambda
  does (function folder and layer on sys.path) and reports the time of that import alone (interpreter start
  excluded); the median of 5 runs. Three set-ups:
  - local: the source tree and the dev virtualenv, tracing off (as the local gateway and tests run);
  - built: the `sam build` output (function + layer, byte code as shipped, nothing written back, as
    /opt is read-only in Lambda), tracing off;
  - built+xray: the same with LAMBDA_TASK_ROOT set and tracing on, so Powertools loads the X-Ray SDK.
- Deployment package size per function and for the layer, from `.aws-sam/build`, unzipped and zipped.
- Warm latency and database round trips of every endpoint: the handler invoked in-process with its
  `events/*.json` event against the local stack (moto, mongomock or MONGODB_URI), after warm-up.
- Reads over 1,000 transactions, budgets, AI entry worker throughput and POST -> completed, summary jobs.
Each beside the original service's figure where one exists.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from dev.bench_endpoints import invoke, request_event, sign_up, timed
from dev.localapi.template import ROOT, load_template

IMPORT_BUDGET_MS = 250
WORKER_FUNCTIONS = {"AiWorkerFunction"}  # the AI worker is exempt from the import budget

# The least any HTTP function here imports: Powertools' logger, metrics and validating HTTP resolver.
_FLOOR_MODULE = """
from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.event_handler import APIGatewayHttpResolver
Logger(service="finsight")
Metrics(namespace="FinSight")
APIGatewayHttpResolver(enable_validation=True, response_validation_error_http_code=500)
"""

_IMPORT_PROBE = """
import importlib.util, sys, time
path = sys.argv[1]
started = time.perf_counter()
spec = importlib.util.spec_from_file_location("app", path)
module = importlib.util.module_from_spec(spec)
sys.modules["app"] = module
spec.loader.exec_module(module)
print((time.perf_counter() - started) * 1000)
"""


BUILD_DIR = ROOT / ".aws-sam" / "build"


def cold_import_ms(module_file: Path, *, runs: int, layer: Path | None = None, tracing: bool = False) -> float:
    """Median import time of `module_file` in fresh processes (with the built `layer`, if given)."""
    env = {
        "PATH": os.environ.get("PATH", ""),
        "PYTHONPATH": f"{module_file.parent}{os.pathsep}{layer or ROOT / 'layers' / 'common'}",
        "POWERTOOLS_SERVICE_NAME": "finsight",
        "POWERTOOLS_METRICS_NAMESPACE": "FinSight",
        "PYDANTIC_DISABLE_PLUGINS": "__all__",
        "AWS_DEFAULT_REGION": "us-east-1",
    }
    if layer is not None:
        env["PYTHONDONTWRITEBYTECODE"] = "1"
    if tracing:
        env |= {"LAMBDA_TASK_ROOT": str(module_file.parent), "AWS_LAMBDA_FUNCTION_NAME": "bench"}
    else:
        env["POWERTOOLS_TRACE_DISABLED"] = "true"
    samples = []
    for _ in range(runs):
        out = subprocess.run(
            [sys.executable, "-c", _IMPORT_PROBE, str(module_file)],
            env=env,
            capture_output=True,
            text=True,
            check=True,
            cwd=module_file.parent,
        )
        samples.append(float(out.stdout.strip().splitlines()[-1]))
    return statistics.median(samples)


def warm_latencies(iterations: int, login_iterations: int) -> list[tuple[str, float, float]]:
    """Warm in-process latency of each benchmarked route (and of what it is made of), in ms."""
    from dev.localapi.stack import LocalStack
    from finsight.accounts.passwords import hash_password, verify_password
    from finsight.accounts.sessions import SessionRepository
    from finsight.accounts.users import UserRepository
    from finsight.platform.db import get_database

    rows: list[tuple[str, float, float]] = []
    with LocalStack() as stack:
        for function, name in (("CategoriesFunction", "categories"), ("HealthFunction", "health")):
            event = request_event(name)
            rows.append((f"{name}", *timed(lambda f=function, e=event: invoke(stack, f, e), iterations, 20)))

        credentials = {"email": "bench@example.com", "password": "Str0ng!Pass"}
        invoke(stack, "RegisterFunction", request_event("register", body=credentials), 201)
        login_event = request_event("login", body=credentials)
        rows.append(("login", *timed(lambda: invoke(stack, "LoginFunction", login_event), login_iterations, 2)))
        password_hash = hash_password(credentials["password"])
        rows.append(
            (
                "  bcrypt check alone",
                *timed(lambda: verify_password("Str0ng!Pass", password_hash), login_iterations, 2),
            )
        )

        tokens = invoke(stack, "LoginFunction", login_event)["data"]
        current = {"refresh": tokens["refresh_token"]}

        def refresh() -> None:
            data = invoke(stack, "RefreshFunction", request_event("refresh", body={}, token=current["refresh"]))["data"]
            current["refresh"] = data["refresh_token"]

        rows.append(("refresh", *timed(refresh, iterations, 20)))

        profile_event = request_event("get_profile", token=tokens["access_token"])
        rows.append(("profile GET", *timed(lambda: invoke(stack, "GetProfileFunction", profile_event), iterations, 20)))
        claims = jwt_claims(tokens["access_token"])
        database = get_database()

        def database_calls() -> None:
            SessionRepository(database).active_preferences(claims["sid"], claims["sub"])
            UserRepository(database).get(claims["sub"])

        rows.append(("  its 2 database calls alone", *timed(database_calls, iterations, 20)))
    return rows


def seed_transactions(user_id: str, count: int, days: float) -> None:
    """`count` completed transactions spread evenly over the last `days` days (fixed random amounts)."""
    import random
    from datetime import UTC, datetime, timedelta

    from finsight.platform.db import get_database
    from finsight.transactions.categories import Category

    rng = random.Random(42)  # noqa: S311 - reproducible test data, not security
    now = datetime.now(UTC).replace(microsecond=0)
    categories = list(Category)
    docs = [
        {
            "user_id": user_id,
            "amount_minor": rng.randint(50, 500_000),
            "currency": "INR",
            "category": categories[n % len(categories)].value,
            "description": f"expense number {n}",
            "date": now - timedelta(seconds=int(days * 86_400 * n / count)),
            "status": "completed",
            "mode": "manual",
            "created_at": now,
            "updated_at": now,
        }
        for n in range(count)
    ]
    get_database()["transactions"].insert_many(docs)


def transaction_latencies(iterations: int) -> list[tuple[str, float, float, int]]:
    """Warm latency and database round trips of the transaction reads, for one user with 1,000 transactions."""
    from datetime import UTC, datetime, timedelta

    from dev.localapi.stack import LocalStack
    from dev.roundtrips import count_round_trips
    from finsight.platform.db import get_client, get_database

    rows: list[tuple[str, float, float, int]] = []
    with LocalStack() as stack:
        token = sign_up(stack, "ledger@example.com")["access_token"]
        seed_transactions(jwt_claims(token)["sub"], count=1_000, days=90)
        if os.environ.get("MONGODB_URI"):
            from finsight.platform.indexes import apply_indexes

            apply_indexes(get_database())

        def get(name: str, query: str) -> dict[str, Any]:
            event = request_event(name, token=token)
            event["rawQueryString"] = query
            event["queryStringParameters"] = dict(pair.split("=", 1) for pair in query.split("&")) if query else {}
            return event

        page_19 = invoke(stack, "ListTransactionsFunction", get("list_transactions", "page=19&limit=50"))
        cursor = page_19["data"]["next_cursor"]
        last_month = (datetime.now(UTC).replace(day=1) - timedelta(days=1)).date()
        history_query = f"start_date={last_month.replace(day=1).isoformat()}&end_date={last_month.isoformat()}"
        requests = [
            ("list, first page (50)", "ListTransactionsFunction", get("list_transactions", "")),
            ("list, page 20 of 20 (skip)", "ListTransactionsFunction", get("list_transactions", "page=20&limit=50")),
            (
                "list, page 20 by cursor",
                "ListTransactionsFunction",
                get("list_transactions", f"limit=50&cursor={cursor}"),
            ),
            ("summary (this month)", "TransactionSummaryFunction", get("transaction_summary", "")),
            ("history (last month)", "TransactionHistoryFunction", get("transaction_history", history_query)),
        ]
        for label, function, event in requests:
            median, p95 = timed(lambda f=function, e=event: invoke(stack, f, e), iterations, 10)
            with count_round_trips(get_client()) as round_trips:
                invoke(stack, function, event)
            rows.append((label, median, p95, round_trips()))
    return rows


def budget_latencies(iterations: int) -> list[tuple[str, float, float, int]]:
    """Budget list of a user with 12 budgets (every category) and 1,000 transactions this month."""
    from datetime import UTC, datetime

    from dev.localapi.stack import LocalStack
    from dev.roundtrips import count_round_trips
    from finsight.platform.db import get_client
    from finsight.platform.timeutil import month_bounds
    from finsight.transactions.categories import Category

    rows: list[tuple[str, float, float, int]] = []
    with LocalStack() as stack:
        token = sign_up(stack, "budgets@example.com")["access_token"]
        # All 1,000 in the current month (in the default zone, Asia/Kolkata): every one is summed.
        month_start, _ = month_bounds(datetime.now(UTC), ZoneInfo("Asia/Kolkata"))
        elapsed_days = (datetime.now(UTC) - month_start).total_seconds() / 86_400
        seed_transactions(jwt_claims(token)["sub"], count=1_000, days=elapsed_days * 0.99)
        budget_id = ""
        for category in Category:
            body = {"category": category.value, "limit": 50_000}
            budget_id = invoke(
                stack, "CreateBudgetFunction", request_event("create_budget", body=body, token=token), 201
            )["data"]["_id"]
        listing = request_event("list_budgets", token=token)
        listing["rawQueryString"], listing["queryStringParameters"] = "", {}
        one = request_event("get_budget", token=token)
        one["rawPath"] = one["requestContext"]["http"]["path"] = f"/api/budgets/{budget_id}"
        one["pathParameters"] = {"budget_id": budget_id}
        for label, function, event in (
            ("budgets, list of 12", "ListBudgetsFunction", listing),
            ("budgets, one", "GetBudgetFunction", one),
        ):
            median, p95 = timed(lambda f=function, e=event: invoke(stack, f, e), iterations, 10)
            with count_round_trips(get_client()) as round_trips:
                invoke(stack, function, event)
            rows.append((label, median, p95, round_trips()))
    return rows


def summary_figures(runs: int) -> tuple[float, float, float]:
    """AI spending summary (templates): worker time per job, and POST -> completed p50/p95 (ms), for a user
    with 1,000 transactions over 60 days and 12 budgets."""
    import urllib.request
    from datetime import UTC, datetime, timedelta

    from dev.localapi.gateway import Gateway
    from dev.localapi.stack import LocalStack
    from finsight.insights.repository import SummaryJobRepository
    from finsight.insights.worker import SummaryJob, apply_summary_job
    from finsight.jobs.lifecycle import JobOutcome
    from finsight.platform.db import get_database
    from finsight.transactions.categories import Category

    with LocalStack(poll_interval_s=0.02) as stack:
        token = sign_up(stack, "insights@example.com")["access_token"]
        user_id = jwt_claims(token)["sub"]
        seed_transactions(user_id, count=1_000, days=60)
        for category in Category:
            body = {"category": category.value, "limit": 20_000}
            invoke(stack, "CreateBudgetFunction", request_event("create_budget", body=body, token=token), 201)
        repository = SummaryJobRepository(get_database())

        def one_job() -> None:
            now = datetime.now(UTC)
            doc = repository.insert_pending(
                {"user_id": user_id, "created_at": now, "updated_at": now, "expires_at": now + timedelta(days=1)}
            )
            if doc is None:
                raise SystemExit("a summary job is still running")
            job = SummaryJob(job_id=str(doc["_id"]), user_id=user_id)
            if apply_summary_job(job, None, final_attempt=True) is not JobOutcome.COMPLETED:
                raise SystemExit("summary job did not complete")

        worker_ms, _ = timed(one_job, runs, 3)

        gateway = Gateway(stack, port=0).start()
        headers = {"Authorization": f"Bearer {token}"}

        def call(method: str, path: str) -> dict[str, Any]:
            request = urllib.request.Request(f"{gateway.url}{path}", headers=headers, method=method)  # noqa: S310
            with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 - our own gateway  # nosec B310
                return dict(json.loads(response.read()))

        samples = []
        try:
            for _ in range(runs):
                begun = time.perf_counter()
                task_id = call("POST", "/api/ai/summary")["data"]["task_id"]
                while call("GET", f"/api/ai/summary/result/{task_id}")["data"]["status"] != "completed":
                    time.sleep(0.005)
                samples.append((time.perf_counter() - begun) * 1000)
        finally:
            gateway.stop()
    samples.sort()
    return worker_ms, statistics.median(samples), samples[max(0, int(len(samples) * 0.95) - 1)]


def jwt_claims(token: str) -> dict[str, Any]:
    import jwt

    return dict(jwt.decode(token, options={"verify_signature": False}))


REPORT_PATH = ROOT / "bench" / "REPORT.md"

# The original Flask service's figures. Production: its README, measured on a DigitalOcean droplet over the
# network. Same set-up: the original run on this machine against mongomock with the same data (earlier issues).
ORIGINAL_PRODUCTION = {
    "GET /api/transactions/categories": "124 ms (production)",
    "POST /api/auth/login": "85 ms (production)",
    "GET /api/transactions": "195-417 ms (production)",
    "GET /api/transactions/summary": "213 ms (production)",
    "POST /api/transactions (AI)": "202, async via Celery (production)",
}
ORIGINAL_SAME_SETUP = {
    "list, first page (50)": "about 26 ms",
    "summary (this month)": "about 22 ms",
    "history (last month)": "about 64 ms",
    "budgets, list of 12": "about 120 ms with 5 budgets",
}


class Report:
    """Markdown printed as it is made and written to `bench/REPORT.md` at the end."""

    def __init__(self) -> None:
        self.lines: list[str] = []

    def add(self, *lines: str) -> None:
        for line in lines:
            print(line, flush=True)
            self.lines.append(line)

    def table(self, headers: list[str], rows: list[list[str]]) -> None:
        self.add(
            "| " + " | ".join(headers) + " |",
            "|" + "|".join("---" for _ in headers) + "|",
            *("| " + " | ".join(row) + " |" for row in rows),
            "",
        )

    def write(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("\n".join(self.lines).rstrip() + "\n", encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--iterations", type=int, default=300)
    parser.add_argument("--login-iterations", type=int, default=15)
    parser.add_argument("--skip-imports", action="store_true", help="only the warm figures (no sam build needed)")
    parser.add_argument("--report", type=Path, default=REPORT_PATH, help="where to write the Markdown report")
    args = parser.parse_args()
    os.environ.setdefault("POWERTOOLS_LOG_LEVEL", "ERROR")
    os.environ.pop("BCRYPT_ROUNDS", None)  # measure at the production cost
    if os.environ.get("MONGODB_URI"):
        os.environ["MONGODB_DB_NAME"] = f"finsight_bench_{os.getpid()}"  # dropped at the end

    report = Report()
    report.add("# FinSight benchmark report", "", "Written by `make bench` (`dev/bench.py`).", "")
    machine_section(report)
    if not args.skip_imports:
        cold_imports(report, args.runs)
        package_sizes(report)
    warm_sections(report, args)
    report.write(args.report)
    print(f"\nwrote {args.report}")


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _memory_gib() -> str:
    try:
        for line in Path("/proc/meminfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("MemTotal:"):
                return f"{int(line.split()[1]) / 1024 / 1024:.0f} GiB"
    except OSError:
        pass
    return "unknown"


def machine_section(report: Report) -> None:
    commit = subprocess.run(
        ["git", "describe", "--always", "--dirty"], cwd=ROOT, capture_output=True, text=True, check=False
    ).stdout.strip()
    report.add("## Machine", "")
    report.table(
        ["", ""],
        [
            ["date", time.strftime("%Y-%m-%d %H:%M %Z")],
            ["commit", commit or "unknown"],
            ["CPU", f"{_cpu_model()}, {os.cpu_count()} cores"],
            ["memory", _memory_gib()],
            ["OS", platform.platform()],
            ["Python", platform.python_version()],
            ["database", "MongoDB at MONGODB_URI" if os.environ.get("MONGODB_URI") else "mongomock (in-process)"],
            ["AWS", "moto (SQS, SES, SSM) in-process; no AWS account, no Docker"],
        ],
    )
    report.add(
        "The original service's production figures were measured over the network on a DigitalOcean droplet",
        '(its README); the "same set-up" ones come from running the original on this machine against mongomock',
        "with the same data. Figures here are in-process Lambda handler times on this machine: compare shapes,",
        "not absolute numbers, with the production column. Run-to-run noise on this machine is about ±25 %.",
        "",
    )


def cold_imports(report: Report, runs: int) -> None:
    template = load_template()
    layer = BUILD_DIR / "CommonLayer" / "python"
    if not layer.is_dir():
        raise SystemExit("no sam build output: run `make bench` (it builds first) or `sam build`")
    report.add(
        "## Cold import per function",
        "",
        f"Median of {runs} fresh processes, ms: the module import alone (interpreter start excluded). `local`: the",
        "source tree, tracing off; `built`: the `sam build` output with its byte code, nothing written back (as",
        "`/opt` is read-only in Lambda); `built+xray`: the same with tracing on. Original: the Flask service",
        f"takes about 1 s to start on this machine (one process for every route). Budget: {IMPORT_BUDGET_MS} ms built.",
        "",
    )
    rows = []
    with tempfile.TemporaryDirectory() as scratch:
        floor_file = Path(scratch) / "app.py"
        floor_file.write_text(_FLOOR_MODULE, encoding="utf-8")
        floor_local = cold_import_ms(floor_file, runs=runs)
        floor_built = cold_import_ms(floor_file, runs=runs, layer=layer)
    rows.append(["(Powertools alone, no app code)", f"{floor_local:.0f}", f"{floor_built:.0f}", "-", "floor"])
    for logical_id, spec in sorted(template.functions.items()):
        built_file = BUILD_DIR / logical_id / spec.module_file.name
        local = cold_import_ms(spec.module_file, runs=runs)
        built = cold_import_ms(built_file, runs=runs, layer=layer)
        traced = cold_import_ms(built_file, runs=runs, layer=layer, tracing=True)
        exempt = logical_id in WORKER_FUNCTIONS
        verdict = "exempt (worker)" if exempt else ("within" if built <= IMPORT_BUDGET_MS else "over")
        rows.append([logical_id, f"{local:.0f}", f"{built:.0f}", f"{traced:.0f}", verdict])
    report.table(["function", "local", "built", "built+xray", "budget"], rows)


def _zipped_size(folder: Path) -> int:
    """The size of `folder` as Lambda receives it: a deflated zip."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                archive.write(path, path.relative_to(folder))
    return buffer.tell()


def _unzipped_size(folder: Path) -> int:
    return sum(path.stat().st_size for path in folder.rglob("*") if path.is_file())


def package_sizes(report: Report) -> None:
    template = load_template()
    report.add(
        "## Deployment package size",
        "",
        "From `.aws-sam/build` (what `sam deploy` uploads): each function's own code, and the shared layer",
        "(dependencies and the `finsight` package with byte code). Lambda's limit is 250 MB unzipped for a",
        "function with its layers. The original shipped one Docker image with every route.",
        "",
    )
    rows = []
    for logical_id in [*sorted(template.functions), "CommonLayer"]:
        folder = BUILD_DIR / logical_id
        if folder.is_dir():
            unzipped, zipped = _unzipped_size(folder), _zipped_size(folder)
            rows.append([logical_id, f"{unzipped / 1024:,.1f} KiB", f"{zipped / 1024:,.1f} KiB"])
    report.table(["package", "unzipped", "zipped"], rows)


def ai_entry_figures(messages: int, entries: int) -> tuple[float, float, float]:
    """Worker throughput (messages/s, offline parser, batches of 10) and POST -> completed p50/p95 (ms)."""
    import urllib.request
    from datetime import UTC, datetime

    from dev.localapi.events import sqs_event
    from dev.localapi.gateway import Gateway
    from dev.localapi.stack import LocalStack
    from dev.parser_accuracy import CORPUS
    from finsight.platform.db import get_database

    texts = [json.loads(line)["text"] for line in CORPUS.read_text(encoding="utf-8").splitlines() if line.strip()]
    with LocalStack(poll_interval_s=0.02) as stack:
        token = sign_up(stack, "ai@example.com")["access_token"]
        user_id = jwt_claims(token)["sub"]

        now = datetime.now(UTC).replace(microsecond=0)
        base = {"user_id": user_id, "status": "processing", "mode": "ai", "currency": "INR", "date": now}
        docs = [
            {**base, "raw_text": texts[n % len(texts)], "created_at": now, "updated_at": now} for n in range(messages)
        ]
        ids = get_database()["transactions"].insert_many(docs).inserted_ids
        batches = [
            sqs_event(
                [
                    {
                        "MessageId": f"m{n}",
                        "ReceiptHandle": f"r{n}",
                        "Body": json.dumps({"type": "parse_expense", "transaction_id": str(tid), "user_id": user_id}),
                    }
                    for n, tid in enumerate(ids[start : start + 10], start)
                ],
                "arn:aws:sqs:us-east-1:123456789012:bench",
            )
            for start in range(0, len(ids), 10)
        ]
        started = time.perf_counter()
        for batch in batches:
            result = stack.invoke("AiWorkerFunction", batch)
            if result.error is not None or result.response["batchItemFailures"]:
                raise SystemExit(f"worker failed: {result}")
        throughput = messages / (time.perf_counter() - started)

        gateway = Gateway(stack, port=0).start()
        headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}

        def call(method: str, path: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
            data = json.dumps(body).encode() if body is not None else None
            request = urllib.request.Request(f"{gateway.url}{path}", data=data, headers=headers, method=method)  # noqa: S310
            with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 - our own gateway  # nosec B310
                return dict(json.loads(response.read()))

        samples = []
        try:
            for n in range(entries):
                begun = time.perf_counter()
                created = call("POST", "/api/transactions/", {"mode": "ai", "text": texts[n % len(texts)]})
                while (
                    call("GET", f"/api/transactions/{created['data']['_id']}/status")["data"]["status"] == "processing"
                ):
                    time.sleep(0.005)
                samples.append((time.perf_counter() - begun) * 1000)
        finally:
            gateway.stop()
    samples.sort()
    return throughput, statistics.median(samples), samples[max(0, int(len(samples) * 0.95) - 1)]


def warm_sections(report: Report, args: argparse.Namespace) -> None:
    from dev.bench_endpoints import endpoint_latencies
    from dev.localapi.stack import LocalStack

    database = "MongoDB at MONGODB_URI" if os.environ.get("MONGODB_URI") else "mongomock"
    iterations, slow = max(20, args.iterations // 10), max(3, args.login_iterations // 3)
    report.add(
        "## Warm latency per endpoint",
        "",
        f"Each function invoked in-process on its `events/*.json` event ({database}, moto), {iterations} calls",
        f"after warm-up ({slow} where bcrypt at the production cost 12 is on the way); a new user with one",
        "transaction and one budget. Round trips: database commands of one call, token check included",
        "(a `ping` is not counted). What a call consumes (a session, an id, a reset token) is made untimed.",
        "",
    )
    try:
        # No queue pollers: the worker would otherwise run beside the requests and into their round trips.
        stack = LocalStack().start(with_pollers=False)
        try:
            figures = endpoint_latencies(stack, iterations, slow)
        finally:
            stack.stop()
        report.table(
            ["endpoint", "status", "median ms", "p95 ms", "round trips", "original"],
            [
                [
                    f.route,
                    str(f.status),
                    f"{f.median_ms:.2f}",
                    f"{f.p95_ms:.2f}",
                    str(f.round_trips),
                    ORIGINAL_PRODUCTION.get(f.route, "-"),
                ]
                for f in figures
            ],
        )

        report.add(
            "### What login and profile are made of",
            "",
            f"{args.iterations} calls after warm-up; login {args.login_iterations}, bcrypt at cost 12.",
            "",
        )
        report.table(
            ["request", "median ms", "p95 ms"],
            [
                [name.strip(), f"{median:.2f}", f"{p95:.2f}"]
                for name, median, p95 in warm_latencies(args.iterations, args.login_iterations)
            ],
        )

        report.add(
            "### Reads over a year of data",
            "",
            "One user with 1,000 completed transactions over 90 days; budgets: 12 budgets and 1,000 transactions all",
            f"this month ({database}). mongomock has no indexes and copies every match before `limit`: read these as",
            "database work; on MongoDB each is an index range scan.",
            "",
        )
        rows = [
            [name, f"{median:.2f}", f"{p95:.2f}", str(trips), ORIGINAL_SAME_SETUP.get(name, "-")]
            for name, median, p95, trips in [*transaction_latencies(iterations), *budget_latencies(iterations)]
        ]
        report.table(["request", "median ms", "p95 ms", "round trips", "original, same set-up"], rows)

        throughput, p50, p95 = ai_entry_figures(messages=500, entries=40)
        worker_ms, summary_p50, summary_p95 = summary_figures(runs=20)
        report.add(
            "## AI work",
            "",
            "Offline parser and template summaries (no Gemini here: with Gemini, add its answer time, one call per",
            "message or job). Through the local gateway, whose queue poller runs every 20 ms in the bench (200 ms by",
            "default). The original ran these on Celery with Redis; it published no figures for them.",
            "",
        )
        report.table(
            ["figure", "value"],
            [
                ["AI entry: worker throughput, batches of 10, one core", f"{throughput:.0f} messages/s"],
                ["AI entry: POST → completed, p50 / p95 (40 entries)", f"{p50:.1f} / {p95:.1f} ms"],
                ["spending summary: job in the worker, median (1,000 transactions, 12 budgets)", f"{worker_ms:.1f} ms"],
                [
                    "spending summary: POST → completed, p50 / p95 (20 jobs)",
                    f"{summary_p50:.1f} / {summary_p95:.1f} ms",
                ],
            ],
        )
    finally:
        if os.environ.get("MONGODB_URI"):
            from pymongo import MongoClient

            with MongoClient(os.environ["MONGODB_URI"]) as client:
                client.drop_database(os.environ["MONGODB_DB_NAME"])


if __name__ == "__main__":
    main()
