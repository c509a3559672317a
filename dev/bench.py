"""`make bench`: cold import time per function and warm in-process latency.

Cold import: a fresh Python process per run imports the function's module the way Lambda does
(function folder and layer on sys.path) and reports the time of that import alone (interpreter start
excluded); the median of 5 runs is shown. Three set-ups are measured:
  - local: the source tree and the dev virtualenv, tracing off (as the local gateway and tests run);
  - built: the `sam build` output (function + layer, byte code as shipped, nothing written back, as
    /opt is read-only in Lambda), tracing off;
  - built+xray: the same with LAMBDA_TASK_ROOT set and tracing on, so Powertools loads the X-Ray SDK.
Warm latency: the handler invoked in-process with its `events/*.json` event against the local stack
(moto, mongomock), after warm-up.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from dev.localapi.template import ROOT, load_template

IMPORT_BUDGET_MS = 250
WORKER_FUNCTIONS: set[str] = set()  # the AI worker (a later issue) is exempt from the import budget

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


def _event(name: str, *, body: dict[str, Any] | None = None, token: str | None = None) -> dict[str, Any]:
    event: dict[str, Any] = json.loads((ROOT / "events" / f"{name}.json").read_text(encoding="utf-8"))
    if body is not None:
        event["body"] = json.dumps(body)
    if token is not None:
        event["headers"]["authorization"] = f"Bearer {token}"
    return event


def _timed(call: Callable[[], Any], iterations: int, warmup: int) -> tuple[float, float]:
    for _ in range(warmup):
        call()
    samples = []
    for _ in range(iterations):
        started = time.perf_counter()
        call()
        samples.append((time.perf_counter() - started) * 1000)
    samples.sort()
    return statistics.median(samples), samples[max(0, int(len(samples) * 0.95) - 1)]


def warm_latencies(iterations: int, login_iterations: int) -> list[tuple[str, float, float]]:
    """Warm in-process latency of each benchmarked route (and of what it is made of), in ms."""
    from dev.localapi.stack import LocalStack
    from finsight.db import get_database
    from finsight.passwords import hash_password, verify_password
    from finsight.repos.sessions import SessionRepository
    from finsight.repos.users import UserRepository

    rows: list[tuple[str, float, float]] = []
    with LocalStack() as stack:

        def ok(function: str, event: dict[str, Any], status: int = 200) -> dict[str, Any]:
            result = stack.invoke(function, event)
            if result.error is not None or result.response["statusCode"] != status:
                raise SystemExit(f"{function} did not answer {status}: {result}")
            return dict(json.loads(result.response["body"]))

        for function, name in (("CategoriesFunction", "categories"), ("HealthFunction", "health")):
            event = _event(name)
            rows.append((f"{name}", *_timed(lambda f=function, e=event: ok(f, e), iterations, 20)))

        credentials = {"email": "bench@example.com", "password": "Str0ng!Pass"}
        ok("RegisterFunction", _event("register", body=credentials), 201)
        login_event = _event("login", body=credentials)
        rows.append(("login", *_timed(lambda: ok("LoginFunction", login_event), login_iterations, 2)))
        password_hash = hash_password(credentials["password"])
        rows.append(
            (
                "  bcrypt check alone",
                *_timed(lambda: verify_password("Str0ng!Pass", password_hash), login_iterations, 2),
            )
        )

        tokens = ok("LoginFunction", login_event)["data"]
        current = {"refresh": tokens["refresh_token"]}

        def refresh() -> None:
            data = ok("RefreshFunction", _event("refresh", body={}, token=current["refresh"]))["data"]
            current["refresh"] = data["refresh_token"]

        rows.append(("refresh", *_timed(refresh, iterations, 20)))

        profile_event = _event("get_profile", token=tokens["access_token"])
        rows.append(("profile GET", *_timed(lambda: ok("GetProfileFunction", profile_event), iterations, 20)))
        claims = jwt_claims(tokens["access_token"])
        database = get_database()

        def database_calls() -> None:
            SessionRepository(database).active_preferences(claims["sid"], claims["sub"])
            UserRepository(database).get(claims["sub"])

        rows.append(("  its 2 database calls alone", *_timed(database_calls, iterations, 20)))
    return rows


def jwt_claims(token: str) -> dict[str, Any]:
    import jwt

    return dict(jwt.decode(token, options={"verify_signature": False}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--iterations", type=int, default=300)
    parser.add_argument("--login-iterations", type=int, default=15)
    args = parser.parse_args()
    os.environ.setdefault("POWERTOOLS_LOG_LEVEL", "ERROR")
    os.environ.pop("BCRYPT_ROUNDS", None)  # measure at the production cost

    template = load_template()
    layer = BUILD_DIR / "CommonLayer" / "python"
    if not layer.is_dir():
        raise SystemExit("no sam build output: run `make bench` (it builds first) or `sam build`")
    print(f"Cold import of each function's module (median of {args.runs} fresh processes, ms)")
    print(f"{'function':<22}{'local':>8}{'built':>8}{'built+xray':>12}   budget {IMPORT_BUDGET_MS} ms (built)")
    with tempfile.TemporaryDirectory() as scratch:
        floor_file = Path(scratch) / "app.py"
        floor_file.write_text(_FLOOR_MODULE, encoding="utf-8")
        floor_local = cold_import_ms(floor_file, runs=args.runs)
        floor_built = cold_import_ms(floor_file, runs=args.runs, layer=layer)
    print(f"{'(Powertools floor)':<22}{floor_local:>8.0f}{floor_built:>8.0f}{'':>12}   no app code")
    over = []
    for logical_id, spec in sorted(template.functions.items()):
        built_file = BUILD_DIR / logical_id / spec.module_file.name
        local = cold_import_ms(spec.module_file, runs=args.runs)
        built = cold_import_ms(built_file, runs=args.runs, layer=layer)
        traced = cold_import_ms(built_file, runs=args.runs, layer=layer, tracing=True)
        exempt = logical_id in WORKER_FUNCTIONS
        verdict = "exempt" if exempt else ("ok" if built <= IMPORT_BUDGET_MS else "OVER")
        if verdict == "OVER":
            over.append(logical_id)
        print(f"{logical_id:<22}{local:>8.0f}{built:>8.0f}{traced:>12.0f}   {verdict}")

    print(
        f"\nWarm in-process latency (ms; {args.iterations} calls after warm-up, login {args.login_iterations};"
        " bcrypt at the production cost 12, mongomock)"
    )
    print(f"{'route':<32}{'median':>10}{'p95':>10}")
    for name, median, p95 in warm_latencies(args.iterations, args.login_iterations):
        print(f"{name:<32}{median:>10.2f}{p95:>10.2f}")
    if over:
        print(f"\nOver the import budget: {', '.join(over)}")


if __name__ == "__main__":
    main()
