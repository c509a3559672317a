"""Learning from corrections: the category a user chose for a merchant or keyword (the `category_memory`
collection), remembered when they re-file a transaction and applied to what the AI entry reads next."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from pymongo.database import Database

from finsight.ai_entry.parsing import ParsedExpense
from finsight.ai_entry.parsing.offline import merchant_terms
from finsight.platform.db import Document
from finsight.transactions.categories import Category


def _key(user_id: str, term: str) -> str:
    return f"{user_id}:{term}"


class CategoryMemoryRepository:
    def __init__(self, database: Database[Document]) -> None:
        self._memory = database["category_memory"]

    def remember(self, user_id: str, term: str, category: Category) -> None:
        self._memory.update_one(
            {"_id": _key(user_id, term)},
            {"$set": {"user_id": user_id, "term": term, "category": category.value, "updated_at": datetime.now(UTC)}},
            upsert=True,
        )

    def recall(self, user_id: str, terms: list[str]) -> dict[str, Category]:
        """The remembered category of each of `terms` this user corrected (one round trip)."""
        if not terms:
            return {}
        docs = self._memory.find({"_id": {"$in": [_key(user_id, term) for term in terms]}})
        return {doc["term"]: Category(doc["category"]) for doc in docs}


def learn_correction(database: Any, user_id: str, description: str, category: Category) -> None:
    """A user who re-files "Starbucks latte" under another category wants Starbucks there next time."""
    terms = merchant_terms(description)
    if terms:
        CategoryMemoryRepository(database).remember(user_id, terms[0], category)


def with_learned_categories(
    database: Any, user_id: str, raw_text: str, expenses: list[ParsedExpense]
) -> list[ParsedExpense]:
    """Categories the user taught by editing win over any parser's guess (one lookup for the message)."""
    terms_of = [merchant_terms(expense.description) for expense in expenses]
    if len(expenses) == 1:
        terms_of[0] = terms_of[0] + merchant_terms(raw_text)
    learned = CategoryMemoryRepository(database).recall(user_id, sorted({t for terms in terms_of for t in terms}))
    if not learned:
        return expenses
    result = []
    for expense, terms in zip(expenses, terms_of, strict=True):
        remembered = next((learned[term] for term in terms if term in learned), None)
        result.append(replace(expense, category=remembered) if remembered else expense)
    return result
