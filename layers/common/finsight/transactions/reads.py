"""Reading one transaction of the caller's (another user's is "not found", exactly like one that does not
exist)."""

from __future__ import annotations

from bson import ObjectId

from finsight.accounts.principal import Principal
from finsight.platform.db import Document, get_database
from finsight.platform.errors import ResourceNotFoundError
from finsight.platform.ids import required_object_id
from finsight.transactions.documents import contract_fields, to_transaction
from finsight.transactions.models import Transaction, TransactionStatus
from finsight.transactions.repository import TransactionRepository


class TransactionNotFoundError(ResourceNotFoundError):
    default_message = "Transaction not found."


def transaction_object_id(value: str) -> ObjectId:
    """The id of a transaction in a path (400 when it is not an ObjectId)."""
    return required_object_id(value, "transaction")


def _owned(principal: Principal, transaction_id: str) -> Document:
    """The caller's transaction `transaction_id` as stored (404 when absent or another user's)."""
    doc = TransactionRepository(get_database()).get(principal.user_id, transaction_object_id(transaction_id))
    if doc is None:
        raise TransactionNotFoundError()
    return doc


def get_transaction(principal: Principal, transaction_id: str) -> Transaction:
    return to_transaction(_owned(principal, transaction_id))


def transaction_status(principal: Principal, transaction_id: str) -> TransactionStatus:
    """The transaction with its status, and every transaction its entry made (an AI message may hold several)."""
    doc = _owned(principal, transaction_id)
    return TransactionStatus(**contract_fields(doc), transaction_ids=doc.get("transaction_ids") or [str(doc["_id"])])
