"""The AI worker's use case: a processing transaction becomes its expenses exactly once."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pydantic
import pytest
from bson import ObjectId

from finsight.ai_entry.job import ParseExpenseJob, sweep_stale_jobs
from finsight.ai_entry.parsing.offline import OfflineParser
from finsight.ai_entry.worker import apply_parse_job
from finsight.jobs.lifecycle import JobOutcome
from finsight.transactions.repository import TransactionRepository
from tests.helpers import processing, stored

NOW = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
PARSER = OfflineParser()


def test_one_expense_completes_the_transaction(database: Any) -> None:
    job = processing(database, "Bought groceries from Walmart for $45.50", currency="USD")
    assert apply_parse_job(job, PARSER, now=NOW) is JobOutcome.COMPLETED
    doc = stored(database, job)
    assert (doc["status"], doc["amount_minor"], doc["currency"], doc["category"]) == (
        "completed",
        4550,
        "USD",
        "Groceries",
    )
    assert doc["parsed_by"] == "offline"
    assert doc["transaction_ids"] == [job.transaction_id]


def test_several_expenses_fill_the_original_then_linked_new_ones(database: Any) -> None:
    job = processing(database, "uber to airport 750 and chai 20 yesterday")
    assert apply_parse_job(job, PARSER, now=NOW) is JobOutcome.COMPLETED
    original = stored(database, job)
    second_id = ObjectId(original["transaction_ids"][1])
    second = database["transactions"].find_one({"_id": second_id})
    assert second["user_id"] == original["user_id"]  # revealed: the user's own
    assert (original["amount_minor"], original["category"]) == (75_000, "Transportation")
    assert (second["amount_minor"], second["category"], second["status"]) == (2_000, "Food & Dining", "completed")
    assert second["source_transaction_id"] == ObjectId(job.transaction_id)
    assert original["transaction_ids"] == [job.transaction_id, str(second_id)]
    assert original["date"].astimezone(ZoneInfo("Asia/Kolkata")).date().isoformat() == "2026-11-22"


def test_a_duplicate_delivery_changes_nothing(database: Any) -> None:
    job = processing(database, "coffee 4.50 and uber 12", currency="USD")
    apply_parse_job(job, PARSER, now=NOW)
    before = list(database["transactions"].find({}).sort("_id", 1))
    assert apply_parse_job(job, PARSER, now=NOW) is JobOutcome.SKIPPED
    assert list(database["transactions"].find({}).sort("_id", 1)) == before


def crash_the_first_call(monkeypatch: pytest.MonkeyPatch, method: str) -> None:
    """The database is lost during the first call of `TransactionRepository.<method>` (later calls work)."""
    real = getattr(TransactionRepository, method)
    calls = {"n": 0}

    def crash_once(self: TransactionRepository, *args: Any, **kwargs: Any) -> Any:
        calls["n"] += 1
        if calls["n"] == 1:
            raise ConnectionError("lost the database")
        return real(self, *args, **kwargs)

    monkeypatch.setattr(TransactionRepository, method, crash_once)


def test_a_crash_before_the_final_write_is_retried_without_duplicates(
    database: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    job = processing(database, "lunch 250, auto 60; chai 20")
    crash_the_first_call(monkeypatch, "finish_processing")
    with pytest.raises(ConnectionError):
        apply_parse_job(job, PARSER, now=NOW)
    assert stored(database, job)["status"] == "processing"  # so SQS delivers it again
    assert apply_parse_job(job, PARSER, now=NOW) is JobOutcome.COMPLETED
    assert database["transactions"].count_documents({}) == 3


def test_unreadable_text_fails_with_a_reason_a_user_understands(database: Any) -> None:
    job = processing(database, "had a great time with friends")
    assert apply_parse_job(job, PARSER, now=NOW) is JobOutcome.FAILED
    doc = stored(database, job)
    assert doc["status"] == "failed"
    assert "couldn't find an amount" in doc["failure_reason"]
    assert apply_parse_job(job, PARSER, now=NOW) is JobOutcome.SKIPPED


def test_the_users_currency_and_time_zone_are_used(database: Any) -> None:
    job = processing(database, "dinner 40 yesterday", currency="EUR", timezone="America/New_York")
    apply_parse_job(job, PARSER, now=datetime(2026, 11, 23, 3, 0, tzinfo=UTC))  # 22:00 on the 22nd in New York
    doc = stored(database, job)
    assert doc["currency"] == "EUR"
    assert doc["date"].astimezone(ZoneInfo("America/New_York")).date().isoformat() == "2026-11-21"


def test_a_deleted_or_finished_transaction_is_skipped(database: Any) -> None:
    job = processing(database, "tea 20")
    database["transactions"].delete_one({"_id": ObjectId(job.transaction_id)})
    assert apply_parse_job(job, PARSER, now=NOW) is JobOutcome.SKIPPED
    assert database["transactions"].count_documents({}) == 0


@pytest.mark.parametrize(
    "body",
    [
        {"transaction_id": "x", "user_id": "6b04c9bdbb0be484416c186e"},
        {"transaction_id": {"$gt": ""}, "user_id": "a"},
        {},
    ],
)
def test_malformed_job_messages_are_refused(body: dict[str, Any]) -> None:
    with pytest.raises(pydantic.ValidationError):
        ParseExpenseJob.model_validate(body)


# ----- an entry's expenses are seen together or not at all -----
class Expenses:
    """A parser that reads the given amounts (in INR, as groceries), whatever the text."""

    name = "scripted"

    def __init__(self, *amounts: int) -> None:
        self.amounts = amounts

    def parse(self, text: str, *, currency: str, zone: Any, now: datetime, categories: Any = ()) -> list[Any]:
        from decimal import Decimal

        from finsight.ai_entry.parsing import ParsedExpense
        from finsight.transactions.categories import Category

        return [
            ParsedExpense(Decimal(a), "INR", Category.GROCERIES, f"item {a}", now, parser=self.name)
            for a in self.amounts
        ]


def visible(database: Any, job: ParseExpenseJob) -> list[dict[str, Any]]:
    """What the user's reads can see (every read is scoped to the user)."""
    return list(database["transactions"].find({"user_id": job.user_id}).sort("amount_minor", 1))


