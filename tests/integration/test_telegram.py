"""Telegram, end to end: the deep link, the signed webhook (X-Telegram-Bot-Api-Secret-Token), the AI queue, the
worker's replies through the local stand-in for the Bot API, and the app's view of what was filed."""

from __future__ import annotations

import json
import re
import threading
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from dev.localapi.stack import LOCAL_TELEGRAM
from finsight.chat.senders import telegram_sender
from finsight.platform import db
from tests.conftest import Configure
from tests.helpers import User, run_budget_alerts
from tests.http_client import ApiClient, HttpResponse, assert_fail

pytestmark = [pytest.mark.integration, pytest.mark.usefixtures("no_rate_history")]

SECRET = LOCAL_TELEGRAM["TELEGRAM_WEBHOOK_SECRET"]
LINK = re.compile(r"^https://t\.me/FinSightLocalBot\?start=(?P<token>[A-Za-z0-9_-]{32})$")


def a_chat() -> int:
    """A private chat id of this test's own (tests share the stack)."""
    return 10**9 + uuid.uuid4().int % 10**9


def update(chat_id: int, text: str | None, update_id: int | None = None, chat_type: str = "private") -> dict[str, Any]:
    message: dict[str, Any] = {
        "message_id": 7,
        "from": {"id": chat_id, "is_bot": False, "first_name": "Asha"},
        "chat": {"id": chat_id, "type": chat_type},
        "date": 1795428000,
    }
    if text is not None:
        message["text"] = text
    else:
        message["photo"] = [{"file_id": "x", "width": 90, "height": 90}]
    return {"update_id": update_id or uuid.uuid4().int % 2**31, "message": message}


def webhook(api: ApiClient, body: Any, secret: str | None = SECRET, path: str = "/webhook/telegram") -> HttpResponse:
    headers = {"Content-Type": "application/json"}
    if secret is not None:
        headers["X-Telegram-Bot-Api-Secret-Token"] = secret
    raw = body if isinstance(body, str) else json.dumps(body)
    return api.request("POST", path, body=raw, headers=headers)


def direct_reply(response: HttpResponse) -> str | None:
    """What the webhook answered in its HTTP reply (a sendMessage), or None."""
    assert response.status == 200, response.text
    body = response.json()
    if not body:
        return None
    assert body["method"] == "sendMessage"
    return str(body["text"])


def replies_to(api: ApiClient, chat_id: int) -> list[str]:
    return [m.text for m in api.stack.sent_chat_messages() if m.channel == "telegram" and m.to == str(chat_id)]


def new_link(user: User) -> str:
    response = user.request("POST", "/api/auth/telegram-link")
    assert response.status == 200, response.text
    data = response.json()["data"]
    assert data["expires_in_minutes"] == 10
    found = LINK.match(data["link"])
    assert found, data["link"]
    return found["token"]


def link(api: ApiClient, user: User, chat_id: int) -> None:
    reply = direct_reply(webhook(api, update(chat_id, f"/start {new_link(user)}")))
    assert str(reply).startswith("Linked!"), reply


def chat_link(chat_id: int) -> dict[str, Any]:
    found = db.get_database()["chat_links"].find_one({"_id": f"telegram:{chat_id}"})
    assert found is not None
    return dict(found)


def transactions_of(user: User) -> list[dict[str, Any]]:
    return list(db.get_database()["transactions"].find({"user_id": user.id}).sort("amount_minor", -1))


class Chat:
    """A linked user writing from Telegram; `say` answers with the bot's reply."""

    def __init__(self, api: ApiClient, user: User) -> None:
        self.api, self.user, self.chat_id = api, user, a_chat()
        link(api, user, self.chat_id)

    def say(self, text: str, update_id: int | None = None) -> str:
        before = len(replies_to(self.api, self.chat_id))
        assert direct_reply(webhook(self.api, update(self.chat_id, text, update_id))) is None
        self.api.stack.wait_for_queue("AiQueue")
        replies = replies_to(self.api, self.chat_id)
        assert len(replies) == before + 1, replies
        return replies[-1]


@pytest.fixture
def chat(local_api: ApiClient, user: User) -> Chat:
    return Chat(local_api, user)


