"""Reading many of the caller's transactions: the searched, filtered, sorted list (pages or a keyset cursor), the
monthly summary, the daily history and the tags, with the models each answers."""

from __future__ import annotations

import base64
import binascii
import json
import math
from collections import defaultdict
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any, NamedTuple, overload
from zoneinfo import ZoneInfo

from bson import ObjectId
from pydantic import Field

from finsight.accounts.principal import Principal
from finsight.categories.repository import UnknownCategoryError, catalogue_of
from finsight.platform.db import Document, get_database
from finsight.platform.errors import BadRequestError
from finsight.platform.ids import ApiModel, IdentifiedModel
from finsight.platform.money import MoneyAmount, from_minor_units, to_minor_units
from finsight.platform.timeutil import (
    BSON_RESOLUTION,
    end_bound,
    iso_utc,
    local_day,
    month_bounds,
    parse_date_or_datetime,
    start_bound,
)
from finsight.transactions.documents import to_transaction
from finsight.transactions.models import MAX_AMOUNT, Transaction, normalise_tags
from finsight.transactions.repository import SORT_FIELDS, TransactionQuery, TransactionRepository


class Pagination(ApiModel):
    page: int
    limit: int
    total: int
    pages: int


class TransactionPage(ApiModel):
    transactions: list[Transaction]
    pagination: Pagination
    next_cursor: str | None = Field(
        default=None, description="Pass as `cursor` for the next page (keyset pagination); null on the last page"
    )


class CategorySpend(ApiModel):
    category: str
    parent: str | None = Field(default=None, description="The category it is a sub-category of (yours)")
    amount: MoneyAmount
    transaction_count: int


class MonthSummary(ApiModel):
    current_month_spend: MoneyAmount
    currency: str
    transaction_count: int
    month: str = Field(description="The user's current month, YYYY-MM in their time zone")
    timezone: str
    by_category: list[CategorySpend]
    other_currencies: dict[str, MoneyAmount] = Field(
        default_factory=dict, description="Spend this month in currencies other than `currency`"
    )


class HistoryItem(IdentifiedModel):
    amount: MoneyAmount
    currency: str
    category: str
    description: str
    date: str


class HistoryDay(ApiModel):
    date: str = Field(description="YYYY-MM-DD in the user's time zone")
    total_spend: MoneyAmount = Field(description="Sum of the day's transactions in the user's currency")
    transaction_count: int
    transactions: list[HistoryItem]


class TagCount(ApiModel):
    tag: str
    count: int = Field(description="How many of your transactions carry it")


MAX_AMOUNT_MINOR = to_minor_units(MAX_AMOUNT)
DEFAULT_HISTORY_DAYS = 30
MAX_HISTORY_DAYS = 366


class InvalidQueryError(BadRequestError):
    default_message = "Invalid query."


# ----- listing -----
class ListParameters(NamedTuple):
    search: str | None = None
    category: str | None = None
    tags: tuple[str, ...] = ()
    min_amount: Decimal | None = None
    max_amount: Decimal | None = None
    start_date: str | None = None
    end_date: str | None = None
    sort_by: str = "date"
    sort_order: str = "desc"
    page: int = 1
    limit: int = 50
    cursor: str | None = None


def _encode_cursor(query: TransactionQuery, last: Document) -> str:
    field = SORT_FIELDS[query.sort_by]
    value = last[field]
    payload = {
        "s": query.sort_by,
        "d": query.descending,
        "v": iso_utc(value) if isinstance(value, datetime) else value,
        "i": str(last["_id"]),
    }
    return base64.urlsafe_b64encode(json.dumps(payload, separators=(",", ":")).encode()).decode().rstrip("=")


def _decode_cursor(cursor: str, query: TransactionQuery) -> tuple[Any, ObjectId]:
    invalid = InvalidQueryError("Invalid request: cursor: not a cursor this list returned with this sort order.")
    try:
        payload = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        if payload["s"] != query.sort_by or payload["d"] != query.descending:
            raise invalid
        last_id = ObjectId(payload["i"])
        value: Any = payload["v"]
        if query.sort_by == "date":
            value = parse_date_or_datetime(value)  # a stored instant: with an offset, in the years the API takes
            if not isinstance(value, datetime):
                raise invalid
        # An amount this list could have returned (a number BSON cannot hold would reach the server).
        elif isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_AMOUNT_MINOR:
            raise invalid
    except (ValueError, KeyError, TypeError, AttributeError, binascii.Error) as exc:
        raise invalid from exc
    return value, last_id


@overload
def _date_range(
    start_date: str, end_date: str | None, zone: ZoneInfo, *, open_end: datetime
) -> tuple[datetime, datetime]: ...


@overload
def _date_range(
    start_date: str | None, end_date: str | None, zone: ZoneInfo, *, open_end: None = None
) -> tuple[datetime | None, datetime | None]: ...


def _date_range(
    start_date: str | None, end_date: str | None, zone: ZoneInfo, *, open_end: datetime | None = None
) -> tuple[datetime | None, datetime | None]:
    """[start, end) in UTC from query bounds (a date is that whole local day; an end date is inclusive).

    A missing end is `open_end`; a bound that does not parse, or a start not before the end, is a 400.
    """
    start = _bound("start_date", start_date, start_bound, zone) if start_date else None
    end = _bound("end_date", end_date, end_bound, zone) if end_date else open_end
    if start and end and start >= end:
        raise InvalidQueryError("Invalid request: start_date must be before end_date.")
    return start, end


