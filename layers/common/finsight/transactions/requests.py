"""What adding and editing a transaction take (bulk deletes and splits keep theirs in `bulk` and `splits`)."""

from __future__ import annotations

from typing import Annotated, Literal, Self

from pydantic import Field, model_validator

from finsight.categories.refs import CategoryRef
from finsight.platform.currencies import CurrencyCode
from finsight.platform.ids import ApiModel
from finsight.transactions.models import AiText, Amount, DateOrDateTime, Description, Notes, Tags


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
