"""Requests and results of the transaction writes: add, edit, bulk delete, split."""

from __future__ import annotations

from typing import Annotated, Literal, Self

from pydantic import Field, StringConstraints, model_validator

from finsight.categories.refs import CategoryRef
from finsight.platform.currencies import CurrencyCode
from finsight.platform.ids import ApiModel
from finsight.transactions.models import (
    AiText,
    Amount,
    DateOrDateTime,
    Description,
    Notes,
    Tags,
    Transaction,
)


class CreateManualTransactionRequest(ApiModel):
    """A manual expense. `date` defaults to now; `currency` to the user's."""

    mode: Literal["manual"]
    amount: Amount
    category: CategoryRef
    description: Description
    date: DateOrDateTime | None = None
    currency: CurrencyCode | None = None
    tags: Tags | None = None
    notes: Notes | None = None


class CreateAiTransactionRequest(ApiModel):
    """An expense typed in plain words, parsed by the AI worker."""

    mode: Literal["ai"]
    text: AiText


CreateTransactionRequest = Annotated[
    CreateManualTransactionRequest | CreateAiTransactionRequest, Field(discriminator="mode")
]


class UpdateTransactionRequest(ApiModel):
    """Any subset of the fields; `tags` replaces the tags ([] removes them), `notes` "" removes the notes."""

    amount: Amount | None = None
    category: CategoryRef | None = None
    description: Description | None = None
    date: DateOrDateTime | None = None
    tags: Tags | None = None
    notes: Notes | None = None

    @model_validator(mode="after")
    def _something_to_change(self) -> Self:
        fields = (self.amount, self.category, self.description, self.date, self.tags, self.notes)
        if all(value is None for value in fields):
            raise ValueError("send at least one of amount, category, description, date, tags, notes")
        return self


MAX_BULK_DELETE = 500


TransactionId = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64)]


class BulkDeleteRequest(ApiModel):
    ids: list[TransactionId] = Field(min_length=1, max_length=MAX_BULK_DELETE, description="At most 500 ids")


class NotDeleted(ApiModel):
    id: str
    reason: Literal["not found", "processing", "malformed id"]


class BulkDeleteResult(ApiModel):
    deleted: list[str] = Field(description="The ids that were yours and are gone")
    not_deleted: list[NotDeleted] = Field(description="The others, each with why")


MAX_SPLIT_PARTS = 20


class SplitPart(ApiModel):
    amount: Amount
    category: CategoryRef
    description: Description | None = Field(default=None, description="Defaults to the transaction's")


class SplitRequest(ApiModel):
    """The parts, whose amounts add up exactly to the transaction's."""

    parts: list[SplitPart] = Field(min_length=2, max_length=MAX_SPLIT_PARTS)


class SplitResult(ApiModel):
    split_of: str = Field(description="The transaction that was split (DELETE .../split with it to undo)")
    parts: list[Transaction]
