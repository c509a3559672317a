"""Requests and responses of /api/categories."""

from __future__ import annotations

import unicodedata
from typing import Annotated, Self

from pydantic import AfterValidator, Field, StringConstraints, model_validator

from finsight.categories.refs import CategoryRef
from finsight.platform.ids import ApiModel

MAX_NAME_LENGTH = 40


def _clean_name(value: str) -> str:
    name = unicodedata.normalize("NFC", " ".join(value.split()))
    if not name:
        raise ValueError("a name is 1 to 40 characters")
    if not name.isprintable():
        raise ValueError("a name cannot hold control characters")
    return name


def _lower(value: str) -> str:
    return value.lower()


CategoryName = Annotated[
    str,
    StringConstraints(max_length=MAX_NAME_LENGTH * 2),
    AfterValidator(_clean_name),
    StringConstraints(max_length=MAX_NAME_LENGTH),
    Field(description="1-40 characters; unique among your categories whatever the case"),
]
Icon = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=32), Field(description="An emoji or name")
]
Colour = Annotated[
    str,
    StringConstraints(pattern=r"^#([0-9a-fA-F]{3}|[0-9a-fA-F]{6})$"),
    AfterValidator(_lower),
    Field(description="#rgb or #rrggbb"),
]


class CreateCategoryRequest(ApiModel):
    """Your own category; `parent` makes it a sub-category of a top-level one (one level only)."""

    name: CategoryName
    parent: CategoryRef | None = None
    icon: Icon | None = None
    colour: Colour | None = None


class UpdateCategoryRequest(ApiModel):
    """Any subset. A default can be renamed, hidden (optionally `replaced_by` another category, where its kind of
    spending is filed from then on) or shown again; your own can be renamed and moved (`parent`: null for the
    top level). A rename re-files what used the old name."""

    name: CategoryName | None = None
    parent: CategoryRef | None = None
    icon: Icon | None = None
    colour: Colour | None = None
    hidden: bool | None = None
    replaced_by: CategoryRef | None = None

    @model_validator(mode="after")
    def _something_to_change(self) -> Self:
        if not self.model_fields_set:
            raise ValueError("send at least one of name, parent, icon, colour, hidden, replaced_by")
        return self


class CategoryView(ApiModel):
    id: str = Field(description="A default's id is its name in lower case words (food-and-dining)")
    name: str
    default: str | None = Field(description="For a default: its contract name (whatever you renamed it to)")
    parent: str | None = Field(description="The name of the category this one is under")
    parent_id: str | None
    icon: str | None
    colour: str | None
    hidden: bool = Field(description="A default you hid: not offered, still in your history")
    replaced_by: str | None = Field(description="A hidden default: where its kind of spending is filed instead")


class RefiledCounts(ApiModel):
    transactions: int
    budgets: int
    recurring: int
    rules: int


class DeletedCategory(ApiModel):
    deleted: str = Field(description="The id of the category that is gone")
    moved_to: str = Field(description="Where its transactions, budgets, recurring expenses and rules went")
    moved: RefiledCounts
