"""Use cases of rules: list (the user's own and the learned ones), create, change, delete, and apply a rule to
the transactions already there (a dry run counts first)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from pymongo import ASCENDING, DESCENDING, ReturnDocument
from pymongo.errors import DuplicateKeyError

from finsight.accounts.principal import Principal
from finsight.categories.repository import catalogue_of, file_under
from finsight.platform.db import Document, get_database, insert_once
from finsight.platform.errors import BadRequestError, ConflictError, ResourceNotFoundError
from finsight.platform.ids import derived_object_id, required_object_id
from finsight.platform.money import from_minor_units, to_minor_units
from finsight.platform.timeutil import iso_utc
from finsight.rules.engine import LEARNED_PRIORITY, CompiledRule, InvalidPatternError, compile_pattern
from finsight.rules.models import ApplyResult, CreateRuleRequest, Rule, RuleMatch, RuleSet, UpdateRuleRequest
from finsight.transactions.events import announce_updated

MAX_RULES_PER_USER = 200


class RuleNotFoundError(ResourceNotFoundError):
    default_message = "Rule not found."


class TooManyRulesError(ConflictError):
    default_message = f"You can have at most {MAX_RULES_PER_USER} rules: delete one first."


def _stored_match(match: RuleMatch, currency: str) -> Document:
    if match.regex is not None:
        try:
            compile_pattern(match.regex)
        except InvalidPatternError as exc:
            raise BadRequestError(f"Invalid request: match.regex: {exc}.") from None
    stored: Document = match.model_dump(exclude_none=True, exclude={"amount_between"})
    if match.amount_between is not None:
        stored["amount_between"] = [to_minor_units(value) for value in match.amount_between]
        stored["currency"] = currency  # the amounts are in the user's currency: others never match
    return stored


def _stored_set(changes: RuleSet, user_id: str) -> Document:
    stored: Document = changes.model_dump(mode="json", exclude_none=True)
    if changes.category is not None:
        stored["category"] = file_under(catalogue_of(get_database(), user_id), changes.category, "set.category")
    return stored


def to_rule(doc: Document) -> Rule:
    match = {key: value for key, value in doc["match"].items() if key != "currency"}
    if "amount_between" in match:
        match["amount_between"] = [from_minor_units(value) for value in match["amount_between"]]
    return Rule(
        id=str(doc["_id"]),
        match=RuleMatch.model_validate(match),
        set=RuleSet.model_validate(doc["set"]),
        priority=doc["priority"],
        origin=doc.get("origin", "user"),
        created_at=iso_utc(doc["created_at"]),
    )


def learned_rule_id(user_id: str, term: str) -> Any:
    return derived_object_id(f"learned-rule:{user_id}:{term}")


def remember_as_rule(database: Any, user_id: str, term: str, category: str, *, overwrite: bool = True) -> None:
    """A category the user chose for a merchant when editing a transaction: a learned rule (one per term). One
    the user edited since (it is theirs now) is left as they made it; `overwrite=False` never changes one."""
    now = datetime.now(UTC)
    rule_id = learned_rule_id(user_id, term)
    learned: Document = {"match": {"merchant": term}, "set": {"category": category}, "updated_at": now}
    first = {"user_id": user_id, "origin": "learned", "priority": LEARNED_PRIORITY, "created_at": now}
    if not overwrite:
        insert_once(database["rules"], {"_id": rule_id, **first, **learned})
        return
    try:  # one round trip: a learned rule is updated or made; one the user made theirs is a duplicate key, left
        database["rules"].update_one(
            {"_id": rule_id, "origin": "learned"}, {"$set": learned, "$setOnInsert": first}, upsert=True
        )
    except DuplicateKeyError:
        return


def list_rules(principal: Principal) -> list[Rule]:
    cursor = get_database()["rules"].find({"user_id": principal.user_id})
    return [to_rule(doc) for doc in cursor.sort([("priority", DESCENDING), ("created_at", ASCENDING)])]


def create_rule(principal: Principal, request: CreateRuleRequest) -> Rule:
    rules = get_database()["rules"]
    own = {"user_id": principal.user_id, "origin": "user"}  # learned rules do not count against the limit
    if rules.count_documents(own) >= MAX_RULES_PER_USER:
        raise TooManyRulesError()
    now = datetime.now(UTC)
    doc: Document = {
        "user_id": principal.user_id,
        "match": _stored_match(request.match, principal.preferences.currency),
        "set": _stored_set(request.set, principal.user_id),
        "priority": request.priority,
        "origin": "user",
        "created_at": now,
        "updated_at": now,
    }
    doc["_id"] = rules.insert_one(doc).inserted_id
    if rules.count_documents(own) > MAX_RULES_PER_USER:  # concurrent creates
        rules.delete_one({"_id": doc["_id"]})
        raise TooManyRulesError()
    return to_rule(doc)


def _owned(principal: Principal, rule_id: str) -> Document:
    doc = get_database()["rules"].find_one({"_id": required_object_id(rule_id, "rule"), "user_id": principal.user_id})
    if doc is None:
        raise RuleNotFoundError()
    return doc


def update_rule(principal: Principal, rule_id: str, request: UpdateRuleRequest) -> Rule:
    current = _owned(principal, rule_id)
    changes: Document = {"updated_at": datetime.now(UTC)}
    if request.match is not None:
        changes["match"] = _stored_match(request.match, principal.preferences.currency)
    if request.set is not None:
        changes["set"] = _stored_set(request.set, principal.user_id)
    if request.priority is not None:
        changes["priority"] = request.priority
    changes["origin"] = "user"  # a learned rule the user edits is theirs: applied everywhere, never re-learned over
    doc = get_database()["rules"].find_one_and_update(
        {"_id": current["_id"], "user_id": principal.user_id},
        {"$set": changes},
        return_document=ReturnDocument.AFTER,
    )
    if doc is None:
        raise RuleNotFoundError()
    return to_rule(doc)


def delete_rule(principal: Principal, rule_id: str) -> None:
    """The rule goes; what it filed stays filed. A learned rule is forgotten (the AI entry reads the same rules)."""
    doc = _owned(principal, rule_id)
    get_database()["rules"].delete_one({"_id": doc["_id"], "user_id": principal.user_id})


def apply_rule(principal: Principal, rule_id: str, *, dry_run: bool) -> ApplyResult:
    """Re-file the user's completed transactions the rule matches (or, dry, count them). Each change is made only
    if the transaction is still as it was read (an edit meanwhile wins), and announced."""
    rule = CompiledRule.of(_owned(principal, rule_id))
    transactions = get_database()["transactions"]
    fields = {"description": 1, "amount_minor": 1, "currency": 1, "category": 1, "tags": 1}
    cursor = transactions.find({"user_id": principal.user_id, "status": "completed"}, fields)
    matched = changed = 0
    ids: list[Any] = []
    for doc in cursor:
        if not rule.matches(str(doc.get("description") or ""), int(doc.get("amount_minor") or 0), doc.get("currency")):
            continue
        matched += 1
        changes = rule.changes_for(doc)
        if not changes:
            continue
        changed += 1
        if not dry_run:
            unchanged = {field: doc.get(field) for field in ("category", "description", "tags")}
            update = {**changes, "updated_at": datetime.now(UTC)}
            if "category" in changes:
                update["category_source"] = "rule"
            done = transactions.update_one(
                {"_id": doc["_id"], "user_id": principal.user_id, **unchanged}, {"$set": update}
            )
            if done.modified_count:  # (an edit meanwhile: left as the user made it)
                ids.append(doc["_id"])
    if ids:
        announce_updated(list(transactions.find({"_id": {"$in": ids}, "user_id": principal.user_id})))
    return ApplyResult(dry_run=dry_run, matched=matched, changed=changed)


def migrate_learned_categories(database: Any) -> int:
    """`make migrate`: every category learned before rules existed (the old `category_memory` collection) becomes
    a learned rule (idempotent; the collection is left as it was)."""
    count = 0
    for doc in database["category_memory"].find({}, {"user_id": 1, "term": 1, "category": 1}).sort("_id", 1):
        remember_as_rule(database, doc["user_id"], doc["term"], doc["category"], overwrite=False)
        count += 1
    return count
