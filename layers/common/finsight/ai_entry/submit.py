"""The HTTP side of AI entry: the user's words stored as a `processing` transaction and queued for the worker."""

from __future__ import annotations

from datetime import UTC, datetime

from finsight.accounts.principal import Principal
from finsight.ai_entry.job import QUEUE_FAILURE_REASON, ParseExpenseJob
from finsight.jobs.settings import ai_settings
from finsight.platform import queue
from finsight.platform.db import get_database
from finsight.platform.errors import ServiceUnavailableError
from finsight.platform.limits import admit_ai_request
from finsight.transactions.documents import pending_fields, to_transaction
from finsight.transactions.models import Transaction
from finsight.transactions.repository import TransactionRepository
from finsight.transactions.requests import CreateAiTransactionRequest


class AiQueueUnavailableError(ServiceUnavailableError):
    default_message = (
        "AI entry is temporarily unavailable: your text was not processed. "
        "Please try again, or add the expense manually."
    )


def create_ai(principal: Principal, request: CreateAiTransactionRequest) -> Transaction:
    """Store the text as a `processing` transaction and queue it for the AI worker.

    If the queue does not take the job, the transaction is marked failed (never left processing) and the
    caller gets a 503.
    """
    admit_ai_request(principal.user_id, ai_settings().ai_requests_per_user_per_hour)
    now = datetime.now(UTC).replace(microsecond=0)
    repository = TransactionRepository(get_database())
    doc = repository.insert(
        {
            "user_id": principal.user_id,
            **pending_fields(request.text),
            "currency": principal.preferences.currency,
            "date": now,
            "status": "processing",
            "mode": "ai",
            "raw_text": request.text,
            "created_at": now,
            "updated_at": now,
        }
    )
    queue.send_job(
        ParseExpenseJob(transaction_id=str(doc["_id"]), user_id=principal.user_id),
        undo=lambda: repository.fail_processing(principal.user_id, doc["_id"], QUEUE_FAILURE_REASON),
        error=AiQueueUnavailableError(),
    )
    return to_transaction(doc)
