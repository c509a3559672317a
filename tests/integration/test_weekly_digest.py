"""The weekly digest: Mondays from 09:00 in each user's zone, last week in five lines, once per link and week."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from finsight.chat.channels import Channel
from finsight.chat.digest import send_weekly_digests, week_due
from finsight.chat.senders import ChatSendError, telegram_sender
from finsight.platform import db
from tests.conftest import load_event
from tests.helpers import User
from tests.http_client import ApiClient
from tests.integration.test_telegram import Chat, replies_to

pytestmark = [pytest.mark.integration, pytest.mark.usefixtures("no_rate_history")]

MONDAY = datetime(2026, 11, 30, tzinfo=UTC)  # a Monday; the digest covers 23 to 29 November


def at(hour: int, minute: int = 0, day: int = 30) -> datetime:
    return MONDAY.replace(day=day, hour=hour, minute=minute)


@pytest.mark.parametrize(
    ("zone", "first_due_utc"),
    [
        ("Asia/Kolkata", at(3, 30)),  # +05:30
        ("Asia/Kathmandu", at(3, 15)),  # +05:45
        ("Europe/London", at(9)),  # +00:00 in winter
        ("America/New_York", at(14)),  # -05:00
        ("Pacific/Auckland", at(20, day=29)),  # +13:00 in summer: Sunday evening in UTC
    ],
)
def test_a_digest_is_due_from_monday_0900_local_to_the_end_of_that_monday(zone: str, first_due_utc: datetime) -> None:
    tz = ZoneInfo(zone)
    minute = first_due_utc - at(0, 1) + at(0)  # one minute before
    assert week_due(minute, tz) is None
    week = week_due(first_due_utc, tz)
    assert week is not None
    start, end = week
    assert (start.astimezone(tz).isoformat()[:10], end.astimezone(tz).isoformat()[:10]) == ("2026-11-23", "2026-11-30")
    assert (start.hour, end.hour, start.weekday(), end.weekday()) == (0, 0, 0, 0)
    end_of_monday = first_due_utc.astimezone(tz).replace(hour=23, minute=59)
    assert week_due(end_of_monday, tz) == week
    assert week_due(end_of_monday.replace(day=end_of_monday.day) + (at(1) - at(0)), tz) is None  # Tuesday


class Recorder:
    """A sender that keeps what it is given (and can refuse)."""

    channel: Channel = "telegram"

    def __init__(self) -> None:
        self.sent: list[tuple[str, str]] = []
        self.refuse = False
        self._lock = threading.Lock()

    def send(self, to: str, text: str) -> None:
        if self.refuse:
            raise ChatSendError()
        with self._lock:
            self.sent.append((to, text))


def weekly_chat(api: ApiClient, zone: str) -> Chat:
    user = User(api)
    assert user.request("POST", "/api/auth/profile", json_body={"timezone": zone}).status == 200
    chat = Chat(api, user)
    assert chat.say("/weekly on").startswith("Weekly digest is on")
    return chat


def to(recorder: Recorder, chat: Chat) -> list[str]:
    return [text for address, text in recorder.sent if address == str(chat.chat_id)]


@pytest.fixture
def kolkata(local_api: ApiClient) -> Chat:
    chat = weekly_chat(local_api, "Asia/Kolkata")
    for amount, category, description, date in [
        (1250, "Groceries", "BigBasket", "2026-11-26T18:00:00+05:30"),
        (320, "Food & Dining", "lunch", "2026-11-24T13:00:00+05:30"),
        (250, "Transportation", "uber", "2026-11-23T00:30:00+05:30"),  # Monday just after midnight: this week
        (180, "Food & Dining", "dinner", "2026-11-29T23:30:00+05:30"),  # Sunday night: this week
        (999, "Shopping", "too early", "2026-11-22T23:59:00+05:30"),  # the Sunday before: the week before
        (400, "Shopping", "too late", "2026-11-30T00:10:00+05:30"),  # this Monday: next week's
    ]:
        chat.user.add(amount=amount, category=category, description=description, date=date)
    budget = {"category": "Groceries", "limit": 1000}
    created = chat.user.request("POST", "/api/budgets", json_body=budget)
    assert created.status == 201
    # November is past (the API makes budgets for this month on): move this one back to it
    moved = db.get_database()["budgets"].update_one(
        {"user_id": chat.user.id, "category": "Groceries"}, {"$set": {"month": 11, "year": 2026}}
    )
    assert moved.modified_count == 1
    return chat


def test_the_digest_is_last_week_in_five_lines(kolkata: Chat) -> None:
    recorder = Recorder()
    send_weekly_digests(recorder, now=at(3, 29))
    assert to(recorder, kolkata) == []  # 08:59 in Kolkata
    send_weekly_digests(recorder, now=at(3, 30))
    [digest] = to(recorder, kolkata)
    assert digest.splitlines() == [
        "Your week, 23 Nov to 29 Nov: ₹2,000 in 4 expenses.",
        "That's 100% more than the week before (₹999).",
        "Most went to Groceries ₹1,250, Food & Dining ₹500, Transportation ₹250.",
        "Biggest: ₹1,250 · Groceries · BigBasket (Thu 26 Nov).",
        "Budgets for November: 0 of 1 on track; over: Groceries.",
    ]


def test_a_digest_goes_out_once_however_many_runs_overlap(kolkata: Chat) -> None:
    recorder = Recorder()
    barrier = threading.Barrier(8)

    def run() -> int:
        barrier.wait()
        return send_weekly_digests(recorder, now=at(4))

    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(lambda _: run(), range(8)))
    send_weekly_digests(recorder, now=at(10))  # later that Monday
    assert len(to(recorder, kolkata)) == 1


def test_a_digest_the_provider_refuses_goes_out_on_the_next_run(kolkata: Chat) -> None:
    recorder = Recorder()
    recorder.refuse = True
    send_weekly_digests(recorder, now=at(4))
    recorder.refuse = False
    send_weekly_digests(recorder, now=at(4, 15))
    assert len(to(recorder, kolkata)) == 1


def test_each_user_hears_at_their_own_0900_and_only_with_weekly_on(local_api: ApiClient, kolkata: Chat) -> None:
    new_york = weekly_chat(local_api, "America/New_York")
    quiet = weekly_chat(local_api, "Asia/Kolkata")
    assert quiet.say("/weekly off") == "Weekly digest is off."
    recorder = Recorder()
    send_weekly_digests(recorder, now=at(4))
    assert (len(to(recorder, kolkata)), len(to(recorder, new_york)), len(to(recorder, quiet))) == (1, 0, 0)
    send_weekly_digests(recorder, now=at(14))
    assert (len(to(recorder, kolkata)), len(to(recorder, new_york)), len(to(recorder, quiet))) == (1, 1, 0)
    [quiet_week] = to(recorder, new_york)
    assert quiet_week.splitlines() == [
        "Your week, 23 Nov to 29 Nov: nothing recorded.",
        "No budgets for November yet: set some in FinSight to see your pace.",
    ]


def test_the_scheduled_function_sends_through_telegram(local_api: ApiClient, kolkata: Chat) -> None:
    outcome = local_api.stack.invoke("WeeklyDigestFunction", load_event("weekly_digest"))
    assert outcome.error is None
    assert set(outcome.response["sent"]) == {"whatsapp", "telegram"}
    # the function runs at this moment's time: send this week's digest directly, through the same sender
    db.get_database()["weekly_digests"].delete_many({})
    assert send_weekly_digests(telegram_sender(), now=at(4)) >= 1
    [digest] = [text for text in replies_to(local_api, kolkata.chat_id) if text.startswith("Your week")]
    assert digest.startswith("Your week, 23 Nov to 29 Nov: ₹2,000 in 4 expenses.")
