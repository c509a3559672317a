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


def refile(
    database: Any, user_id: str, old_names: list[str], new_name: str, *, history: bool = True, add_limits: bool = True
) -> RefiledCounts:
    """Move what is filed under `old_names` to `new_name`; without `history`, only what files new transactions
    (recurring expenses and rules: a default being hidden). A month's budget meeting one under the new name adds
    its limit to it, or with `add_limits` false (moving a sub-category into its parent, whose budget already
    counted it) gives way to it."""
    old = [name for name in dict.fromkeys(old_names) if name != new_name]
    if not old:
        return RefiledCounts(transactions=0, budgets=0, recurring=0, rules=0)
    now = datetime.now(UTC)
    moved_transactions = moved_budgets = 0
    if history:
        owners = [user_id, split_owner(user_id)]  # a split's hidden original comes back in its category when unsplit
        moved_transactions = (
            database["transactions"]
            .update_many(
                {"user_id": {"$in": owners}, "category": {"$in": old}},
                {"$set": {"category": new_name, "updated_at": now}},
            )
            .modified_count
        )
        moved_budgets = _move_budgets(database["budgets"], user_id, old, new_name, now, add_limits=add_limits)
    recurring = database["recurring"].update_many(
        {"user_id": user_id, "category": {"$in": old}}, {"$set": {"category": new_name, "updated_at": now}}
    )
    rules = database["rules"].update_many(
        {"user_id": user_id, "set.category": {"$in": old}}, {"$set": {"set.category": new_name, "updated_at": now}}
    )
    return RefiledCounts(
        transactions=moved_transactions,
        budgets=moved_budgets,
        recurring=recurring.modified_count,
        rules=rules.modified_count,
    )


def currency_clashes(database: Any, user_id: str, old_names: list[str], new_name: str) -> int:
    """How many budgets under `old_names` meet a budget of the same month under `new_name` in another currency
    (one budget cannot hold both: the move is refused before anything changes)."""
    clashes = 0
    for doc in database["budgets"].find({"user_id": user_id, "category": {"$in": old_names}}):
        month = {"user_id": user_id, "year": doc["year"], "month": doc["month"], "category": new_name}
        clashes += database["budgets"].count_documents({**month, "currency": {"$ne": doc["currency"]}}, limit=1)
    return clashes


def _move_budgets(budgets: Any, user_id: str, old: list[str], new_name: str, now: datetime, *, add_limits: bool) -> int:
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
                    "$inc": {"limit_minor": doc["limit_minor"] if add_limits else 0},
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
