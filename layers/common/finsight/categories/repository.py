"""The `categories` collection: a user's own categories and their changes to the defaults, one document each.

- their own: `{_id: ObjectId, user_id, name, key, parent_id?, icon?, colour?, aliases?, created_at, updated_at}`
- a default they changed: `{_id: "<user_id>:<default id>", user_id, default, name?, key, hidden?, replaced_by?, ...}`

`key` is the name without case or spacing, unique per user (a unique index: concurrent creates and renames to
the same name cannot both win). A user with no document has the twelve defaults.
"""

from __future__ import annotations

from typing import Any

from pymongo.database import Database

from finsight.categories.catalogue import DEFAULTS, Catalogue
from finsight.platform.db import Document
from finsight.platform.errors import BadRequestError


class UnknownCategoryError(BadRequestError):
    def __init__(self, name: str, field: str = "category") -> None:
        super().__init__(
            f"Invalid request: {field}: '{name[:60]}' is not one of your categories "
            "(GET /api/transactions/categories lists them)."
        )


class CategoryRepository:
    def __init__(self, database: Database[Document]) -> None:
        self._categories = database["categories"]

    def catalogue(self, user_id: str) -> Catalogue:
        """The user's categories (one round trip; none stored is the defaults)."""
        docs = list(self._categories.find({"user_id": user_id}))
        return Catalogue.of(docs) if docs else DEFAULTS


def catalogue_of(database: Any, user_id: str) -> Catalogue:
    return CategoryRepository(database).catalogue(user_id)


def file_under(catalogue: Catalogue, name: str, field: str = "category") -> str:
    """The user's spelling of the category `name` names (a former name finds the current one); 400 otherwise."""
    found = catalogue.resolve(name)
    if found is None:
        raise UnknownCategoryError(name, field)
    return found
