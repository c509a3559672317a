"""The AI worker's use case: a processing transaction becomes its expenses exactly once."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pydantic
import pytest
from bson import ObjectId

from finsight.ai import JobOutcome
from finsight.ai_entry import ParseExpenseJob, apply_parse_job, extra_expense_id
from finsight.parsing.offline import OfflineParser
from finsight.repos.transactions import TransactionRepository

NOW = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
PARSER = OfflineParser()


def processing(database: Any, text: str, *, currency: str = "INR", timezone: str = "Asia/Kolkata") -> ParseExpenseJob:
    user_id = (
        database["users"]
        .insert_one(
            {
                "email": f"{ObjectId()}@example.com",
                "password_hash": "x",
                "income_minor": 0,
                "timezone": timezone,
                "currency": currency,
            }
        )
        .inserted_id
    )
    tid = (
        database["transactions"]
        .insert_one(
            {
                "user_id": str(user_id),
                "amount_minor": None,
                "currency": currency,
                "category": None,
                "description": None,
                "date": NOW,
                "status": "processing",
                "mode": "ai",
                "raw_text": text,
                "created_at": NOW,
                "updated_at": NOW,
            }
        )
        .inserted_id
    )
    return ParseExpenseJob(transaction_id=str(tid), user_id=str(user_id))


def stored(database: Any, job: ParseExpenseJob) -> dict[str, Any]:
    return dict(database["transactions"].find_one({"_id": ObjectId(job.transaction_id)}))


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
    second_id = extra_expense_id(ObjectId(job.transaction_id), 1)
    second = database["transactions"].find_one({"_id": second_id})
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


def test_a_crash_before_the_final_write_is_retried_without_duplicates(
    database: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    job = processing(database, "lunch 250, auto 60; chai 20")
    real = TransactionRepository.finish_processing
    calls = {"n": 0}

    def crash_once(self: TransactionRepository, *args: Any, **kwargs: Any) -> bool:
        calls["n"] += 1
        if calls["n"] == 1:
            raise ConnectionError("lost the database")
        return real(self, *args, **kwargs)

    monkeypatch.setattr(TransactionRepository, "finish_processing", crash_once)
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
