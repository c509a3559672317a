"""The bot's commands from WhatsApp, end to end: signed webhook → AI queue → worker → reply (and the app's view)."""

from __future__ import annotations

import re
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from finsight.platform import db
from tests.helpers import User, mail_to, run_budget_alerts
from tests.http_client import ApiClient
from tests.integration.test_whatsapp_messages import a_number, form, link, replies_to, transactions_of, webhook

pytestmark = [pytest.mark.integration, pytest.mark.usefixtures("no_rate_history")]


class Chat:
    """A linked user writing from WhatsApp; `say` answers with the bot's reply."""

    def __init__(self, api: ApiClient, user: User) -> None:
        self.api, self.user, self.number = api, user, a_number()
        link(api, user, self.number)

    def say(self, text: str, message_id: str | None = None) -> str:
        before = len(replies_to(self.api, self.number))
        assert webhook(self.api, form(self.number, text, message_id)).status == 200
        self.api.stack.wait_for_queue("AiQueue")
        replies = replies_to(self.api, self.number)
        assert len(replies) == before + 1, replies
        return replies[-1]

    def short_ids(self) -> list[str]:
        return re.findall(r"^([0-9a-f]{6}) · ", self.say("/transactions"), re.M)


@pytest.fixture
def chat(local_api: ApiClient, user: User) -> Chat:
    return Chat(local_api, user)


def test_transactions_lists_the_last_five_with_short_ids(chat: Chat) -> None:
    assert chat.say("/transactions").startswith("No transactions yet")
    chat.say("uber 250 and chai 20")
    listing = chat.say("/TRANSACTIONS")
    assert listing.startswith("Your last transactions:")
    ids = chat.short_ids()
    assert len(ids) == 2
    stored = {str(t["_id"])[-6:] for t in transactions_of(chat.user)}
    assert set(ids) == stored


def test_undo_removes_the_whole_last_entry_once_however_often_it_is_delivered(chat: Chat) -> None:
    chat.say("groceries 1250")
    chat.say("uber 250 and chai 20")
    undo = form(chat.number, "/undo")
    assert chat.say("/undo", message_id=undo["MessageSid"]) == "Removed your last entry (2 expenses)."
    assert [t["amount_minor"] for t in transactions_of(chat.user)] == [125000]
    for _ in range(2):  # Twilio delivers that /undo again: it is one message, it undoes one entry
        assert webhook(chat.api, undo).status == 200
    chat.api.stack.wait_for_queue("AiQueue")
    assert [t["amount_minor"] for t in transactions_of(chat.user)] == [125000]
    assert chat.say("/undo") == "Removed your last entry (1 expense)."
    assert chat.say("/undo") == "There is nothing from this chat to undo."


def test_delete_takes_a_short_id(chat: Chat) -> None:
    chat.say("uber 250 and chai 20")
    first, second = chat.short_ids()
    assert chat.say(f"/delete {first}") == f"Deleted {first}."
    assert chat.short_ids() == [second]
    assert chat.say(f"/delete {first}").startswith("I can't find that transaction")
    assert chat.say("/delete").startswith("Use /delete <id>")


def test_edit_changes_amount_category_or_description_with_the_api_s_rules(chat: Chat) -> None:
    chat.say("chai 20")
    [short] = chat.short_ids()
    assert chat.say(f"/edit {short} amount 35") == f"Updated: {short} · ₹35 · Food & Dining · Chai"
    assert chat.say(f"/edit {short} category shopping").startswith(f"Updated: {short} · ₹35 · Shopping · ")
    assert chat.say(f"/edit {short} description Masala chai").endswith("· Masala chai")
    assert chat.say(f"/edit {short} amount -5").startswith("That amount won't do:")
    assert chat.say(f"/edit {short} category snacks").startswith("Categories: Food & Dining, ")
    assert chat.say(f"/edit {short} colour red").startswith("Use /edit <id>")
    listed = chat.user.request("GET", "/api/transactions").json()["data"]["transactions"]
    assert [(t["amount"], t["category"], t["description"]) for t in listed] == [(35, "Shopping", "Masala chai")]


def test_summary_budget_and_compare_read_this_month(chat: Chat) -> None:
    assert chat.say("/summary").startswith("Nothing spent yet in ")
    assert chat.say("/budget") == "No budgets this month. Set them in FinSight."
    chat.say("groceries 1250")
    assert chat.user.request("POST", "/api/budgets", json_body={"category": "Groceries", "limit": 5000}).status == 201
    summary = chat.say("/summary")
    assert "₹1,250 in 1 transactions" in summary
    assert "Groceries: ₹1,250 (1)" in summary
    assert chat.say("/budget").startswith("Groceries: ₹1,250 of ₹5,000 (25%)")
    assert chat.say("/compare").startswith("This month so far: ₹1,250; the same days last month: ₹0")


