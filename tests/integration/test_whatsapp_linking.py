"""Linking a WhatsApp number over HTTP, as the web client's "Link WhatsApp" does (API.md), with Twilio's API
played by the local stack's stand-in (every message it was asked to send is kept)."""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from finsight.chat import senders
from finsight.platform import db
from tests.conftest import Configure
from tests.helpers import User
from tests.http_client import ApiClient, HttpResponse, assert_fail

pytestmark = [pytest.mark.integration, pytest.mark.usefixtures("no_rate_history")]

INDIAN = "+919876543210"


def send_code(user: User, number: str = "98765 43210") -> HttpResponse:
    return user.request("POST", "/api/auth/send-whatsapp-code", json_body={"whatsapp_number": number})


def verify(user: User, code: str) -> HttpResponse:
    return user.request("POST", "/api/auth/verify-whatsapp", json_body={"code": code})


def profile(user: User) -> dict[str, Any]:
    return dict(user.request("GET", "/api/auth/profile").json()["data"])


def last_code(api: ApiClient, to: str = INDIAN) -> str:
    """The code in the last WhatsApp message to `to`."""
    [*_, message] = [m for m in api.stack.sent_chat_messages() if m.to == f"whatsapp:{to}"]
    found = re.search(r"\b(\d{6})\b", message.text)
    assert found, message.text
    return found.group(1)


def wrong(code: str) -> str:
    return f"{(int(code) + 1) % 10**6:06d}"


def in_parallel(calls: list[Callable[[], HttpResponse]]) -> list[HttpResponse]:
    barrier = threading.Barrier(len(calls))

    def run(call: Callable[[], HttpResponse]) -> HttpResponse:
        barrier.wait()
        return call()

    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        return list(pool.map(run, calls))


@pytest.fixture(autouse=True)
def no_links_yet(local_api: ApiClient) -> None:
    """The stack lives for the whole session: each test starts with every number free and no code pending."""
    for collection in ("chat_links", "chat_link_codes"):
        db.get_database()[collection].delete_many({})


@pytest.fixture
def whatsapp_off() -> Iterator[None]:
    senders.whatsapp_sender.cache_clear()
    yield
    senders.whatsapp_sender.cache_clear()


# ----- the web client's flow -----
def test_a_code_goes_to_the_number_and_links_it(local_api: ApiClient, user: User) -> None:
    sent = send_code(user)  # a national number: the user's currency (INR) says India
    assert sent.status == 200, sent.text
    assert sent.json()["data"] == {
        "message": f"Verification code sent to {INDIAN} on WhatsApp.",
        "expires_in_minutes": 10,
    }
    assert profile(user)["whatsapp_verified"] is False

    linked = verify(user, last_code(local_api))
    assert linked.status == 200, linked.text
    assert linked.json()["data"]["message"] == f"WhatsApp {INDIAN} is linked to your account."
    assert (profile(user)["whatsapp_number"], profile(user)["whatsapp_verified"]) == (INDIAN, True)
    [link] = db.get_database()["chat_links"].find({"user_id": user.id})
    assert link["_id"] == f"whatsapp:{INDIAN}"


def test_the_code_is_stored_hashed_and_works_once(local_api: ApiClient, user: User) -> None:
    assert send_code(user).status == 200
    code = last_code(local_api)
    [stored] = db.get_database()["chat_link_codes"].find({})
    assert code not in str(stored)
    assert verify(user, code).status == 200
    assert_fail(verify(user, code), 400, "no valid code")


def test_numbers_in_any_usual_form_are_one_number(local_api: ApiClient, user: User) -> None:
    for typed in ("+91 98765-43210", "098765 43210", "(+91) 9876543210"):
        assert send_code(user, typed).status == 200, typed
    assert [m.to for m in local_api.stack.sent_chat_messages()[-3:]] == [f"whatsapp:{INDIAN}"] * 3


@pytest.mark.parametrize(
    ("typed", "fragment"),
    [("12345", "not a valid phone number"), ("not a number", "not a valid phone number"), ("+1 555 0100", "valid")],
)
def test_an_invalid_number_is_a_400(user: User, typed: str, fragment: str) -> None:
    assert_fail(send_code(user, typed), 400, fragment)


def test_without_a_country_code_a_euro_user_is_asked_for_one(local_api: ApiClient, user: User) -> None:
    user.set_profile(currency="EUR", timezone="Europe/Berlin")
    user.login()  # the currency is read from the session's preferences
    assert_fail(send_code(user, "0151 23456789"), 400, "country code")
    assert send_code(user, "+49 151 23456789").status == 200


def test_a_wrong_code_says_how_many_tries_are_left_and_five_burn_it(local_api: ApiClient, user: User) -> None:
    assert send_code(user).status == 200
    code = last_code(local_api)
    for left in (4, 3, 2, 1):
        assert_fail(verify(user, wrong(code)), 400, f"{left} {'try' if left == 1 else 'tries'} left")
    assert_fail(verify(user, wrong(code)), 400, "last try")
    assert_fail(verify(user, code), 400, "no valid code")  # burnt: even the right one
    assert profile(user)["whatsapp_verified"] is False


