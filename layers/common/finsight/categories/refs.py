"""A category as a transaction, budget, recurring expense or rule names it: checked against the user's list by the
service. Apart from the category models, which what only names a category does not import."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, StringConstraints

CategoryRef = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=100),
    Field(description="One of your categories (GET /api/transactions/categories with your token), any case"),
]
