"""The scheduled side of recurring expenses (hourly): every occurrence that has come due in its user's zone
becomes a transaction, exactly once — its id is derived from the rule and the day, so repeated, concurrent or
catch-up runs (after a day of outage, missed occurrences are created with their own dates) never double it.
`created_through` remembers the last day done, so a run reads only the days since."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from bson import ObjectId

from finsight.accounts.users import UserRepository
from finsight.events.models import DomainEvent, EventType, new_event
from finsight.events.outbox import Outbox
from finsight.platform.db import Document, get_database
from finsight.platform.ids import derived_object_id
from finsight.recurring.schedule import occurrences
from finsight.recurring.service import schedule_of
from finsight.rules.engine import file_by_rules
from finsight.transactions.events import created_event, transaction_data
from finsight.transactions.repository import TransactionRepository


def occurrence_id(rule_id: str, day: date) -> ObjectId:
    return derived_object_id(f"recurring:{rule_id}:{day.isoformat()}")


def occurred_event(rule: Document, day: date, doc: Document) -> DomainEvent:
    data = {"recurring_id": str(rule["_id"]), "date": day.isoformat(), "transaction": transaction_data(doc)}
    return new_event(EventType.RECURRING_OCCURRED, rule["user_id"], data, once_key=str(doc["_id"]))


def _create_due(rule: Document, zone: ZoneInfo, now: datetime) -> int:
    today = now.astimezone(zone).date()
    done = date.fromisoformat(rule["created_through"]) if rule.get("created_through") else None
    first = date.fromisoformat(rule["effective_from"])
    transactions, outbox = TransactionRepository(get_database()), Outbox(get_database())
    created = 0
    due = [] if rule.get("paused") else occurrences(schedule_of(rule["schedule"]), through=today)
    for day in due:  # a paused rule's days pass without expenses: resuming does not make them up
        if day < first or (done is not None and day <= done):
            continue
        moment = datetime.combine(day, time(12), zone).astimezone(UTC)
        doc = {
            "_id": occurrence_id(str(rule["_id"]), day),
            "user_id": rule["user_id"],
            "amount_minor": rule["amount_minor"],
            "currency": rule["currency"],
            "category": rule["category"],
            "description": rule["description"],
            "date": moment,
            "status": "completed",
            "mode": "manual",
            "source": "recurring",
            "recurring_id": str(rule["_id"]),
            "created_at": now,
            "updated_at": now,
        }
        file_by_rules(get_database(), rule["user_id"], [doc])
        created += transactions.insert_unless_exists(doc)
        # Announced whether new or made by a run that stopped before announcing it (the ids are derived: once);
        # an outbox that refuses fails the run before `created_through` moves, so the next run announces it.
        stored = transactions.get(rule["user_id"], doc["_id"])
        if stored is not None:
            outbox.add([created_event(stored), occurred_event(rule, day, stored)])
    if done is None or today > done:  # only forward: a slower concurrent run cannot move it back
        get_database()["recurring"].update_one(
            {"_id": rule["_id"], "$or": [{"created_through": None}, {"created_through": {"$lt": today.isoformat()}}]},
            {"$set": {"created_through": today.isoformat()}},
        )
    return created


def create_due_occurrences(*, now: datetime | None = None) -> int:
    """Create every occurrence due by now; how many were new."""
    moment = now or datetime.now(UTC)
    database = get_database()
    users = UserRepository(database)
    zones: dict[str, ZoneInfo | None] = {}
    created = 0
    for rule in database["recurring"].find():
        user_id = rule["user_id"]
        if user_id not in zones:
            user = users.get(user_id)
            zones[user_id] = ZoneInfo(user.timezone) if user else None
        zone = zones[user_id]
        if zone is not None:
            created += _create_due(rule, zone, moment)
    return created