def test_an_expired_code_is_refused(local_api: ApiClient, user: User) -> None:
    assert send_code(user).status == 200
    db.get_database()["chat_link_codes"].update_many({}, {"$set": {"expires_at": datetime.now(UTC) - timedelta(1)}})
    assert_fail(verify(user, last_code(local_api)), 400, "no valid code")


def test_a_new_code_replaces_the_previous_one(local_api: ApiClient, user: User) -> None:
    assert send_code(user).status == 200
    first = last_code(local_api)
    assert send_code(user).status == 200
    second = last_code(local_api)
    if first != second:
        assert_fail(verify(user, first), 400, "not right")
    assert verify(user, second).status == 200


@pytest.mark.parametrize("code", ["12345", "1234567", "abcdef", ""])
def test_a_code_that_is_not_six_digits_is_a_400(user: User, code: str) -> None:
    assert_fail(verify(user, code), 400, "code")


def test_checking_a_code_with_none_sent_is_a_400(user: User) -> None:
    assert_fail(verify(user, "123456"), 400, "no valid code")


# ----- one number, one account -----
def test_a_number_linked_to_another_account_is_a_409(local_api: ApiClient, user: User, other: User) -> None:
    assert send_code(other).status == 200
    assert verify(other, last_code(local_api)).status == 200
    assert_fail(send_code(user), 409, "another FinSight account")


def test_two_accounts_racing_for_one_number_link_it_once(local_api: ApiClient, user: User, other: User) -> None:
    assert send_code(user).status == 200
    user_code = last_code(local_api)
    assert send_code(other).status == 200
    other_code = last_code(local_api)
    answers = in_parallel([lambda: verify(user, user_code), lambda: verify(other, other_code)])
    assert sorted(answer.status for answer in answers) == [200, 409]
    assert db.get_database()["chat_links"].count_documents({"_id": f"whatsapp:{INDIAN}"}) == 1


def test_linking_a_new_number_lets_the_old_one_go(local_api: ApiClient, user: User, other: User) -> None:
    assert send_code(user).status == 200
    assert verify(user, last_code(local_api)).status == 200
    assert send_code(user, "+44 7911 123456").status == 200
    assert verify(user, last_code(local_api, "+447911123456")).status == 200
    assert profile(user)["whatsapp_number"] == "+447911123456"
    assert send_code(other).status == 200  # the Indian number is free again


def test_unlinking_frees_the_number(local_api: ApiClient, user: User, other: User) -> None:
    assert send_code(user).status == 200
    assert verify(user, last_code(local_api)).status == 200
    unlinked = user.request("DELETE", "/api/auth/whatsapp")
    assert unlinked.status == 200, unlinked.text
    assert (profile(user)["whatsapp_number"], profile(user)["whatsapp_verified"]) == (None, False)
    assert user.request("DELETE", "/api/auth/whatsapp").status == 200  # idempotent
    assert send_code(other).status == 200


# ----- limits, under concurrency -----
def test_at_most_three_codes_an_hour_even_asked_at_once(local_api: ApiClient, user: User) -> None:
    answers = in_parallel([lambda: send_code(user) for _ in range(6)])
    assert sorted(answer.status for answer in answers) == [200, 200, 200, 429, 429, 429]
    assert_fail(send_code(user), 429, "")


def test_simultaneous_guesses_get_five_checks_at_most(local_api: ApiClient, user: User) -> None:
    assert send_code(user).status == 200
    code = last_code(local_api)
    guesses = [f"{(int(code) + step) % 10**6:06d}" for step in range(1, 13)]
    answers = in_parallel([lambda guess=guess: verify(user, guess) for guess in guesses])  # type: ignore[misc]
    assert all(answer.status == 400 for answer in answers)
    checked = [a for a in answers if "not right" in a.json()["data"]["message"]]
    assert len(checked) <= 5
    assert_fail(verify(user, code), 400, "no valid code")


# ----- the provider -----
def test_when_twilio_does_not_take_the_message_it_is_a_503_and_does_not_count(local_api: ApiClient, user: User) -> None:
    local_api.stack.twilio.fail_with = 503
    try:
        for _ in range(4):
            assert send_code(user).status == 503
    finally:
        local_api.stack.twilio.fail_with = None
    assert send_code(user).status == 200  # the failed ones were not counted against the 3 an hour
    assert db.get_database()["chat_link_codes"].count_documents({}) == 1


@pytest.mark.usefixtures("whatsapp_off")
def test_without_twilio_settings_whatsapp_is_off_with_a_clear_503(user: User, configure: Configure) -> None:
    configure(TWILIO_WHATSAPP_FROM="")
    response = send_code(user)
    assert response.status == 503, response.text
    assert response.json() == {"status": "error", "data": {"message": "WhatsApp is not available on this server yet."}}
