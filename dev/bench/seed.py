"""Seeded data: a user's completed transactions, written straight to the database."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta


def seed_transactions(user_id: str, count: int, days: float) -> None:
    """`count` completed transactions spread evenly over the last `days` days (fixed random amounts)."""
    from finsight.platform.db import get_database
    from finsight.transactions.categories import Category

    rng = random.Random(42)  # noqa: S311 - reproducible test data, not security
    now = datetime.now(UTC).replace(microsecond=0)
    categories = list(Category)
    docs = [
        {
            "user_id": user_id,
            "amount_minor": rng.randint(50, 500_000),
            "currency": "INR",
            "category": categories[n % len(categories)].value,
            "description": f"expense number {n}",
            "date": now - timedelta(seconds=int(days * 86_400 * n / count)),
            "status": "completed",
            "mode": "manual",
            "created_at": now,
            "updated_at": now,
        }
        for n in range(count)
    ]
    get_database()["transactions"].insert_many(docs)
