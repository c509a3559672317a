"""Transactions as stored and as clients see them: the contract's fields of a stored transaction."""

from __future__ import annotations

from typing import Any

from finsight.platform.db import Document
from finsight.platform.money import from_minor_units
from finsight.platform.timeutil import iso_utc
from finsight.transactions.categories import Category
from finsight.transactions.models import Transaction, description_from

UNDESCRIBED = "Expense"


def pending_fields(text: str) -> Document:
    """What an AI entry shows while it is processing and after it failed (API.md): amount 0, category
    "Other", the user's words as description. Only completed transactions count in any sum."""
    return {
        "amount_minor": 0,
        "category": Category.OTHER.value,
        "description": description_from(text) or UNDESCRIBED,
    }


def contract_fields(doc: Document) -> dict[str, Any]:
    """The fields of the contract's transaction. Rows stored before placeholders existed get them here."""
    if doc.get("amount_minor") is None or not doc.get("category") or not doc.get("description"):
        doc = {**pending_fields(doc.get("raw_text") or ""), **{k: v for k, v in doc.items() if v}}
    return {
        "id": str(doc["_id"]),
        "user_id": doc["user_id"],
        "amount": from_minor_units(doc["amount_minor"]),
        "currency": doc["currency"],
        "category": doc["category"],
        "description": doc["description"],
        "date": iso_utc(doc["date"]),
        "status": doc["status"],
        "mode": doc.get("mode", "manual"),
        "raw_text": doc.get("raw_text"),
        "failure_reason": doc.get("failure_reason"),
        "parsed_by": doc.get("parsed_by"),
        "tags": doc.get("tags") or [],
        "notes": doc.get("notes"),
        "split_of": str(doc["split_of"]) if doc.get("split_of") else None,
        "created_at": iso_utc(doc["created_at"]),
        "updated_at": iso_utc(doc.get("updated_at") or doc["created_at"]),
    }


def to_transaction(doc: Document) -> Transaction:
    return Transaction(**contract_fields(doc))
