"""The `budgets` collection: one per user, category, month and year (a unique index enforces it)."""

from __future__ import annotations

from datetime import UTC, datetime

from bson import ObjectId
from pymongo import ASCENDING, ReturnDocument
from pymongo.database import Database
from pymongo.errors import DuplicateKeyError

from finsight.platform.db import Document
from finsight.platform.errors import ConflictError


class DuplicateBudgetError(ConflictError):
    default_message = "You already have a budget for this category and month."


class BudgetRepository:
    def __init__(self, database: Database[Document]) -> None:
        self._budgets = database["budgets"]

    def insert(self, doc: Document) -> Document:
        try:
            result = self._budgets.insert_one(doc)
        except DuplicateKeyError as exc:
            raise DuplicateBudgetError() from exc
        return {**doc, "_id": result.inserted_id}

    def get(self, user_id: str, budget_id: ObjectId) -> Document | None:
        return self._budgets.find_one({"_id": budget_id, "user_id": user_id})

    def of_month(self, user_id: str, year: int, month: int) -> list[Document]:
        return list(self._budgets.find({"user_id": user_id, "year": year, "month": month}).sort("category", ASCENDING))

    def update(
        self, user_id: str, budget_id: ObjectId, changes: Document, *, from_month: tuple[int, int]
    ) -> Document | None:
        """Apply `changes` to a budget of the month `from_month` (year, month) or a later one; None when the user
        has no such budget. A clash with another budget is a 409."""
        year, month = from_month
        try:
            return self._budgets.find_one_and_update(
                {
                    "_id": budget_id,
                    "user_id": user_id,
                    "$or": [{"year": {"$gt": year}}, {"year": year, "month": {"$gte": month}}],
                },
                {"$set": {**changes, "updated_at": datetime.now(UTC)}},
                return_document=ReturnDocument.AFTER,
            )
        except DuplicateKeyError as exc:
            raise DuplicateBudgetError() from exc

    def delete(self, user_id: str, budget_id: ObjectId) -> bool:
        return self._budgets.delete_one({"_id": budget_id, "user_id": user_id}).deleted_count == 1
