"""Subscription suggestions for a user (GET /api/recurring/suggestions) from their history, without what is
scheduled already, and accepting one as a rule."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from pymongo import ASCENDING

from finsight.accounts.principal import Principal
from finsight.categories.repository import catalogue_of
from finsight.platform.db import get_database
from finsight.platform.errors import BadRequestError, ResourceNotFoundError
from finsight.platform.money import from_minor_units
from finsight.recurring.detect import SAME_AMOUNT, Spend, Suggestion, detect, merchant_key
from finsight.recurring.models import CreateRecurringRequest, RecurringRule, ScheduleIn, SuggestionView
from finsight.recurring.service import create_rule

HISTORY = timedelta(days=3 * 366 + 31)  # yearly subscriptions need three years to be seen three times


class SuggestionNotFoundError(ResourceNotFoundError):
    default_message = "That suggestion is not in your history any more. Ask for the suggestions again."


def _found(principal: Principal) -> list[Suggestion]:
    database = get_database()
    now = datetime.now(UTC)
    zone, currency = principal.zone, principal.preferences.currency
    cursor = (
        database["transactions"]
        .find(
            {
                "user_id": principal.user_id,
                "status": "completed",
                "currency": currency,
                "date": {"$gte": now - HISTORY},
            },
            {"date": 1, "amount_minor": 1, "description": 1, "category": 1},
        )
        .sort("date", ASCENDING)
    )
    spends = [
        Spend(
            day=doc["date"].astimezone(zone).date(),
            amount=Decimal(doc["amount_minor"]) / 100,
            description=doc.get("description") or "",
            category=doc.get("category") or "Other",
        )
        for doc in cursor
    ]
    scheduled = [
        (merchant_key(rule["description"]), Decimal(rule["amount_minor"]) / 100, rule["schedule"]["frequency"])
        for rule in database["recurring"].find({"user_id": principal.user_id})
    ]
    return [
        found
        for found in detect(spends, now.astimezone(zone).date())
        if not any(
            merchant == found.merchant
            and frequency == found.frequency
            and abs(amount - found.amount) <= Decimal(str(SAME_AMOUNT)) * found.amount
            for merchant, amount, frequency in scheduled
        )
    ]


def view(found: Suggestion) -> SuggestionView:
    return SuggestionView(
        key=found.key,
        description=found.description,
        frequency=found.frequency,
        amount=from_minor_units(int(found.typical_amount * 100)),
        category=found.category,
        occurrences=found.occurrences,
        last_date=found.last_date.isoformat(),
        next_date=found.next_date.isoformat(),
        confidence=found.confidence,
    )


def suggestions(principal: Principal) -> list[SuggestionView]:
    return [view(found) for found in _found(principal)]


def accept(principal: Principal, key: str) -> RecurringRule:
    """Schedule a suggested subscription from its next expected date."""
    if not re.fullmatch(r"[0-9a-f]{16}", key):
        raise BadRequestError("Invalid request: a suggestion's key is 16 hexadecimal digits.")
    found = next((s for s in _found(principal) if s.key == key), None)
    if found is None:
        raise SuggestionNotFoundError()
    catalogue = catalogue_of(get_database(), principal.user_id)
    request = CreateRecurringRequest(
        amount=found.typical_amount,
        category=catalogue.resolve(found.category) or catalogue.other(),
        description=found.description[:200],
        schedule=ScheduleIn(
            frequency=found.frequency,
            start_date=found.next_date,
            day_of_month=found.day_of_month,
            weekday=found.next_date.weekday() if found.frequency == "weekly" else None,
        ),
    )
    return create_rule(principal, request)
