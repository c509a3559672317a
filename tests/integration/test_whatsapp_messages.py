"""WhatsApp messages through Twilio's webhook: checked, answered at once, read by the AI worker, replied to.

The webhook is signed the way Twilio signs it (its own `RequestValidator`), against the gateway's URL (what
PUBLIC_API_URL is locally); replies go to the local stack's stand-in for Twilio's Messages API."""

from __future__ import annotations

import re
import threading
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any
from urllib.parse import urlencode

import pytest
from twilio.request_validator import RequestValidator

from dev.localapi.stack import LOCAL_TWILIO
from finsight.chat.senders import whatsapp_sender
from finsight.platform import db
from tests.conftest import Configure
from tests.helpers import User
from tests.http_client import ApiClient, HttpResponse, assert_fail

pytestmark = [pytest.mark.integration, pytest.mark.usefixtures("no_rate_history")]

TOKEN = LOCAL_TWILIO["TWILIO_AUTH_TOKEN"]
EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response/>'


def a_number() -> str:
    """A valid Indian mobile number of this test's own (tests share the stack)."""
    return "+9198" + str(uuid.uuid4().int)[:8]


def link(api: ApiClient, user: User, number: str) -> None:
    assert user.request("POST", "/api/auth/send-whatsapp-code", json_body={"whatsapp_number": number}).status == 200
    [*_, sent] = [m for m in api.stack.sent_chat_messages() if m.to == f"whatsapp:{number}"]
    found = re.search(r"\b(\d{6})\b", sent.text)
    assert found
    assert user.request("POST", "/api/auth/verify-whatsapp", json_body={"code": found.group(1)}).status == 200


def form(number: str, text: str, message_id: str | None = None) -> dict[str, str]:
    return {
        "MessageSid": message_id or "SM" + uuid.uuid4().hex,
        "AccountSid": LOCAL_TWILIO["TWILIO_ACCOUNT_SID"],
        "From": f"whatsapp:{number}",
        "To": "whatsapp:+14155238886",
        "Body": text,
        "NumMedia": "0",
    }


def webhook(api: ApiClient, fields: dict[str, str], signature: str | None = "valid") -> HttpResponse:
    if signature == "valid":
        signature = RequestValidator(TOKEN).compute_signature(f"{api.base_url}/webhook/whatsapp", fields)
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    if signature is not None:
        headers["X-Twilio-Signature"] = signature
    return api.request("POST", "/webhook/whatsapp", body=urlencode(fields), headers=headers)


def replies_to(api: ApiClient, number: str) -> list[str]:
    return [m.text for m in api.stack.sent_chat_messages() if m.to == f"whatsapp:{number}"][1:]  # after the code


def transactions_of(user: User) -> list[dict[str, Any]]:
    return list(db.get_database()["transactions"].find({"user_id": user.id}).sort("amount_minor", -1))


@pytest.fixture
def linked(local_api: ApiClient, user: User) -> tuple[User, str]:
    number = a_number()
    link(local_api, user, number)
    return user, number


# ----- a linked sender -----
def test_a_message_with_two_expenses_is_filed_and_answered(local_api: ApiClient, linked: tuple[User, str]) -> None:
    user, number = linked
    response = webhook(local_api, form(number, "uber to the airport 250 and chai 20"))
    assert (response.status, response.text) == (200, EMPTY_TWIML)
    assert response.headers["content-type"].startswith("text/xml")
    local_api.stack.wait_for_queue("AiQueue")
    stored = transactions_of(user)
    assert [(t["amount_minor"], t["category"], t["status"], t.get("source")) for t in stored] == [
        (25000, "Transportation", "completed", "whatsapp"),
        (2000, "Food & Dining", "completed", "whatsapp"),
    ]
    [reply] = replies_to(local_api, number)
    lines = reply.splitlines()
    assert len(lines) == 2
    assert lines[0].startswith("Added ₹250 · Transportation · ")
    assert lines[1].startswith("Added ₹20 · Food & Dining · ")
    listed = user.request("GET", "/api/transactions").json()["data"]["transactions"]
    assert sorted(t["amount"] for t in listed) == [20, 250]  # in the app too


def test_twilio_retries_are_one_message(local_api: ApiClient, linked: tuple[User, str]) -> None:
    user, number = linked
    fields = form(number, "groceries 1250")
    barrier = threading.Barrier(4)

    def deliver() -> HttpResponse:
        barrier.wait()
        return webhook(local_api, fields)

    with ThreadPoolExecutor(max_workers=4) as pool:
        answers = list(pool.map(lambda _: deliver(), range(4)))
    assert [answer.status for answer in answers] == [200] * 4
    assert webhook(local_api, fields).status == 200  # and once more, later
    local_api.stack.wait_for_queue("AiQueue")
    assert [t["amount_minor"] for t in transactions_of(user)] == [125000]
    assert replies_to(local_api, number) == ["Added ₹1,250 · Groceries · Groceries"]


