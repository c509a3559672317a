"""The weekly digest: on Mondays from 09:00 in each user's time zone, a linked user with `/weekly on` gets
last week (Monday to Sunday, their zone) in five lines: the total, against the week before, where it went,
the biggest expense, and this month's budgets.

A scheduled function runs it every 15 minutes, so a zone's 09:00 (including half- and quarter-hour offsets)
is met within 15 minutes, and a run missed during an outage is made up later that Monday. Each digest (a
link and a week) is recorded before it goes out (a unique `_id`): concurrent or repeated runs send it once;
one the provider does not take is unrecorded again, so the next run sends it.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from functools import partial
from zoneinfo import ZoneInfo

from pymongo.database import Database

from finsight.accounts.users import UserRecord
from finsight.budgets.service import budgets_of_month
from finsight.chat.replies import money
from finsight.chat.repository import ChatLinkRepository, linked_users
from finsight.chat.senders import ChatSender, send_claimed
from finsight.platform.db import Document, get_database, insert_once
from finsight.platform.money import from_minor_units
from finsight.transactions.repository import TransactionRepository

DIGEST_WEEKDAY = 0  # Monday
DIGEST_HOUR = 9
KEEP_RECORDS = timedelta(days=35)
TOP_CATEGORIES = 3


class DigestRepository:
    """`weekly_digests`: the digests already sent, one document per link and week."""

    def __init__(self, database: Database[Document]) -> None:
        self._digests = database["weekly_digests"]

    def record(self, key: str) -> bool:
        """True the first time this digest is claimed."""
        now = datetime.now(UTC)
        return insert_once(self._digests, {"_id": key, "at": now, "expires_at": now + KEEP_RECORDS})

    def unrecord(self, key: str) -> None:
        self._digests.delete_one({"_id": key})


def week_due(now: datetime, zone: ZoneInfo) -> tuple[datetime, datetime] | None:
    """The week (its start and end, local midnights) whose digest is due at `now` in `zone`, or None."""
    local = now.astimezone(zone)
    if local.weekday() != DIGEST_WEEKDAY or local.hour < DIGEST_HOUR:
        return None
    end = local.replace(hour=0, minute=0, second=0, microsecond=0)  # this Monday, 00:00 local
    return end - timedelta(days=7), end


def _day(moment: datetime) -> str:
    return f"{moment.day} {moment:%b}"


def _change(now_minor: int, before_minor: int, before: str) -> str:
    if not before_minor:
        return "Nothing was recorded the week before."
    change = round((now_minor - before_minor) * 100 / before_minor)
    if change == 0:
        return f"About the same as the week before ({before})."
    return f"That's {abs(change)}% {'more' if change > 0 else 'less'} than the week before ({before})."


def _budgets_line(user: UserRecord, zone: ZoneInfo, now: datetime) -> str:
    local = now.astimezone(zone)
    budgets = budgets_of_month(user.id, zone, local.year, local.month, now=now)
    if not budgets:
        return f"No budgets for {local:%B} yet: set some in FinSight to see your pace."
    over = [b.category for b in budgets if b.percent_used >= 100]
    on_track = sum(1 for b in budgets if b.percent_used < 100 and not b.pace.projected_to_exceed)
    line = f"Budgets for {local:%B}: {on_track} of {len(budgets)} on track"
    return line + (f"; over: {', '.join(over)}." if over else ".")


def digest_text(user: UserRecord, start: datetime, end: datetime, now: datetime) -> str:
    """Last week in five lines (two when nothing was spent), in the user's currency and zone."""
    zone, currency = ZoneInfo(user.timezone), user.currency
    transactions = TransactionRepository(get_database())
    spent = [
        doc
        for doc in transactions.completed_between(user.id, start.astimezone(UTC), end.astimezone(UTC))
        if doc["currency"] == currency
    ]
    label = f"{_day(start)} to {_day(end - timedelta(days=1))}"
    if not spent:
        return f"Your week, {label}: nothing recorded.\n{_budgets_line(user, zone, now)}"
    total = sum(doc["amount_minor"] for doc in spent)
    earlier = transactions.spend_by_category(
        user.id, (start - timedelta(days=7)).astimezone(UTC), start.astimezone(UTC)
    )
    before = sum(t.amount_minor for (_, code), t in earlier.items() if code == currency)
    by_category: dict[str, int] = {}
    for doc in spent:
        by_category[doc["category"]] = by_category.get(doc["category"], 0) + doc["amount_minor"]
    top = sorted(by_category.items(), key=lambda item: (-item[1], item[0]))[:TOP_CATEGORIES]
    biggest = max(spent, key=lambda doc: (doc["amount_minor"], doc["date"]))
    biggest_day = biggest["date"].replace(tzinfo=biggest["date"].tzinfo or UTC).astimezone(zone)

    def show(minor: int) -> str:
        return money(from_minor_units(minor), currency)

    count = len(spent)
    return "\n".join(
        [
            f"Your week, {label}: {show(total)} in {count} {'expense' if count == 1 else 'expenses'}.",
            _change(total, before, show(before)),
            "Most went to " + ", ".join(f"{category} {show(minor)}" for category, minor in top) + ".",
            f"Biggest: {show(biggest['amount_minor'])} · {biggest['category']} · {biggest['description']} "
            f"({biggest_day:%a} {_day(biggest_day)}).",
            _budgets_line(user, zone, now),
        ]
    )


def send_weekly_digests(sender: ChatSender, *, now: datetime | None = None) -> int:
    """Send every digest due on the sender's channel; how many went out."""
    moment = now or datetime.now(UTC)
    database = get_database()
    digests = DigestRepository(database)
    sent = 0
    for link_id, address, user in linked_users(database, ChatLinkRepository(database).with_weekly(sender.channel)):
        week = week_due(moment, ZoneInfo(user.timezone))
        if week is None:
            continue
        key = f"{link_id}:{week[0].date().isoformat()}"
        if digests.record(key) and send_claimed(
            sender, address, partial(digest_text, user, *week, moment), partial(digests.unrecord, key)
        ):
            sent += 1
    return sent