# ----- linking -----
def test_the_deep_link_links_the_chat_and_the_profile_says_so(local_api: ApiClient, user: User) -> None:
    assert user.request("GET", "/api/auth/profile").json()["data"]["telegram_linked"] is False
    chat_id = a_chat()
    link(local_api, user, chat_id)
    assert user.request("GET", "/api/auth/profile").json()["data"]["telegram_linked"] is True
    [stored] = db.get_database()["chat_links"].find({"user_id": user.id, "channel": "telegram"})
    assert stored["_id"] == f"telegram:{chat_id}"
    assert list(db.get_database()["chat_link_tokens"].find({"user_id": user.id})) == []  # used up


def test_a_link_works_once_and_a_new_one_replaces_the_old(local_api: ApiClient, user: User) -> None:
    first = new_link(user)
    second = new_link(user)
    assert direct_reply(webhook(local_api, update(a_chat(), f"/start {first}"))) == (
        "That link has expired or was used already. Ask FinSight for a new Telegram link."
    )
    chat_id = a_chat()
    assert str(direct_reply(webhook(local_api, update(chat_id, f"/start {second}")))).startswith("Linked!")
    other = a_chat()
    assert "expired or was used" in str(direct_reply(webhook(local_api, update(other, f"/start {second}"))))
    assert db.get_database()["chat_links"].find_one({"_id": f"telegram:{other}"}) is None
    # the token is stored hashed: nothing in the database holds it
    assert second not in json.dumps(list(db.get_database()["chat_link_tokens"].find()), default=str)


def test_an_expired_link_links_nothing(local_api: ApiClient, user: User) -> None:
    token = new_link(user)
    past = datetime.now(UTC) - timedelta(seconds=1)
    db.get_database()["chat_link_tokens"].update_many({"user_id": user.id}, {"$set": {"expires_at": past}})
    assert "expired" in str(direct_reply(webhook(local_api, update(a_chat(), f"/start {token}"))))
    assert user.request("GET", "/api/auth/profile").json()["data"]["telegram_linked"] is False


@pytest.mark.usefixtures("busy_switching")
def test_one_link_opened_in_eight_chats_at_once_links_one(local_api: ApiClient, user: User) -> None:
    token = new_link(user)
    chats = [a_chat() for _ in range(8)]
    barrier = threading.Barrier(len(chats))

    def open_in(chat_id: int) -> str | None:
        barrier.wait()
        return direct_reply(webhook(local_api, update(chat_id, f"/start {token}")))

    with ThreadPoolExecutor(max_workers=len(chats)) as pool:
        replies = list(pool.map(open_in, chats))
    assert sum(str(reply).startswith("Linked!") for reply in replies) == 1
    assert db.get_database()["chat_links"].count_documents({"user_id": user.id, "channel": "telegram"}) == 1


def test_a_chat_linked_to_one_account_is_not_taken_by_another(local_api: ApiClient, chat: Chat) -> None:
    other = User(local_api)
    reply = direct_reply(webhook(local_api, update(chat.chat_id, f"/start {new_link(other)}")))
    assert reply == "This chat is linked to another FinSight account. Send /unlink there first."
    assert chat_link(chat.chat_id)["user_id"] == chat.user.id


def test_linking_a_second_chat_moves_the_link(local_api: ApiClient, chat: Chat) -> None:
    newer = a_chat()
    link(local_api, chat.user, newer)
    links = db.get_database()["chat_links"].find({"user_id": chat.user.id, "channel": "telegram"})
    assert [doc["_id"] for doc in links] == [f"telegram:{newer}"]


def test_unlinking_from_the_app_ends_the_chat_and_a_pending_link(local_api: ApiClient, chat: Chat) -> None:
    pending = new_link(chat.user)
    response = chat.user.request("DELETE", "/api/auth/telegram")
    assert response.status == 200
    assert response.json()["data"]["message"] == "Telegram is no longer linked to your account."
    assert chat.user.request("GET", "/api/auth/profile").json()["data"]["telegram_linked"] is False
    assert "isn't linked" in str(direct_reply(webhook(local_api, update(chat.chat_id, "chai 20"))))
    assert "expired" in str(direct_reply(webhook(local_api, update(chat.chat_id, f"/start {pending}"))))
    assert chat.user.request("DELETE", "/api/auth/telegram/").status == 200  # idempotent, with the slash too


