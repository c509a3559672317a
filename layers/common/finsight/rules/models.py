"""Requests and responses of rules (/api/rules): what a transaction must look like, and what to set on it."""

from __future__ import annotations

from typing import Annotated, Literal, Self

from pydantic import Field, StringConstraints, model_validator

from finsight.categories.refs import CategoryRef
from finsight.platform.ids import ApiModel, IdentifiedModel
from finsight.transactions.models import Amount, Description, Tags

MatchText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
Pattern = Annotated[str, StringConstraints(min_length=1, max_length=200)]


class RuleMatch(ApiModel):
    """At least one condition; all given ones must hold."""

    description_contains: MatchText | None = Field(default=None, description="A case-insensitive substring")
    merchant: MatchText | None = Field(default=None, description="Whole words of the description, in order")
    regex: Pattern | None = Field(
        default=None, description="An RE2 pattern (linear time: no backreferences or lookarounds), case-insensitive"
    )
    amount_between: tuple[Amount, Amount] | None = Field(default=None, description="[min, max], inclusive")

    @model_validator(mode="after")
    def _some_condition(self) -> Self:
        if all(v is None for v in (self.description_contains, self.merchant, self.regex, self.amount_between)):
            raise ValueError("give at least one of description_contains, merchant, regex, amount_between")
        if self.amount_between is not None and self.amount_between[0] > self.amount_between[1]:
            raise ValueError("amount_between: the minimum is above the maximum")
        return self


class RuleSet(ApiModel):
    """At least one change. `tags` are added to the transaction's own."""

    category: CategoryRef | None = None
    tags: Tags | None = None
    description: Description | None = None

    @model_validator(mode="after")
    def _some_change(self) -> Self:
        if self.category is None and not self.tags and self.description is None:
            raise ValueError("give at least one of category, tags, description")
        return self


Priority = Annotated[int, Field(ge=0, le=1000, description="Higher first; the first rule that matches applies")]


class CreateRuleRequest(ApiModel):
    match: RuleMatch
    set: RuleSet
    priority: Priority = 100


class UpdateRuleRequest(ApiModel):
    match: RuleMatch | None = None
    set: RuleSet | None = None
    priority: Priority | None = None

    @model_validator(mode="after")
    def _something(self) -> Self:
        if self.match is None and self.set is None and self.priority is None:
            raise ValueError("send at least one of match, set, priority")
        return self


class Rule(IdentifiedModel):
    match: RuleMatch
    set: RuleSet
    priority: int
    origin: Literal["user", "learned"] = Field(description="learned: a category you chose when editing a transaction")
    created_at: str


class ApplyResult(ApiModel):
    dry_run: bool
    matched: int = Field(description="Your completed transactions the rule matches")
    changed: int = Field(description="Of those, the ones it re-files (or would): the others already agree")
