"""AI work: the AI entry worker's throughput and POST -> completed, and the spending summary's jobs."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from dev.bench.calls import GatewayClient, invoke, jwt_claims, sign_up
from dev.bench.events import request_event
from dev.bench.report import Report
from dev.bench.seed import seed_transactions
from dev.bench.timing import median_p95, timed

if TYPE_CHECKING:
    from dev.localapi.stack import LocalStack


def _corpus_texts() -> list[str]:
    """The expense messages of the offline parser's labelled corpus."""
    from dev.parser_accuracy import CORPUS

    lines = CORPUS.read_text(encoding="utf-8").splitlines()
    return [json.loads(line)["text"] for line in lines if line.strip()]


def _entry_batches(user_id: str, texts: list[str], messages: int) -> list[dict[str, Any]]:
    """`messages` AI entries stored as processing, and their queue messages as SQS batches of 10."""
    from dev.localapi.events import sqs_event
    from finsight.platform.db import get_database

    now = datetime.now(UTC).replace(microsecond=0)
    base = {"user_id": user_id, "status": "processing", "mode": "ai", "currency": "INR", "date": now}
    docs = [{**base, "raw_text": texts[n % len(texts)], "created_at": now, "updated_at": now} for n in range(messages)]
    ids = get_database()["transactions"].insert_many(docs).inserted_ids
    bodies = [json.dumps({"type": "parse_expense", "transaction_id": str(tid), "user_id": user_id}) for tid in ids]
    records = [{"MessageId": f"m{n}", "ReceiptHandle": f"r{n}", "Body": body} for n, body in enumerate(bodies)]
    queue_arn = "arn:aws:sqs:us-east-1:123456789012:bench"
    return [sqs_event(records[start : start + 10], queue_arn) for start in range(0, len(records), 10)]


def _worker_throughput(stack: LocalStack, batches: list[dict[str, Any]], messages: int) -> float:
    """Messages per second through the AI worker, invoked in-process batch after batch."""
    started = time.perf_counter()
    for batch in batches:
        result = stack.invoke("AiWorkerFunction", batch)
        if result.error is not None or result.response["batchItemFailures"]:
            raise SystemExit(f"worker failed: {result}")
    return messages / (time.perf_counter() - started)


def _entry_latencies(client: GatewayClient, texts: list[str], entries: int) -> list[float]:
    """POST an AI entry, then poll its status until it is no longer processing: ms, one per entry."""
    samples = []
    for n in range(entries):
        begun = time.perf_counter()
        created = client.call("POST", "/api/transactions/", {"mode": "ai", "text": texts[n % len(texts)]})
        status_path = f"/api/transactions/{created['data']['_id']}/status"
        while client.call("GET", status_path)["data"]["status"] == "processing":
            time.sleep(0.005)
        samples.append((time.perf_counter() - begun) * 1000)
    return samples


def ai_entry_figures(messages: int, entries: int) -> tuple[float, float, float]:
    """Worker throughput (messages/s, offline parser, batches of 10) and POST -> completed p50/p95 (ms)."""
    from dev.localapi.stack import LocalStack

    texts = _corpus_texts()
    with LocalStack(poll_interval_s=0.02) as stack:
        token = sign_up(stack, "ai@example.com")["access_token"]
        batches = _entry_batches(jwt_claims(token)["sub"], texts, messages)
        throughput = _worker_throughput(stack, batches, messages)
        with GatewayClient(stack, token) as client:
            samples = _entry_latencies(client, texts, entries)
    return throughput, *median_p95(samples)


def _summary_job_ms(user_id: str, runs: int) -> float:
    """Median time of one summary job applied in the worker (templates, no Gemini)."""
    from finsight.insights.job import SummaryJob
    from finsight.insights.repository import SummaryJobRepository
    from finsight.insights.worker import apply_summary_job
    from finsight.jobs.lifecycle import JobOutcome
    from finsight.platform.db import get_database

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

    return timed(one_job, runs, 3)[0]


def _summary_latencies(client: GatewayClient, runs: int) -> list[float]:
    """POST a summary request, then poll its result until completed: ms, one per request."""
    samples = []
    for _ in range(runs):
        begun = time.perf_counter()
        task_id = client.call("POST", "/api/ai/summary")["data"]["task_id"]
        while client.call("GET", f"/api/ai/summary/result/{task_id}")["data"]["status"] != "completed":
            time.sleep(0.005)
        samples.append((time.perf_counter() - begun) * 1000)
    return samples


def summary_figures(runs: int) -> tuple[float, float, float]:
    """AI spending summary (templates): worker time per job, and POST -> completed p50/p95 (ms), for a user
    with 1,000 transactions over 60 days and 12 budgets."""
    from dev.localapi.stack import LocalStack
    from finsight.transactions.categories import Category

    with LocalStack(poll_interval_s=0.02) as stack:
        token = sign_up(stack, "insights@example.com")["access_token"]
        user_id = jwt_claims(token)["sub"]
        seed_transactions(user_id, count=1_000, days=60)
        for category in Category:
            body = {"category": category.value, "limit": 20_000}
            invoke(stack, "CreateBudgetFunction", request_event("create_budget", body=body, token=token), 201)
        worker_ms = _summary_job_ms(user_id, runs)
        with GatewayClient(stack, token) as client:
            samples = _summary_latencies(client, runs)
    return worker_ms, *median_p95(samples)


def ai_section(report: Report) -> None:
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
            ["spending summary: POST → completed, p50 / p95 (20 jobs)", f"{summary_p50:.1f} / {summary_p95:.1f} ms"],
        ],
    )
