"""Rules at work: the one place every entry path (the API, AI entries and chat, imports, recurring) files a new
transaction by the user's rules, after the parser and before saving; and re-filing existing ones.

A rule matches when all its conditions hold: a substring of the description, a merchant's words in order, an
RE2 pattern (linear time, so no pattern can hang a request: RE2 has no backtracking), an amount range. Rules are
tried highest priority first (then oldest first); the first that matches sets the category, adds tags and/or
replaces the description. The categories a user chose when editing transactions are rules too (`origin:
learned`, priority 50), kept in the same collection and applied by the AI entry and imports (see user_rules).
"""

from __future__ import annotations

from typing import Any, NamedTuple

from pymongo import ASCENDING, DESCENDING
from pymongo.database import Database

from finsight.platform.db import Document
from finsight.platform.words import WORDS, contains_words
from finsight.transactions.models import MAX_TAGS

LEARNED_PRIORITY = 50


class InvalidPatternError(ValueError):
    """The regex is not one RE2 accepts (the message says why)."""


def compile_pattern(pattern: str) -> Any:
    """The compiled RE2 pattern, case-insensitive; InvalidPatternError for one RE2 refuses (backreferences,
    lookarounds) or that is too large."""
    import re2  # noqa: PLC0415 - only rules with a pattern need it

    options = re2.Options()
    options.case_sensitive = False
    options.max_mem = 1 << 20  # a pattern whose program needs more than 1 MB is refused, not run
    options.log_errors = False
    try:
        return re2.compile(pattern, options)
    except re2.error as exc:
        reason = exc.args[0].decode(errors="replace") if exc.args and isinstance(exc.args[0], bytes) else str(exc)
        raise InvalidPatternError(reason or "not a valid RE2 pattern") from exc


def _words(text: str) -> list[str]:
    return WORDS.findall(text.lower())


class CompiledRule(NamedTuple):
    id: str
    contains: str | None
    merchant: list[str] | None
    pattern: Any
    between: tuple[int, int] | None
    currency: str | None  # of the amounts in `between`
    category: str | None
    tags: list[str]
    description: str | None

    @classmethod
    def of(cls, doc: Document) -> CompiledRule:
        match, changes = doc.get("match") or {}, doc.get("set") or {}
        between = match.get("amount_between")
        return cls(
            id=str(doc["_id"]),
            contains=match["description_contains"].lower() if match.get("description_contains") else None,
            merchant=_words(match["merchant"]) if match.get("merchant") else None,
            pattern=compile_pattern(match["regex"]) if match.get("regex") else None,
            between=(int(between[0]), int(between[1])) if between else None,
            currency=match.get("currency"),
            category=changes.get("category"),
            tags=list(changes.get("tags") or []),
            description=changes.get("description"),
        )

    def matches(self, description: str, amount_minor: int, currency: str | None = None) -> bool:
        if self.contains is not None and self.contains not in description.lower():
            return False
        if self.merchant is not None and not contains_words(_words(description), self.merchant):
            return False
        if self.between is not None:
            if not self.between[0] <= amount_minor <= self.between[1]:
                return False
            if self.currency and currency and currency != self.currency:
                return False
        return self.pattern is None or self.pattern.search(description) is not None

    def changes_for(self, doc: Document) -> Document:
        """What this rule changes on `doc` (nothing when it already agrees)."""
        changes: Document = {}
        if self.category is not None and doc.get("category") != self.category:
            changes["category"] = self.category
        if self.tags:
            tags = list(dict.fromkeys([*(doc.get("tags") or []), *self.tags]))[:MAX_TAGS]
            if tags != (doc.get("tags") or []):
                changes["tags"] = tags
        if self.description is not None and doc.get("description") != self.description:
            changes["description"] = self.description
        return changes


def user_rules(database: Database[Document], user_id: str) -> list[CompiledRule]:
    """The user's own rules in the order they are tried (one query). Learned ones are applied where the parser's
    merchant terms are known — AI entries, chat, imports (`ai_entry.memory`) — matching the message's strongest
    merchant term only ("uber" learned is not "uber eats"), and never over a category the user typed. A stored
    rule RE2 no longer takes is skipped."""
    query = {"user_id": user_id, "origin": {"$ne": "learned"}}
    cursor = database["rules"].find(query).sort([("priority", DESCENDING), ("created_at", ASCENDING)])
    rules = []
    for doc in cursor:
        try:
            rules.append(CompiledRule.of(doc))
        except InvalidPatternError:
            continue
    return rules


def first_match(rules: list[CompiledRule], doc: Document) -> CompiledRule | None:
    description = str(doc.get("description") or "")
    amount = int(doc.get("amount_minor") or 0)
    return next((rule for rule in rules if rule.matches(description, amount, doc.get("currency"))), None)


def file_by_rules(database: Database[Document], user_id: str, docs: list[Document]) -> None:
    """File new transactions (documents about to be saved) by the user's rules, in place."""
    if not docs:
        return
    rules = user_rules(database, user_id)
    for doc in docs:
        rule = first_match(rules, doc)
        if rule is not None:
            doc.update(rule.changes_for(doc))
            if rule.category is not None:  # filed by the user's rule, even to what it was: Gemini never re-files it
                doc["category_source"] = "rule"