def test_links_need_a_token_and_are_limited_per_hour(local_api: ApiClient, user: User) -> None:
    assert_fail(local_api.request("POST", "/api/auth/telegram-link"), 401)
    assert_fail(local_api.request("DELETE", "/api/auth/telegram"), 401)
    for _ in range(10):
        new_link(user)
    assert_fail(user.request("POST", "/api/auth/telegram-link"), 429)


# ----- the webhook's secret -----
@pytest.mark.parametrize("secret", [None, "", "wrong", SECRET + "x", SECRET[:-1]], ids=repr)
def test_a_request_without_the_secret_is_403_and_reads_nothing(
    local_api: ApiClient, chat: Chat, secret: str | None
) -> None:
    response = webhook(local_api, update(chat.chat_id, "chai 20"), secret=secret)
    assert_fail(response, 403, "not signed")
    local_api.stack.wait_for_queue("AiQueue")
    assert transactions_of(chat.user) == []
    forged_body = webhook(local_api, "not json", secret=secret)  # 403 before the body is read
    assert_fail(forged_body, 403)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("not json", "not a Telegram update"),
        ("", "not a Telegram update"),
        ('{"message": {}}', "not a Telegram update"),
        ('{"update_id": "x"}', "not a Telegram update"),
        ("[]", "must be a JSON object"),  # the API's own guard, before any route
    ],
    ids=repr,
)
def test_a_signed_body_that_is_not_an_update_is_400(local_api: ApiClient, body: str, message: str) -> None:
    assert_fail(webhook(local_api, body), 400, message)


def test_a_replayed_update_is_one_message(local_api: ApiClient, chat: Chat) -> None:
    body = update(chat.chat_id, "groceries 1250")
    barrier = threading.Barrier(4)

    def deliver() -> HttpResponse:
        barrier.wait()
        return webhook(local_api, body)

    with ThreadPoolExecutor(max_workers=4) as pool:
        answers = list(pool.map(lambda _: deliver(), range(4)))
    assert [direct_reply(answer) for answer in answers] == [None] * 4
    assert direct_reply(webhook(local_api, body)) is None  # and once more, later
    local_api.stack.wait_for_queue("AiQueue")
    assert [t["amount_minor"] for t in transactions_of(chat.user)] == [125000]
    assert replies_to(local_api, chat.chat_id) == ["Added ₹1,250 · Groceries · Groceries"]


@pytest.fixture
def telegram_off(configure: Configure) -> Iterator[None]:
    telegram_sender.cache_clear()
    configure(TELEGRAM_BOT_USERNAME="")
    yield
    telegram_sender.cache_clear()


@pytest.mark.usefixtures("telegram_off")
def test_without_a_bot_the_routes_are_a_clear_503(local_api: ApiClient, user: User) -> None:
    for response in (webhook(local_api, update(a_chat(), "chai 20")), user.request("POST", "/api/auth/telegram-link")):
        assert response.status == 503, response.text
        assert response.json()["data"]["message"] == "Telegram is not available on this server yet."


# ----- what the bot reads -----
def test_an_unlinked_chat_is_told_how_to_link_and_nothing_is_stored(local_api: ApiClient) -> None:
    chat_id = a_chat()
    body = update(chat_id, "chai 20")
    reply = direct_reply(webhook(local_api, body))
    assert str(reply).startswith("Hi! This chat isn't linked to a FinSight account yet.")
    assert webhook(local_api, body).json()["chat_id"] == chat_id
    assert db.get_database()["chat_inbound"].find_one({"_id": f"telegram:{body['update_id']}"}) is None


def test_two_expenses_are_filed_answered_and_in_the_app(chat: Chat) -> None:
    reply = chat.say("uber to the airport 250 and chai 20")
    lines = reply.splitlines()
    assert lines[0].startswith("Added ₹250 · Transportation · ")
    assert lines[1].startswith("Added ₹20 · Food & Dining · ")
    stored = transactions_of(chat.user)
    assert [(t["amount_minor"], t["status"], t.get("source")) for t in stored] == [
        (25000, "completed", "telegram"),
        (2000, "completed", "telegram"),
    ]
    listed = chat.user.request("GET", "/api/transactions").json()["data"]["transactions"]
    assert sorted(t["amount"] for t in listed) == [20, 250]