def test_an_amount_in_lakhs_is_written_the_indian_way(local_api: ApiClient, linked: tuple[User, str]) -> None:
    _, number = linked
    assert webhook(local_api, form(number, "rent 120000")).status == 200
    local_api.stack.wait_for_queue("AiQueue")
    [reply] = replies_to(local_api, number)
    assert reply.startswith("Added ₹1,20,000 · ")


def test_words_without_an_amount_get_a_reply_that_says_so(local_api: ApiClient, linked: tuple[User, str]) -> None:
    user, number = linked
    assert webhook(local_api, form(number, "hello there")).status == 200
    local_api.stack.wait_for_queue("AiQueue")
    [reply] = replies_to(local_api, number)
    assert "amount" in reply
    assert [t["status"] for t in transactions_of(user)] == ["failed"]


@pytest.mark.parametrize("command", ["/help", "/START"])
def test_help_says_what_to_send(local_api: ApiClient, linked: tuple[User, str], command: str) -> None:
    user, number = linked
    assert webhook(local_api, form(number, command)).status == 200
    local_api.stack.wait_for_queue("AiQueue")
    [reply] = replies_to(local_api, number)
    assert "chai 20" in reply
    assert transactions_of(user) == []


# ----- anyone else -----
def test_an_unlinked_sender_is_told_how_to_link_and_nothing_is_kept(local_api: ApiClient) -> None:
    number = a_number()
    fields = form(number, "chai 20")
    response = webhook(local_api, fields)
    assert response.status == 200
    assert "isn't linked to a FinSight account" in response.text
    assert response.text.startswith('<?xml version="1.0" encoding="UTF-8"?><Response><Message>')
    assert db.get_database()["chat_inbound"].count_documents({"_id": f"whatsapp:{fields['MessageSid']}"}) == 0
    local_api.stack.wait_for_queue("AiQueue")
    assert db.get_database()["transactions"].count_documents({"raw_text": "chai 20", "source": "whatsapp"}) == 0


def test_a_message_over_1000_characters_is_politely_refused(local_api: ApiClient, linked: tuple[User, str]) -> None:
    user, number = linked
    response = webhook(local_api, form(number, "chai 20 " * 126))
    assert response.status == 200
    assert "too long" in response.text
    local_api.stack.wait_for_queue("AiQueue")
    assert transactions_of(user) == []


# ----- forgeries -----
@pytest.mark.parametrize("signature", [None, "", "bm90IGEgc2lnbmF0dXJl", "A" * 28])
def test_an_unsigned_or_forged_webhook_is_a_403(local_api: ApiClient, signature: str | None) -> None:
    assert_fail(webhook(local_api, form(a_number(), "chai 20"), signature=signature), 403, "not signed")


def test_a_replayed_signature_on_another_body_is_a_403(local_api: ApiClient, linked: tuple[User, str]) -> None:
    user, number = linked
    genuine = form(number, "chai 20")
    signature = RequestValidator(TOKEN).compute_signature(f"{local_api.base_url}/webhook/whatsapp", genuine)
    assert_fail(webhook(local_api, {**genuine, "Body": "rent 99999"}, signature=signature), 403, "not signed")
    elsewhere = RequestValidator(TOKEN).compute_signature("https://attacker.example/webhook/whatsapp", genuine)
    assert_fail(webhook(local_api, genuine, signature=elsewhere), 403, "not signed")
    other_key = RequestValidator("another-token").compute_signature(f"{local_api.base_url}/webhook/whatsapp", genuine)
    assert_fail(webhook(local_api, genuine, signature=other_key), 403, "not signed")
    local_api.stack.wait_for_queue("AiQueue")
    assert transactions_of(user) == []


def test_a_json_body_is_not_what_twilio_sends(local_api: ApiClient) -> None:
    response = local_api.request("POST", "/webhook/whatsapp", json_body={"Body": "chai 20"})
    assert_fail(response, 400, "application/x-www-form-urlencoded")


@pytest.fixture
def whatsapp_off(configure: Configure) -> Iterator[None]:
    whatsapp_sender.cache_clear()
    configure(TWILIO_ACCOUNT_SID="")
    yield
    whatsapp_sender.cache_clear()


@pytest.mark.usefixtures("whatsapp_off")
def test_without_twilio_settings_the_webhook_is_a_clear_503(local_api: ApiClient) -> None:
    response = webhook(local_api, form(a_number(), "chai 20"), signature="x")
    assert response.status == 503, response.text
    assert response.json()["data"]["message"] == "WhatsApp is not available on this server yet."


def test_the_signature_is_of_the_url_twilio_called_with_or_without_the_slash(
    local_api: ApiClient, linked: tuple[User, str]
) -> None:
    _, number = linked
    fields = form(number, "/help")
    signature = RequestValidator(TOKEN).compute_signature(f"{local_api.base_url}/webhook/whatsapp/", fields)
    headers = {"Content-Type": "application/x-www-form-urlencoded", "X-Twilio-Signature": signature}
    response = local_api.request("POST", "/webhook/whatsapp/", body=urlencode(fields), headers=headers)
    assert (response.status, response.text) == (200, EMPTY_TWIML)
    unslashed = local_api.request("POST", "/webhook/whatsapp", body=urlencode(fields), headers=headers)
    assert_fail(unslashed, 403, "not signed")
