"""Learning from corrections: the category a user chose for a merchant or keyword, remembered as a learned rule
when they re-file a transaction and applied to what the AI entry reads next (and, as a rule, on every path)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from pymongo.database import Database

from finsight.ai_entry.parsing import ParsedExpense
from finsight.ai_entry.parsing.offline import merchant_terms
from finsight.platform.db import Document


class CategoryMemoryRepository:
    """What the user taught by re-filing: learned rules (`rules`, origin learned, one per merchant term), which
    the user sees, edits and deletes at /api/rules."""

    def __init__(self, database: Database[Document]) -> None:
        self._database = database

    def remember(self, user_id: str, term: str, category: str) -> None:
        from finsight.rules.service import remember_as_rule  # noqa: PLC0415 - the rules domain owns the document

        remember_as_rule(self._database, user_id, term, category)

    def recall(self, user_id: str, terms: list[str]) -> dict[str, str]:
        """The learned category of each of `terms` (one round trip); a learned rule the user edited into
        something else is read as it is now."""
        if not terms:
            return {}
        docs = self._database["rules"].find(
            {
                "user_id": user_id,
                "origin": "learned",
                "match.merchant": {"$in": terms},
                "set.category": {"$exists": True},
            }
        )
        return {doc["match"]["merchant"]: str(doc["set"]["category"]) for doc in docs}


def learn_correction(database: Any, user_id: str, description: str, category: str) -> None:
    """A user who re-files "Starbucks latte" under another category wants Starbucks there next time: the AI
    entry remembers it, and it is a learned rule (/api/rules) every entry path applies and the user can edit."""
    terms = merchant_terms(description)
    if terms:
        CategoryMemoryRepository(database).remember(user_id, terms[0], category)


def with_learned_categories(
    database: Any, user_id: str, raw_text: str, expenses: list[ParsedExpense]
) -> list[ParsedExpense]:
    """Categories the user taught by editing win over any parser's guess (one lookup for the message)."""
    terms_of = [merchant_terms(expense.description) for expense in expenses]
    if len(expenses) == 1:
        terms_of[0] = terms_of[0] + merchant_terms(raw_text)
    remembered = learned_categories(database, user_id, terms_of)
    return [
        replace(expense, category=category) if category else expense
        for expense, category in zip(expenses, remembered, strict=True)
    ]


def learned_categories(database: Any, user_id: str, terms_of: list[list[str]]) -> list[str | None]:
    """For each item's merchant terms (strongest first), the category the user taught for the first term they
    taught one for, else None: one lookup for all the items (a message's expenses, a statement's rows)."""
    learned = CategoryMemoryRepository(database).recall(user_id, sorted({t for terms in terms_of for t in terms}))
    return [next((learned[term] for term in terms if term in learned), None) for terms in terms_of]
