"""`make migrate` turns categories learned before rules existed into learned rules, once however often it runs."""

from __future__ import annotations

from typing import Any

from finsight.rules.service import migrate_learned_categories


def test_learned_categories_become_rules_idempotently(database: Any) -> None:
    database["category_memory"].insert_many(
        [
            {"_id": "u1:starbucks", "user_id": "u1", "term": "starbucks", "category": "Food & Dining"},
            {"_id": "u2:uber", "user_id": "u2", "term": "uber", "category": "Transportation"},
        ]
    )
    assert migrate_learned_categories(database) == 2
    assert migrate_learned_categories(database) == 2  # again: nothing new
    rules = sorted(database["rules"].find(), key=lambda r: r["user_id"])
    assert [(r["user_id"], r["origin"], r["match"], r["set"], r["priority"]) for r in rules] == [
        ("u1", "learned", {"merchant": "starbucks"}, {"category": "Food & Dining"}, 50),
        ("u2", "learned", {"merchant": "uber"}, {"category": "Transportation"}, 50),
    ]


def test_migrating_again_never_brings_back_a_deleted_or_edited_rule(database: Any) -> None:
    database["category_memory"].insert_one({"_id": "u1:uber", "user_id": "u1", "term": "uber", "category": "Travel"})
    migrate_learned_categories(database)
    database["rules"].update_one({"user_id": "u1"}, {"$set": {"set": {"category": "Other"}, "origin": "user"}})
    migrate_learned_categories(database)
    assert [r["set"] for r in database["rules"].find({"user_id": "u1"})] == [{"category": "Other"}]
    database["rules"].delete_many({"user_id": "u1"})
    migrate_learned_categories(database)
    assert database["rules"].count_documents({"user_id": "u1"}) == 1  # the old memory is still there: re-created