def test_extra_expenses_stay_hidden_until_their_entry_completes(database: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    job = processing(database, "three things")
    seen_before_completion: list[list[dict[str, Any]]] = []
    real = TransactionRepository.finish_processing

    def look_first(self: TransactionRepository, *args: Any, **kwargs: Any) -> bool:
        seen_before_completion.append(visible(database, job))
        return real(self, *args, **kwargs)

    monkeypatch.setattr(TransactionRepository, "finish_processing", look_first)
    assert apply_parse_job(job, Expenses(10, 20, 30), now=NOW) is JobOutcome.COMPLETED
    [before] = seen_before_completion
    assert [d["status"] for d in before] == ["processing"]  # the placeholder only: no extra yet
    assert [d["amount_minor"] for d in visible(database, job)] == [1000, 2000, 3000]


def test_if_the_entry_fails_meanwhile_its_expenses_are_never_seen(
    database: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    job = processing(database, "three things")
    real = TransactionRepository.finish_processing

    def swept_first(self: TransactionRepository, *args: Any, **kwargs: Any) -> bool:
        sweep_stale_jobs(now=NOW + timedelta(days=3))  # the sweeper fails the entry just before this write
        return real(self, *args, **kwargs)

    monkeypatch.setattr(TransactionRepository, "finish_processing", swept_first)
    assert apply_parse_job(job, Expenses(10, 20, 30), now=NOW) is JobOutcome.SKIPPED
    [entry] = visible(database, job)
    assert entry["status"] == "failed"
    assert database["transactions"].count_documents({}) == 1  # the hidden extras were discarded


def test_a_redelivery_leaves_exactly_the_expenses_of_the_reading_it_completed_with(
    database: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    job = processing(database, "a few things")
    crash_the_first_call(monkeypatch, "finish_processing")
    with pytest.raises(ConnectionError):
        apply_parse_job(job, Expenses(10, 20, 30, 40), now=NOW)  # the first reading: four expenses
    assert apply_parse_job(job, Expenses(15, 25), now=NOW) is JobOutcome.COMPLETED  # the next one: two
    assert [d["amount_minor"] for d in visible(database, job)] == [1500, 2500]
    assert database["transactions"].count_documents({}) == 2
    assert stored(database, job)["transaction_ids"][1] == str(visible(database, job)[1]["_id"])


def test_a_delivery_cut_short_after_completing_is_finished_by_the_next(
    database: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    job = processing(database, "two things")
    crash_the_first_call(monkeypatch, "reveal")
    with pytest.raises(ConnectionError):
        apply_parse_job(job, Expenses(10, 20), now=NOW)
    assert [d["amount_minor"] for d in visible(database, job)] == [1000]  # completed, its extra not shown yet
    assert apply_parse_job(job, Expenses(10, 20), now=NOW) is JobOutcome.SKIPPED  # SQS delivers it again
    assert [d["amount_minor"] for d in visible(database, job)] == [1000, 2000]


def test_the_sweeper_removes_hidden_expenses_no_delivery_completed(database: Any) -> None:
    job = processing(database, "two things")
    TransactionRepository(database).insert_hidden(
        [{"_id": ObjectId(), "user_id": job.user_id, "source_transaction_id": ObjectId(job.transaction_id)}], NOW
    )
    assert sweep_stale_jobs(now=NOW + timedelta(minutes=5)) == 0
    assert database["transactions"].count_documents({}) == 2  # a delivery may still be working on it
    sweep_stale_jobs(now=NOW + timedelta(hours=1))
    assert database["transactions"].count_documents({"pending_since": {"$exists": True}}) == 0


@pytest.mark.usefixtures("busy_switching")
def test_two_deliveries_at_once_leave_exactly_the_expenses_of_the_one_that_completed(
    database: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # SQS delivers at least once: two workers may read one entry at the same time, differently.
    real = TransactionRepository.finish_processing
    barrier = threading.Barrier(2)

    def together(self: TransactionRepository, *args: Any, **kwargs: Any) -> bool:
        barrier.wait()  # both have read the text and stored their hidden expenses
        return real(self, *args, **kwargs)

    monkeypatch.setattr(TransactionRepository, "finish_processing", together)
    for trial in range(20):
        job = processing(database, f"things {trial}")
        readings = [Expenses(10, 20, 30), Expenses(15, 25)]
        with ThreadPoolExecutor(2) as pool:
            outcomes = list(pool.map(lambda parser, j=job: apply_parse_job(j, parser, now=NOW), readings))
        assert sorted(outcomes) == sorted([JobOutcome.COMPLETED, JobOutcome.SKIPPED])
        amounts = [d["amount_minor"] for d in visible(database, job)]
        assert amounts in ([1000, 2000, 3000], [1500, 2500]), amounts
        entry = stored(database, job)
        assert sorted(entry["transaction_ids"]) == sorted(str(d["_id"]) for d in visible(database, job))
        assert database["transactions"].count_documents({"user_id": {"$regex": "^pending:"}}) == 0
