"""The worker side of chat: a linked sender's message read like an AI entry, stored, and answered in the chat.

Safe to run again (SQS delivers at least once, providers retry): the message's transaction has an id derived
from the provider's message id, the AI entry's own rules make its expenses exactly once, and the reply is
claimed before it is sent (a reply that does not go out is released, so a redelivery sends it).
"""

from __future__ import annotations

from datetime import UTC, datetime

from bson import ObjectId

from finsight.accounts.principal import Principal
from finsight.accounts.sessions import UserPreferences
from finsight.accounts.users import UserRepository
from finsight.ai_entry.job import ParseExpenseJob, fail_dead_letter
from finsight.ai_entry.parsing import ExpenseParser
from finsight.ai_entry.worker import apply_parse_job
from finsight.chat.commands import run_command
from finsight.chat.job import ChatMessageJob, InboundRepository
from finsight.chat.replies import entry_reply
from finsight.chat.repository import ChatLinkRepository
from finsight.chat.senders import ChatSender, ChatSendError, sender_for
from finsight.jobs.lifecycle import Delivery, JobOutcome, JobType
from finsight.platform.db import get_database
from finsight.platform.ids import derived_object_id, object_id
from finsight.transactions.documents import pending_fields
from finsight.transactions.repository import TransactionRepository


def message_transaction_id(job: ChatMessageJob) -> ObjectId:
    """The transaction a chat message makes: the same for every delivery of the message."""
    return derived_object_id(f"chat:{job.key}")


def _read_expenses(job: ChatMessageJob, parser: ExpenseParser, at: datetime | None, currency: str) -> str:
    now = at or datetime.now(UTC)
    transactions = TransactionRepository(get_database())
    transaction_id = message_transaction_id(job)
    transactions.insert_unless_exists(
        {
            "_id": transaction_id,
            "user_id": job.user_id,
            **pending_fields(job.text),
            "currency": currency,
            "date": now.replace(microsecond=0),
            "status": "processing",
            "mode": "ai",
            "source": job.channel,
            "raw_text": job.text,
            "created_at": now,
            "updated_at": now,
        }
    )
    apply_parse_job(ParseExpenseJob(transaction_id=str(transaction_id), user_id=job.user_id), parser, now=now)
    doc = transactions.get(job.user_id, transaction_id) or {}
    if doc.get("status") != "completed":
        return entry_reply([], doc.get("failure_reason"))
    ids = [oid for value in doc.get("transaction_ids") or [str(transaction_id)] if (oid := object_id(value))]
    return entry_reply(transactions.get_many(job.user_id, ids), None)


def apply_chat_message(
    job: ChatMessageJob, parser: ExpenseParser, sender: ChatSender, *, now: datetime | None = None
) -> JobOutcome:
    """Run a command, or read the message's expenses; reply once. A sender unlinked since is skipped.

    The work is done by one delivery (a command such as /undo must not run twice) and its answer kept, so a
    delivery whose reply did not go out can send it; reading expenses is idempotent, so it is redone when a
    delivery that started it stopped before answering.
    """
    database = get_database()
    user = UserRepository(database).get(job.user_id)
    if user is None or ChatLinkRepository(database).owner(job.channel, job.address) != job.user_id:
        return JobOutcome.SKIPPED
    principal = Principal.through_chat(user.id, UserPreferences(user.timezone, user.currency), job.channel)
    text = job.text.strip()
    is_command = text.startswith("/")
    inbound = InboundRepository(database)
    if inbound.start_work(job.key):
        try:
            reply = (
                run_command(principal, text, job.channel)
                if is_command
                else _read_expenses(job, parser, now, user.currency)
            )
        except Exception:
            inbound.abandon_work(job.key)
            raise
        inbound.save_reply(job.key, reply)
    else:
        saved = inbound.saved_reply(job.key)
        if saved is None and is_command:
            return JobOutcome.SKIPPED  # another delivery is running it
        reply = saved if saved is not None else _read_expenses(job, parser, now, user.currency)
    if not inbound.claim_reply(job.key):
        return JobOutcome.SKIPPED  # another delivery answered already
    try:
        sender.send(job.address, reply)
    except ChatSendError:
        inbound.release_reply(job.key)
        raise
    return JobOutcome.COMPLETED


def _apply(job: ChatMessageJob, delivery: Delivery) -> JobOutcome:
    return apply_chat_message(
        job, delivery.models.expense_parser(final_attempt=delivery.final_attempt), sender_for(job.channel)
    )


def _fail(job: ChatMessageJob) -> JobOutcome:
    """SQS gave up on the message: its transaction (if it made one) ends failed like any AI entry's."""
    return fail_dead_letter(ParseExpenseJob(transaction_id=str(message_transaction_id(job)), user_id=job.user_id))


def _sweep(*, now: datetime | None = None) -> int:
    return 0  # a chat message's transaction is an AI entry: the entries' sweep fails it when stale


CHAT_MESSAGE = JobType(
    tag="chat_message",
    message=ChatMessageJob,
    metric="ChatMessage",
    plural="chat_messages",
    apply=_apply,
    dead_letter=_fail,
    sweep=_sweep,
)