def _bound(name: str, value: str, to_bound: Callable[[str, ZoneInfo], datetime], zone: ZoneInfo) -> datetime:
    try:
        return to_bound(value, zone)
    except ValueError as exc:
        raise InvalidQueryError(f"Invalid request: {name}: {exc}.") from exc


def list_transactions(principal: Principal, params: ListParameters) -> TransactionPage:
    """A page of the caller's transactions, filtered and sorted, with `_id` breaking ties."""
    start, end = _date_range(params.start_date, params.end_date, principal.zone)
    try:
        tags = tuple(normalise_tags(list(params.tags)))
    except ValueError as exc:
        raise InvalidQueryError(f"Invalid request: tag: {exc}.") from exc
    if params.min_amount is not None and params.max_amount is not None and params.min_amount > params.max_amount:
        raise InvalidQueryError("Invalid request: min_amount cannot be greater than max_amount.")
    category = None
    if params.category:  # any of theirs, a hidden default too (its history is still theirs)
        found = catalogue_of(get_database(), principal.user_id).named(params.category, include_hidden=True)
        if found is None:
            raise UnknownCategoryError(params.category)
        category = found.name
    query = TransactionQuery(
        user_id=principal.user_id,
        search=params.search,
        category=category,
        tags=tags,
        min_minor=None if params.min_amount is None else to_minor_units(params.min_amount),
        max_minor=None if params.max_amount is None else to_minor_units(params.max_amount),
        start=start,
        end=end,
        sort_by=params.sort_by,
        descending=params.sort_order == "desc",
    )
    repository = TransactionRepository(get_database())
    total = repository.count(query)
    if params.cursor:
        rows = repository.page(query, limit=params.limit, after=_decode_cursor(params.cursor, query))
    else:
        rows = repository.page(query, limit=params.limit, skip=(params.page - 1) * params.limit)
    next_cursor = _encode_cursor(query, rows[-1]) if len(rows) == params.limit else None
    return TransactionPage(
        transactions=[to_transaction(doc) for doc in rows],
        pagination=Pagination(
            page=params.page, limit=params.limit, total=total, pages=math.ceil(total / params.limit) if total else 0
        ),
        next_cursor=next_cursor,
    )


# ----- month summary and daily history -----
def month_summary(principal: Principal, *, now: datetime | None = None) -> MonthSummary:
    """Completed spend of the user's current calendar month, in their time zone and currency."""
    zone, currency = principal.zone, principal.preferences.currency
    moment = now or datetime.now(UTC)
    start, end = month_bounds(moment, zone)
    database = get_database()
    totals = TransactionRepository(database).spend_by_category(principal.user_id, start, end)
    catalogue = catalogue_of(database, principal.user_id) if totals else None
    by_category = {category: total for (category, code), total in totals.items() if code == currency}
    others: dict[str, int] = defaultdict(int)
    for (_, code), total in totals.items():
        if code != currency:
            others[code] += total.amount_minor
    categories = sorted(by_category.items(), key=lambda item: (-item[1].amount_minor, item[0]))
    return MonthSummary(
        current_month_spend=from_minor_units(sum(total.amount_minor for total in by_category.values())),
        currency=currency,
        transaction_count=sum(total.count for total in by_category.values()),
        month=moment.astimezone(zone).strftime("%Y-%m"),
        timezone=principal.preferences.timezone,
        by_category=[
            CategorySpend(
                category=category,
                parent=catalogue.parent_of(category) if catalogue else None,
                amount=from_minor_units(total.amount_minor),
                transaction_count=total.count,
            )
            for category, total in categories
        ],
        other_currencies={code: from_minor_units(total) for code, total in sorted(others.items())},
    )


def history(principal: Principal, start_date: str | None, end_date: str | None) -> list[HistoryDay]:
    """Completed transactions grouped by the user's local day, newest day first.

    A date bound means that whole local day (an end date is inclusive); the default is the last 30 days.
    """
    zone = principal.zone
    now = datetime.now(UTC)
    today = now.astimezone(zone).date()
    start, end = _date_range(
        start_date or (today - timedelta(days=DEFAULT_HISTORY_DAYS - 1)).isoformat(),
        end_date,
        zone,
        open_end=now + BSON_RESOLUTION,
    )
    if end - start > timedelta(days=MAX_HISTORY_DAYS + 1):
        raise InvalidQueryError(f"Invalid request: the range can span at most {MAX_HISTORY_DAYS} days.")
    days: dict[str, list[Document]] = defaultdict(list)
    for doc in TransactionRepository(get_database()).completed_between(principal.user_id, start, end):
        days[local_day(doc["date"], zone)].append(doc)
    currency = principal.preferences.currency
    return [
        HistoryDay(
            date=day,
            total_spend=from_minor_units(sum(d["amount_minor"] for d in docs if d["currency"] == currency)),
            transaction_count=len(docs),
            transactions=[
                HistoryItem(
                    id=str(d["_id"]),
                    amount=from_minor_units(d["amount_minor"]),
                    currency=d["currency"],
                    category=d["category"],
                    description=d["description"],
                    date=iso_utc(d["date"]),
                )
                for d in docs
            ],
        )
        for day, docs in sorted(days.items(), key=lambda item: date.fromisoformat(item[0]), reverse=True)
    ]


def list_tags(principal: Principal) -> list[TagCount]:
    """The user's tags, the most used first (one grouped query)."""
    counts = TransactionRepository(get_database()).tag_counts(principal.user_id)
    return [TagCount(tag=tag, count=count) for tag, count in counts]