def test_long_messages_photos_groups_and_edits_are_not_read(local_api: ApiClient, chat: Chat) -> None:
    assert "too long" in str(direct_reply(webhook(local_api, update(chat.chat_id, "chai 20 " * 200))))
    assert "text messages only" in str(direct_reply(webhook(local_api, update(chat.chat_id, None))))
    assert direct_reply(webhook(local_api, update(chat.chat_id, "chai 20", chat_type="group"))) is None
    edited = {"update_id": 5, "edited_message": update(chat.chat_id, "chai 30")["message"]}
    assert direct_reply(webhook(local_api, edited)) is None
    local_api.stack.wait_for_queue("AiQueue")
    assert transactions_of(chat.user) == []


def test_commands_work_from_telegram(chat: Chat) -> None:
    assert "/weekly on|off" in chat.say("/help")
    chat.say("chai 20")
    [short] = re.findall(r"^([0-9a-f]{6}) · ", chat.say("/transactions"), re.M)
    assert chat.say(f"/edit {short} amount 25").startswith(f"Updated: {short} · ₹25 · ")
    assert chat.say("/undo") == "Removed your last entry (1 expense)."
    assert chat.say("/summary").startswith("Nothing spent yet in ")
    assert chat.say("/weekly on").startswith("Weekly digest is on")
    assert chat_link(chat.chat_id)["weekly"] is True
    assert chat.say("/WEEKLY off") == "Weekly digest is off."
    assert chat.say("/weekly sometimes").startswith("Use /weekly on or /weekly off")
    assert chat.say("/unlink").startswith("This chat is no longer linked to FinSight.")
    assert chat.user.request("GET", "/api/auth/profile").json()["data"]["telegram_linked"] is False
    assert "isn't linked" in str(direct_reply(webhook(chat.api, update(chat.chat_id, "chai 20"))))


def test_budget_alerts_reach_telegram_once(chat: Chat) -> None:
    assert chat.user.request("POST", "/api/budgets", json_body={"category": "Groceries", "limit": 1000}).status == 201
    chat.user.add(amount=900)
    for _ in range(2):
        run_budget_alerts(chat.api)
    alerts = [text for text in replies_to(chat.api, chat.chat_id) if "budget for" in text]
    assert len(alerts) == 1
    assert alerts[0].startswith("Heads-up: Groceries is at 90% of its ₹1,000 budget for ")


# ----- the developer's tools -----
def test_make_chat_links_a_demo_chat_once_and_prints_the_bot_s_replies(local_api: ApiClient) -> None:
    from dev.chat import CHAT_ID, EMAIL, Telegram, link_demo_chat

    db.get_database()["chat_links"].delete_many({"_id": f"telegram:{CHAT_ID}"})
    db.get_database()["users"].update_many({"email": EMAIL}, {"$set": {"telegram_linked": False}})
    telegram = Telegram(local_api.stack.telegram.url, local_api.base_url)
    link_demo_chat(local_api.base_url, telegram)
    link_demo_chat(local_api.base_url, telegram)  # linked already: nothing to do
    assert telegram.say("chai 20") == "Added ₹20 · Food & Dining · Chai"
    assert telegram.say("/undo") == "Removed your last entry (1 expense)."


def test_setup_telegram_registers_the_webhook_with_its_secret(local_api: ApiClient) -> None:
    from dev.setup_telegram import set_webhook

    fake = local_api.stack.telegram
    info = set_webhook(fake.url, LOCAL_TELEGRAM["TELEGRAM_BOT_TOKEN"], SECRET, local_api.base_url)
    assert info["url"] == f"{local_api.base_url}/webhook/telegram"
    assert info["has_secret_token"] is True
    assert info["allowed_updates"] == ["message"]
    assert fake.webhook_secret == SECRET
    with pytest.raises(SystemExit, match="Unauthorized"):
        set_webhook(fake.url, "123:wrong", SECRET, local_api.base_url)
    with pytest.raises(SystemExit, match="unallowed characters"):
        set_webhook(fake.url, LOCAL_TELEGRAM["TELEGRAM_BOT_TOKEN"], "not a valid secret!", local_api.base_url)
