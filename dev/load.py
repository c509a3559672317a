"""`make load`: concurrent clients drive the local gateway with a realistic mix, then the books are checked.

Each client registers its own user, then loops for the duration over a weighted mix: list transactions,
add a manual expense, add an AI expense, list budgets, set a budget, ask for a summary, log in again.
Afterwards: no request may have failed (a status the contract does not give for that request), every AI
entry must end `completed`, and each user's stored total (read back through the API) must equal the sum
of what that client sent, to the cent. Exit status 1 otherwise.

    python -m dev.load --clients 20 --seconds 60     (make load; --serial: one invocation at a time)
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import statistics
import threading
import time
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any
from urllib.parse import urlsplit

from finsight.transactions.categories import Category

PASSWORD = "Str0ng!Pass"  # noqa: S105 - the simulated users' password
ITEMS = ["lunch", "coffee", "taxi", "groceries", "movie tickets", "electricity bill", "pharmacy", "books"]
# (weight, name): what a user of the app does most is look and add.
MIX = [(25, "list"), (25, "manual"), (15, "ai"), (15, "budgets"), (8, "set_budget"), (7, "summary"), (5, "login")]
EXPECTED = {
    "register": {201},
    "login": {200},
    "list": {200},
    "manual": {201},
    "ai": {202},
    "budgets": {200},
    "set_budget": {200, 201},
    "summary": {202, 429},  # 429 while the client's previous summary is still running: the contract's answer
    "status": {200},
    "page": {200},
}


@dataclass
class Report:
    statuses: Counter[tuple[str, int]] = field(default_factory=Counter)
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    failures: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def note(self, name: str, status: int, elapsed_ms: float, detail: str = "") -> None:
        with self.lock:
            self.statuses[(name, status)] += 1
            self.latencies[name].append(elapsed_ms)
            if status not in EXPECTED[name]:
                self.failures.append(f"{name}: {status} {detail[:200]}")


class Client:
    """One simulated user on its own connection."""

    def __init__(self, base_url: str, report: Report, rng: random.Random) -> None:
        split = urlsplit(base_url)
        self.host, self.port = split.hostname or "127.0.0.1", split.port or 80
        self.report, self.rng = report, rng
        self.email = f"load-{uuid.uuid4().hex[:12]}@example.com"
        self.token = ""
        self.sent_minor = 0  # what this user added, in minor units (manual and AI)
        self.ai_ids: list[str] = []
        self.manual_count = 0
        self.connection = http.client.HTTPConnection(self.host, self.port, timeout=30)

    def call(self, name: str, method: str, path: str, body: Any = None) -> tuple[int, Any]:
        headers = {"Content-Type": "application/json"} if body is not None else {}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        started = time.perf_counter()
        try:
            self.connection.request(method, path, body=None if body is None else json.dumps(body), headers=headers)
            response = self.connection.getresponse()
            raw = response.read()
            status = response.status
        except (OSError, http.client.HTTPException) as exc:
            self.connection.close()
            self.connection = http.client.HTTPConnection(self.host, self.port, timeout=30)
            self.report.note(name, 0, (time.perf_counter() - started) * 1000, repr(exc))
            return 0, None
        elapsed = (time.perf_counter() - started) * 1000
        text = raw.decode("utf-8", "replace")
        self.report.note(name, status, elapsed, text)
        try:
            return status, json.loads(text)
        except json.JSONDecodeError:
            return status, None

    def amount(self) -> Decimal:
        return Decimal(self.rng.randint(100, 99_999)) / 100

    def start(self) -> None:
        self.call("register", "POST", "/api/auth/register", {"email": self.email, "password": PASSWORD})
        self.login()

    def login(self) -> None:
        self.token = ""
        status, body = self.call("login", "POST", "/api/auth/login", {"email": self.email, "password": PASSWORD})
        if status == 200:
            self.token = body["data"]["access_token"]

    def step(self) -> None:
        action = self.rng.choices([name for _, name in MIX], weights=[w for w, _ in MIX])[0]
        if action == "login":
            self.login()
        elif action == "list":
            self.call("list", "GET", f"/api/transactions?limit=20&sort_by={self.rng.choice(['date', 'amount'])}")
        elif action == "manual":
            amount = self.amount()
            body = {"mode": "manual", "amount": float(amount), "category": "Other", "description": "load test"}
            if self.call("manual", "POST", "/api/transactions/", body)[0] == 201:
                self.sent_minor += int(amount * 100)
                self.manual_count += 1
        elif action == "ai":
            amount = self.amount()
            status, body = self.call(
                "ai", "POST", "/api/transactions", {"mode": "ai", "text": f"{self.rng.choice(ITEMS)} {amount}"}
            )
            if status == 202:
                self.sent_minor += int(amount * 100)
                self.ai_ids.append(body["data"]["_id"])
        elif action == "budgets":
            self.call("budgets", "GET", "/api/budgets/")
        elif action == "set_budget":
            self.set_budget()
        else:
            self.call("summary", "POST", "/api/ai/summary")

    def set_budget(self) -> None:
        category = self.rng.choice(list(Category)).value
        status, body = self.call("budgets", "GET", "/api/budgets")
        existing = {b["category"]: b["_id"] for b in body["data"]} if status == 200 else {}
        limit = float(self.amount() * 10)
        if category in existing:
            self.call("set_budget", "PUT", f"/api/budgets/{existing[category]}", {"limit": limit})
        else:
            self.call("set_budget", "POST", "/api/budgets", {"category": category, "limit": limit})

    def verify(self, deadline: float) -> list[str]:
        """Every AI entry completed; the stored total and count equal what was sent."""
        problems = []
        for transaction_id in self.ai_ids:
            while True:
                status, body = self.call("status", "GET", f"/api/transactions/{transaction_id}/status")
                state = body["data"]["status"] if status == 200 else "unreadable"
                if state != "processing" or time.monotonic() > deadline:
                    break
                time.sleep(0.1)
            if state != "completed":
                problems.append(f"{self.email}: AI entry {transaction_id} ended {state}")
        stored_minor, stored_count, cursor = 0, 0, ""
        while True:
            status, body = self.call(
                "page", "GET", f"/api/transactions?limit=100{'&cursor=' + cursor if cursor else ''}"
            )
            if status != 200:
                problems.append(f"{self.email}: could not read the transactions back ({status})")
                break
            for row in body["data"]["transactions"]:
                stored_minor += int(Decimal(str(row["amount"])) * 100)
                stored_count += 1
            cursor = body["data"]["next_cursor"] or ""
            if not cursor:
                break
        expected_count = self.manual_count + len(self.ai_ids)
        if (stored_minor, stored_count) != (self.sent_minor, expected_count):
            problems.append(
                f"{self.email}: stored {stored_count} transactions totalling {Decimal(stored_minor) / 100}, "
                f"sent {expected_count} totalling {Decimal(self.sent_minor) / 100}"
            )
        return problems


def run_load(base_url: str, *, clients: int, seconds: float, seed: int = 7) -> tuple[Report, list[str], float]:
    """Drive `base_url` with `clients` concurrent users for `seconds`; returns the report, the verification
    problems, and the request rate (requests/s during the timed phase)."""
    report = Report()
    users = [Client(base_url, report, random.Random(seed + n)) for n in range(clients)]  # noqa: S311 - load mix
    for user in users:
        user.start()
    stop = time.monotonic() + seconds
    started = time.perf_counter()

    def drive(user: Client) -> None:
        while time.monotonic() < stop:
            user.step()

    threads = [threading.Thread(target=drive, args=(user,)) for user in users]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    timed_requests = sum(n for (name, _), n in report.statuses.items() if name not in ("register", "status", "page"))
    deadline = time.monotonic() + 60
    problems = [problem for user in users for problem in user.verify(deadline)]
    for user in users:
        user.connection.close()
    return report, problems, timed_requests / elapsed


def print_report(report: Report, problems: list[str], rate: float, clients: int, seconds: float) -> None:
    print(f"Load: {clients} clients for {seconds:g} s against the local gateway: {rate:.0f} requests/s")
    print(f"{'request':<12}{'count':>8}{'p50 ms':>10}{'p95 ms':>10}  statuses")
    for name, samples in sorted(report.latencies.items()):
        ordered = sorted(samples)
        p95 = ordered[max(0, int(len(ordered) * 0.95) - 1)]
        codes = ", ".join(f"{status}: {n}" for (kind, status), n in sorted(report.statuses.items()) if kind == name)
        print(f"{name:<12}{len(samples):>8}{statistics.median(ordered):>10.1f}{p95:>10.1f}  {codes}")
    print(f"failed requests: {len(report.failures)}; verification problems: {len(problems)}")
    for line in [*report.failures[:20], *problems[:20]]:
        print(f"  {line}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--serial", action="store_true", help="the gateway runs one invocation at a time")
    args = parser.parse_args()
    os.environ.setdefault("POWERTOOLS_LOG_LEVEL", "ERROR")
    os.environ.setdefault("REGISTRATIONS_PER_IP", str(args.clients * 2))  # every client signs up from 127.0.0.1

    from dev.localapi.gateway import Gateway
    from dev.localapi.stack import LocalStack

    with LocalStack(serial=args.serial) as stack:
        gateway = Gateway(stack, port=0).start()
        try:
            report, problems, rate = run_load(gateway.url, clients=args.clients, seconds=args.seconds)
        finally:
            gateway.stop()
    print_report(report, problems, rate, args.clients, args.seconds)
    raise SystemExit(1 if report.failures or problems else 0)


if __name__ == "__main__":
    main()
