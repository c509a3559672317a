"""Request and response models of the transaction routes."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Literal

from pydantic import AfterValidator, Field, StringConstraints

from finsight.platform.ids import IdentifiedModel
from finsight.platform.money import MoneyAmount
from finsight.platform.timeutil import check_date_or_datetime

MAX_AMOUNT = Decimal(10_000_000)
MAX_DESCRIPTION_LENGTH = 200
# A date (2026-11-23) or a datetime with offset; query parameters are checked against it at the edge.
DATE_OR_DATETIME_PATTERN = r"^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:\d{2}))?$"

MAX_TAGS = 10
MAX_TAG_LENGTH = 30
MAX_NOTES_LENGTH = 1000


def normalise_tag(value: str) -> str:
    """A tag as stored and matched: lower case, spaces collapsed, no leading '#'; 1-30 characters, no commas
    (a list filter's separator) and nothing unprintable."""
    tag = " ".join(value.strip().lstrip("#").split()).lower()
    if not tag or len(tag) > MAX_TAG_LENGTH:
        raise ValueError(f"a tag is 1 to {MAX_TAG_LENGTH} characters")
    if "," in tag or not tag.isprintable():
        raise ValueError("a tag cannot hold commas or control characters")
    return tag


def normalise_tags(values: list[str]) -> list[str]:
    tags = list(dict.fromkeys(normalise_tag(value) for value in values))
    if len(tags) > MAX_TAGS:
        raise ValueError(f"at most {MAX_TAGS} tags")
    return tags


Amount = Annotated[Decimal, Field(gt=0, le=MAX_AMOUNT, decimal_places=2, allow_inf_nan=False)]
Tags = Annotated[
    list[Annotated[str, Field(max_length=100)]],
    Field(max_length=50, description="At most 10 tags of 1-30 characters; stored lower case, repeats dropped"),
    AfterValidator(normalise_tags),
]
Notes = Annotated[
    str,
    StringConstraints(strip_whitespace=True, max_length=MAX_NOTES_LENGTH),
    Field(description="Up to 1,000 characters"),
]
Description = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_DESCRIPTION_LENGTH)]
AiText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500)]
DateOrDateTime = Annotated[str, Field(max_length=40), AfterValidator(check_date_or_datetime)]


def description_from(text: str) -> str:
    """`text` as a description: whitespace collapsed, cut at a word boundary to the description limit."""
    words = " ".join(text.split())
    if len(words) <= MAX_DESCRIPTION_LENGTH:
        return words
    head = words[: MAX_DESCRIPTION_LENGTH - 1]
    if " " in head[MAX_DESCRIPTION_LENGTH // 2 :]:
        head = head.rsplit(" ", 1)[0]
    return head.rstrip() + "\u2026"


class Transaction(IdentifiedModel):
    """A transaction as clients see it (API.md), plus `currency`, `mode` and timestamps.

    Every field a client reads is always present and typed, whatever the status: while an AI entry is
    processing and after it failed, `amount` is 0, `category` "Other" and `description` the user's words.
    """

    user_id: str
    amount: MoneyAmount = Field(description="0 while processing and when failed; only completed ones count")
    currency: str
    category: str = Field(description='One of your categories; "Other" while processing and when failed')
    description: str = Field(min_length=1, description="The user's words while processing and when failed")
    date: str
    status: Literal["processing", "completed", "failed"]
    mode: Literal["manual", "ai"]
    raw_text: str | None = None
    failure_reason: str | None = None
    parsed_by: str | None = Field(default=None, description="Which parser read an AI entry: offline or gemini")
    tags: list[str] = Field(default_factory=list, description="Lower case; filter the list with tag=")
    notes: str | None = None
    split_of: str | None = Field(default=None, description="A part of a split transaction: the one it came from")
    created_at: str
    updated_at: str


class TransactionStatus(Transaction):
    """The transaction, with every transaction its entry made."""

    transaction_ids: list[str] = Field(
        description="Every transaction made from this entry, this one first (an AI message may hold several)"
    )
