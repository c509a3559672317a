"""Recurring expenses, the HTTP side: rules created, listed, changed (for the occurrences not created yet),
deleted (the occurrences already created stay), and a rule's next occurrences."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from pymongo import ASCENDING, ReturnDocument

from finsight.accounts.principal import Principal
from finsight.categories.repository import catalogue_of, file_under
from finsight.platform.db import Document, get_database
from finsight.platform.errors import ConflictError, ResourceNotFoundError
from finsight.platform.ids import required_object_id
from finsight.platform.money import from_minor_units, to_minor_units
from finsight.platform.timeutil import iso_utc
from finsight.recurring.models import (
    CreateRecurringRequest,
    RecurringRule,
    ScheduleIn,
    Upcoming,
    UpdateRecurringRequest,
)
from finsight.recurring.schedule import Schedule, upcoming

MAX_RULES_PER_USER = 100


class RecurringNotFoundError(ResourceNotFoundError):
    default_message = "Recurring expense not found."


class TooManyRulesError(ConflictError):
    default_message = f"You have {MAX_RULES_PER_USER} recurring expenses already: delete one first."


def schedule_of(stored: Document) -> Schedule:
    given = ScheduleIn.model_validate(stored)
    return Schedule(
        frequency=given.frequency,
        start_date=given.start_date,
        interval=given.interval,
        day_of_month=given.day_of_month,
        weekday=given.weekday,
        end_date=given.end_date,
        count=given.count,
    )


def to_rule(doc: Document) -> RecurringRule:
    return RecurringRule(
        id=str(doc["_id"]),
        amount=from_minor_units(doc["amount_minor"]),
        currency=doc["currency"],
        category=doc["category"],
        description=doc["description"],
        schedule=ScheduleIn.model_validate(doc["schedule"]),
        paused=bool(doc.get("paused")),
        created_through=doc.get("created_through"),
        created_at=iso_utc(doc["created_at"]),
        updated_at=iso_utc(doc["updated_at"]),
    )


def create_rule(principal: Principal, request: CreateRecurringRequest) -> RecurringRule:
    rules = get_database()["recurring"]
    if rules.count_documents({"user_id": principal.user_id}) >= MAX_RULES_PER_USER:
        raise TooManyRulesError()
    now = datetime.now(UTC)
    doc: Document = {
        "user_id": principal.user_id,
        "amount_minor": to_minor_units(request.amount),
        "currency": request.currency or principal.preferences.currency,
        "category": file_under(catalogue_of(get_database(), principal.user_id), request.category),
        "description": request.description,
        "schedule": request.schedule.model_dump(mode="json"),
        "paused": request.paused,
        "effective_from": request.schedule.start_date.isoformat(),
        "created_at": now,
        "updated_at": now,
    }
    doc["_id"] = rules.insert_one(doc).inserted_id
    # Counted again after the insert: concurrent creates near the limit cannot outrun it (at worst each of them
    # sees the others and withdraws; never more than the limit).
    if rules.count_documents({"user_id": principal.user_id}) > MAX_RULES_PER_USER:
        rules.delete_one({"_id": doc["_id"]})
        raise TooManyRulesError()
    return to_rule(doc)


def list_rules(principal: Principal) -> list[RecurringRule]:
    cursor = get_database()["recurring"].find({"user_id": principal.user_id}).sort([("created_at", ASCENDING)])
    return [to_rule(doc) for doc in cursor]


def _owned(principal: Principal, rule_id: str) -> Document:
    doc = get_database()["recurring"].find_one(
        {"_id": required_object_id(rule_id, "recurring expense"), "user_id": principal.user_id}
    )
    if doc is None:
        raise RecurringNotFoundError()
    return doc


def update_rule(principal: Principal, rule_id: str, request: UpdateRecurringRequest) -> RecurringRule:
    """Change the rule for the occurrences not created yet: those already created keep what they were."""
    current = _owned(principal, rule_id)
    changes: dict[str, Any] = {"updated_at": datetime.now(UTC)}
    if request.amount is not None:
        changes["amount_minor"] = to_minor_units(request.amount)
    if request.currency is not None:
        changes["currency"] = request.currency
    if request.category is not None:
        changes["category"] = file_under(catalogue_of(get_database(), principal.user_id), request.category)
    if request.description is not None:
        changes["description"] = request.description
    if request.paused is not None:
        changes["paused"] = request.paused
    if request.schedule is not None:
        changes["schedule"] = request.schedule.model_dump(mode="json")
        created = current.get("created_through")
        first_new = date.fromisoformat(created) + timedelta(days=1) if created else request.schedule.start_date
        changes["effective_from"] = max(first_new, request.schedule.start_date).isoformat()
    doc = get_database()["recurring"].find_one_and_update(
        {"_id": current["_id"], "user_id": principal.user_id}, {"$set": changes}, return_document=ReturnDocument.AFTER
    )
    if doc is None:
        raise RecurringNotFoundError()
    return to_rule(doc)


def delete_rule(principal: Principal, rule_id: str) -> None:
    """The rule goes; the expenses it already created stay (they keep their recurring_id)."""
    doc = _owned(principal, rule_id)
    get_database()["recurring"].delete_one({"_id": doc["_id"], "user_id": principal.user_id})


def next_occurrences(principal: Principal, rule_id: str, n: int) -> Upcoming:
    """The next `n` occurrences not created yet, from today in the user's zone."""
    doc = _owned(principal, rule_id)
    today = datetime.now(UTC).astimezone(principal.zone).date()
    created = doc.get("created_through")
    after = max(today - timedelta(days=1), date.fromisoformat(created) if created else date.min)
    after = max(after, date.fromisoformat(doc["effective_from"]) - timedelta(days=1))
    schedule = schedule_of(doc["schedule"])
    return Upcoming(dates=[d.isoformat() for d in upcoming(schedule, after=after, n=n)], frequency=schedule.frequency)
