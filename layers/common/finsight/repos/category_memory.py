"""The `category_memory` collection: the category a user chose for a merchant or keyword, learned from edits."""

from __future__ import annotations

from datetime import UTC, datetime

from pymongo.database import Database

from finsight.categories import Category
from finsight.db import Document


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
