"""The fixed list of expense categories (exact spelling is part of the HTTP contract)."""

from __future__ import annotations

from enum import StrEnum


class Category(StrEnum):
    FOOD_AND_DINING = "Food & Dining"
    TRANSPORTATION = "Transportation"
    UTILITIES = "Utilities"
    HOUSING = "Housing"
    SHOPPING = "Shopping"
    ENTERTAINMENT = "Entertainment"
    HEALTH_AND_WELLNESS = "Health & Wellness"
    GROCERIES = "Groceries"
    BILLS_AND_FEES = "Bills & Fees"
    TRAVEL = "Travel"
    EDUCATION = "Education"
    OTHER = "Other"


def list_categories() -> list[Category]:
    """Every category, in the contract's order."""
    return list(Category)