def test_unlink_ends_the_link_from_the_chat(chat: Chat) -> None:
    assert chat.say("/unlink").startswith("This number is no longer linked")
    assert chat.user.request("GET", "/api/auth/profile").json()["data"]["whatsapp_verified"] is False
    answer = webhook(chat.api, form(chat.number, "chai 20"))
    assert "isn't linked" in answer.text
    assert db.get_database()["chat_links"].count_documents({"user_id": chat.user.id}) == 0


def test_an_unknown_command_says_so(chat: Chat) -> None:
    assert chat.say("/dance") == "I don't know that command yet. Send /help to see what I can do."


def test_make_chat_links_its_demo_user_once_and_prints_the_bot_s_replies(local_api: ApiClient) -> None:
    from dev.chat import NUMBER, Twilio, link_demo_user, say

    twilio = Twilio(local_api.stack.twilio.url)
    db.get_database()["chat_links"].delete_many({"_id": f"whatsapp:{NUMBER}"})
    link_demo_user(local_api.base_url, twilio)
    link_demo_user(local_api.base_url, twilio)  # linked already: nothing to do
    assert say(local_api.base_url, twilio, "chai 20") == "Added ₹20 · Food & Dining · Chai"
    assert say(local_api.base_url, twilio, "/undo") == "Removed your last entry (1 expense)."


# ----- budget alerts: the threshold run's events, published, reach the alert function -----
def run_alerts(api: ApiClient) -> dict[str, Any]:
    return run_budget_alerts(api)


def alerts_to(chat: Chat) -> list[str]:
    return [text for text in replies_to(chat.api, chat.number) if "budget for" in text]


def spend(chat: Chat, amount: int) -> None:
    body = {"mode": "manual", "amount": amount, "category": "Groceries", "description": "groceries"}
    assert chat.user.request("POST", "/api/transactions", json_body=body).status == 201  # the API, not the chat


@pytest.fixture
def budgeted(chat: Chat) -> Chat:
    assert chat.user.request("POST", "/api/budgets", json_body={"category": "Groceries", "limit": 1000}).status == 201
    return chat


def test_a_budget_past_80_and_then_100_percent_is_announced_once_each(budgeted: Chat) -> None:
    chat = budgeted
    spend(chat, 500)
    run_alerts(chat.api)
    assert alerts_to(chat) == []
    spend(chat, 350)  # 85 %
    run_alerts(chat.api)
    run_alerts(chat.api)  # the next runs: nothing new to say
    [heads_up] = alerts_to(chat)
    assert heads_up.startswith("Heads-up: Groceries is at 85% of its ₹1,000 budget for ")
    spend(chat, 200)  # 105 %
    run_alerts(chat.api)
    assert alerts_to(chat)[1:] == [alerts_to(chat)[1]]
    assert alerts_to(chat)[1].startswith("Groceries is over its ₹1,000 budget for ")
    assert alerts_to(chat)[1].endswith(": ₹1,050 spent.")
    run_alerts(chat.api)
    assert len(alerts_to(chat)) == 2


@pytest.mark.usefixtures("busy_switching")
def test_runs_at_the_same_time_announce_a_threshold_once(budgeted: Chat) -> None:
    chat = budgeted
    spend(chat, 1200)  # straight past both: one message, the highest
    barrier = threading.Barrier(8)

    def run() -> dict[str, Any]:
        barrier.wait()
        return run_alerts(chat.api)

    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(lambda _: run(), range(8)))
    [alert] = alerts_to(chat)  # (the runs also cover other tests' users: count this user's messages)
    assert alert.startswith("Groceries is over its ₹1,000 budget for ")


def test_alerts_off_means_no_alert_and_on_again_resumes_with_the_next_threshold(budgeted: Chat) -> None:
    chat = budgeted
    assert chat.say("/alerts off") == "Budget alerts are off."
    spend(chat, 900)
    run_alerts(chat.api)
    assert alerts_to(chat) == []  # and no email either: the user has a chat
    assert [m for m in mail_to(chat.api, chat.user.email) if "budget" in m.subject] == []
    assert chat.say("/alerts on").startswith("Budget alerts are on")
    run_alerts(chat.api)
    assert alerts_to(chat) == []  # the 80 % crossing happened while they were off
    spend(chat, 200)
    run_alerts(chat.api)
    [alert] = alerts_to(chat)
    assert alert.startswith("Groceries is over its ₹1,000 budget for ")
    assert chat.say("/alerts maybe").startswith("Use /alerts on or /alerts off")
