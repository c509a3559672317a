"""Moving everything filed under some names to another: what a rename or a delete of a category does.

Each collection is one update (`update_many`), scoped to the user; budgets are moved one by one, because a
month may already have a budget under the new name: then the two limits are added into that one. Safe to run
again: what is already moved matches nothing. The sweeper runs it again for an hour after a change, for what a
request that read the old list wrote meanwhile (`refile_recent`).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from pymongo.errors import DuplicateKeyError

from finsight.categories.models import RefiledCounts
from finsight.platform.db import Document
from finsight.transactions.repository import split_owner

SWEEP_FOR = timedelta(hours=1)


def refile(database: Any, user_id: str, old_names: list[str], new_name: str) -> RefiledCounts:
    old = [name for name in dict.fromkeys(old_names) if name != new_name]
    if not old:
        return RefiledCounts(transactions=0, budgets=0, recurring=0, rules=0)
    now = datetime.now(UTC)
    owners = [user_id, split_owner(user_id)]  # a split's hidden original comes back in its category when unsplit
    transactions = database["transactions"].update_many(
        {"user_id": {"$in": owners}, "category": {"$in": old}}, {"$set": {"category": new_name, "updated_at": now}}
    )
    recurring = database["recurring"].update_many(
        {"user_id": user_id, "category": {"$in": old}}, {"$set": {"category": new_name, "updated_at": now}}
    )
    rules = database["rules"].update_many(
        {"user_id": user_id, "set.category": {"$in": old}}, {"$set": {"set.category": new_name, "updated_at": now}}
    )
    return RefiledCounts(
        transactions=transactions.modified_count,
        budgets=_move_budgets(database["budgets"], user_id, old, new_name, now),
        recurring=recurring.modified_count,
        rules=rules.modified_count,
    )


def _move_budgets(budgets: Any, user_id: str, old: list[str], new_name: str, now: datetime) -> int:
    moved = 0
    for doc in budgets.find({"user_id": user_id, "category": {"$in": old}}):
        try:
            done = budgets.update_one(
                {"_id": doc["_id"], "category": doc["category"]}, {"$set": {"category": new_name, "updated_at": now}}
            )
        except DuplicateKeyError:  # that month has a budget under the new name already: one budget of both limits
            month: Document = {"user_id": user_id, "year": doc["year"], "month": doc["month"], "category": new_name}
            merged = budgets.update_one(  # once: a run cut short between the two writes is finished by the next
                {**month, "currency": doc["currency"], "merged_from": {"$ne": doc["_id"]}},
                {
                    "$inc": {"limit_minor": doc["limit_minor"]},
                    "$push": {"merged_from": doc["_id"]},
                    "$set": {"updated_at": now},
                },
            )
            # (a budget in another currency cannot take it: it stays where it is)
            if merged.matched_count or budgets.count_documents({**month, "merged_from": doc["_id"]}, limit=1):
                moved += budgets.delete_one({"_id": doc["_id"], "category": doc["category"]}).deleted_count
            continue
        moved += done.modified_count
    return moved


def refile_recent(database: Any, *, now: datetime | None = None) -> int:
    """Re-file what was written under a category's former names since it changed (the sweeper, for an hour)."""
    moment = now or datetime.now(UTC)
    changed = database["categories"].find({"refile_until": {"$gt": moment}, "aliases.0": {"$exists": True}})
    total = 0
    for doc in changed:
        if doc.get("hidden"):
            continue
        counts = refile(database, doc["user_id"], list(doc["aliases"]), doc.get("name") or doc.get("default"))
        total += counts.transactions + counts.budgets + counts.recurring + counts.rules
    return total
