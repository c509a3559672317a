"""Statement import throughput: a 10,000-row bank CSV imported end to end by the import function's code, and
the same file read only, and read and categorised, to see where the time goes.

Each sample is a fresh interpreter (`python -m dev.bench.statements --sample STAGE`): the file is made (HDFC's
layout, realistic merchants, a tenth of the rows income), put in moto's in-process S3 for the `full` stage,
then the stage runs once, timed by the CPU time of the process (`time.process_time()`, interpreter start and
set-up excluded) with the peak memory of the whole process (`ru_maxrss`). Stages are interleaved over rounds
(every round runs each stage once, in a shuffled order with a fixed seed), so all see the same machine.

    python -m dev.bench.statements [--rows 10000] [--rounds 5]

The `full` stage writes to mongomock (in memory; set MONGODB_URI to write to a real MongoDB instead), whose
inserts cost far more CPU in this process than a server's: the read and categorise stages are the figures
of the function's own work.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import time
from datetime import date, timedelta
from typing import Any

from dev.localapi.template import ROOT

STAGES = ("read", "categorise", "full")
MERCHANTS = [
    ("UPI-SWIGGY-SWIGGY.STORES@ICICI", 180, 650),
    ("UPI-ZOMATO LTD-ZOMATO-ORDER@PTYS", 150, 900),
    ("UPI-BIGBASKET-BIGBASKET.RAZORPAY@ICICI", 400, 3200),
    ("UPI-UBER INDIA SYSTEMS PVT-UBERINDIA.RZP@AXISBANK", 90, 700),
    ("UPI-IRCTC-IRCTC.PAYU@HDFCBANK", 300, 2500),
    ("UPI-RELIANCE JIO INFOCOMM-JIOFIBER@PAYTM", 299, 1199),
    ("POS 4591XXXXXX1234 AMAZON PAY INDIA", 199, 5000),
    ("UPI-APOLLO PHARMACY-APOLLOPHARMACY@HDFCBANK", 80, 1500),
    ("ACH D- TP ACH BAJAJ FINANCE-1234567890", 4999, 4999),
    ("NWD-5123XXXXXX4321-ATM WDL KORAMANGALA", 500, 5000),
    ("UPI-BESCOM BANGALORE-BESCOM@SBI-ELECTRICITY BILL", 800, 2400),
    ("UPI-CHAI POINT-CHAIPOINT@YESBANK", 20, 120),
]


def statement(rows: int, seed: int = 7) -> bytes:
    """An HDFC-style export of `rows` transactions (a preamble, a header, a tenth income)."""
    rng = random.Random(seed)  # noqa: S311 - test data, not security
    lines = ["HDFC BANK Ltd.,,,,,,", "Statement of account,,,,,,", ",,,,,,"]
    lines.append("Date,Narration,Chq./Ref.No.,Value Dt,Withdrawal Amt.,Deposit Amt.,Closing Balance")
    day = date(2025, 1, 1)
    balance = 500000.0
    for index in range(rows):
        day += timedelta(days=1) if rng.random() < 0.06 else timedelta()
        when = day.strftime("%d/%m/%y")
        if rng.random() < 0.1:
            amount = round(rng.uniform(1000, 90000), 2)
            balance += amount
            lines.append(f"{when},NEFT CR-SALARY-{index},{index:016d},{when},,{amount:.2f},{balance:.2f}")
        else:
            name, low, high = rng.choice(MERCHANTS)
            amount = round(rng.uniform(low, high), 2)
            balance -= amount
            lines.append(f"{when},{name}-{630000000000 + index},{index:016d},{when},{amount:.2f},,{balance:.2f}")
    return ("\n".join(lines) + "\n").encode()


def _sample(stage: str, rows: int) -> dict[str, Any]:
    """One stage, once, in this (fresh) process: CPU seconds, wall seconds, peak RSS in MB."""
    sys.path[:0] = [str(ROOT / "layers" / "common"), str(ROOT)]
    os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")
    os.environ.update({"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"})  # moto only
    os.environ.update({"JWT_SECRET": "x" * 40, "IMPORT_BUCKET": "bench-statements", "POWERTOOLS_LOG_LEVEL": "ERROR"})
    data = statement(rows)
    from finsight.ai_entry.parsing.offline import categorize
    from finsight.imports.statement import read_statement

    if stage == "full":
        import boto3
        from bson import ObjectId
        from moto import mock_aws

        from dev.localapi.memorydb import in_memory_client
        from finsight.imports.worker import on_upload
        from finsight.platform import db

        mock = mock_aws()
        mock.start()
        boto3.client("s3").create_bucket(Bucket="bench-statements")
        if not os.environ.get("MONGODB_URI"):
            db.use_client(in_memory_client())
        database = db.get_database()
        user_id = str(
            database["users"]
            .insert_one(
                {"email": "bench@example.com", "password_hash": "x", "timezone": "Asia/Kolkata", "currency": "INR"}
            )
            .inserted_id
        )
        import_id = ObjectId()
        key = f"imports/{user_id}/{import_id}"
        database["imports"].insert_one(
            {"_id": import_id, "user_id": user_id, "filename": "bench.csv", "key": key, "status": "awaiting_upload"}
        )
        boto3.client("s3").put_object(Bucket="bench-statements", Key=key, Body=data)
    started_cpu, started_wall = time.process_time(), time.perf_counter()
    if stage == "read":
        found = len(read_statement(data, currency="INR").rows)
    elif stage == "categorise":
        parsed = read_statement(data, currency="INR")
        found = sum(1 for row in parsed.expenses if categorize(row.description))
    else:
        outcome = on_upload("bench-statements", key)
        if outcome != "completed":
            raise SystemExit(f"the import ended {outcome}")
        found = database["transactions"].count_documents({"user_id": user_id})
    cpu, wall = time.process_time() - started_cpu, time.perf_counter() - started_wall
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"stage": stage, "cpu": cpu, "wall": wall, "peak_mb": peak_mb, "found": found}


def run(rows: int, rounds: int) -> dict[str, list[dict[str, Any]]]:
    rng = random.Random(11)  # noqa: S311 - the order of stages, not security
    samples: dict[str, list[dict[str, Any]]] = {stage: [] for stage in STAGES}
    for number in range(rounds):
        order = list(STAGES)
        rng.shuffle(order)
        print(f"statement import: round {number + 1} of {rounds}", file=sys.stderr, flush=True)
        for stage in order:
            out = subprocess.run(
                [sys.executable, "-m", "dev.bench.statements", "--sample", stage, "--rows", str(rows)],
                cwd=ROOT,
                capture_output=True,
                text=True,
                check=True,
            )
            samples[stage].append(json.loads(out.stdout.strip().splitlines()[-1]))
    return samples


def table(rows: int, samples: dict[str, list[dict[str, Any]]]) -> str:
    lines = [
        f"| stage ({rows:,} rows) | CPU s, median (min-max) | rows/s of CPU, median | peak memory MB, max |",
        "|---|---|---|---|",
    ]
    for stage in STAGES:
        cpu = [s["cpu"] for s in samples[stage]]
        median = statistics.median(cpu)
        peak = max(s["peak_mb"] for s in samples[stage])
        lines.append(f"| {stage} | {median:.2f} ({min(cpu):.2f}-{max(cpu):.2f}) | {rows / median:,.0f} | {peak:.0f} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--sample", choices=STAGES, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.sample:
        print(json.dumps(_sample(args.sample, args.rows)))
        return
    print(table(args.rows, run(args.rows, args.rounds)))


if __name__ == "__main__":
    main()
