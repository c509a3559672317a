"""Accounts and authentication over HTTP through the local gateway (API.md auth rows)."""

from __future__ import annotations

import hashlib
import json
import threading
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from typing import Any

import bcrypt
import jwt
import pytest

from finsight.platform import config, db
from tests.conftest import Configure
from tests.helpers import (
    PASSWORD,
    bearer,
    collection,
    login,
    mail_to,
    new_account,
    new_email,
    profile,
    register,
    reset_link_token,
)
from tests.http_client import ApiClient, HttpResponse, assert_fail

pytestmark = [pytest.mark.integration, pytest.mark.usefixtures("no_rate_history")]

JSON = {"Content-Type": "application/json"}


@pytest.fixture
def small_limits(configure: Configure) -> None:
    """The limits are configuration: lower the per-address ones so a test can reach them quickly."""
    configure(LOGIN_FAILURES_PER_IP="3", REGISTRATIONS_PER_IP="3", FORGOT_PASSWORD_PER_IP="3")


# ----- register -----
def test_register_creates_the_account_with_a_bcrypt_hash(local_api: ApiClient) -> None:
    email = new_email()
    response = register(local_api, email)
    assert response.status == 201
    assert response.json() == {"status": "success", "data": {"message": "Account created. You can now log in."}}
    stored = collection("users").find_one({"email": email.lower()})
    assert stored is not None
    assert stored["password_hash"] != PASSWORD
    assert bcrypt.checkpw(PASSWORD.encode(), stored["password_hash"].encode())
    assert stored["timezone"] == "Asia/Kolkata"
    assert stored["currency"] == "INR"


@pytest.mark.parametrize("path", ["/api/auth/register", "/api/auth/register/"])
def test_register_same_email_in_other_case_is_409(local_api: ApiClient, path: str) -> None:
    email = new_email()
    assert register(local_api, email).status == 201
    response = local_api.post(path, json_body={"email": email.upper(), "password": PASSWORD})
    assert_fail(response, 409, "already exists")
    assert collection("users").count_documents({"email": email.lower()}) == 1


@pytest.mark.parametrize(
    ("password", "fragment"),
    [
        ("Sh0rt!", "at least 8 characters"),
        ("nouppercase1!", "upper-case"),
        ("NoDigitsHere!", "digit"),
        ("NoSpecial123", "special character"),
        ("Aa1!" + "é" * 35, "72 bytes"),
        ("A1!" + "x" * 300, "at most 256 characters"),
    ],
)
def test_register_refuses_weak_or_over_long_passwords_and_writes_nothing(
    local_api: ApiClient, password: str, fragment: str
) -> None:
    email = new_email()
    assert_fail(register(local_api, email, password), 400, fragment)
    assert collection("users").count_documents({"email": email.lower()}) == 0


BAD_BODIES: list[tuple[str, str, int, str]] = [
    ("not json", "{email: x", 400, "not valid JSON"),
    ("null", "null", 400, "JSON object"),
    ("array", '[{"email": "a@b.co"}]', 400, "JSON object"),
    ("wrong type", json.dumps({"email": 42, "password": PASSWORD}), 400, "email: Input should be a valid string"),
    ("missing fields", "{}", 400, "email: Field required"),
    ("operator object", json.dumps({"email": {"$gt": ""}, "password": PASSWORD}), 400, "valid string"),
    ("over-long email", json.dumps({"email": "a" * 300 + "@example.com", "password": PASSWORD}), 400, "email"),
    ("over 64 KiB", json.dumps({"email": "a@example.com", "password": "x" * 70_000}), 413, "too large"),
]


@pytest.mark.parametrize(("case", "body", "status", "fragment"), BAD_BODIES, ids=[c[0] for c in BAD_BODIES])
@pytest.mark.parametrize("path", ["/api/auth/register", "/api/auth/login", "/api/auth/forgot-password"])
def test_bad_bodies_get_a_readable_4xx_and_write_nothing(
    local_api: ApiClient, path: str, case: str, body: str, status: int, fragment: str
) -> None:
    before = {name: collection(name).count_documents({}) for name in ("users", "sessions", "password_resets")}
    assert_fail(local_api.post(path, body=body, headers=JSON), status, fragment)
    after = {name: collection(name).count_documents({}) for name in ("users", "sessions", "password_resets")}
    assert after == before


@pytest.mark.parametrize(
    "email",
    [
        "not-an-email",
        "two@@example.com",
        "spaces in@example.com",
        "@example.com",
        # A display name is not an address: it was stored as the account's email.
        '"x" <victim@example.com>',
        '"x"<victim@example.com>',
        "Victim <victim@example.com>",
        "victim@[127.0.0.1]",
        "a..b@example.com",
        "victim@example.com.",
    ],
)
def test_register_refuses_anything_but_a_bare_address(local_api: ApiClient, email: str) -> None:
    assert_fail(register(local_api, email), 400, "email")
    assert collection("users").count_documents({"email": {"$regex": "victim|^a\\.\\.b|an-email|^@|spaces"}}) == 0


def test_register_stores_a_valid_address_lower_cased(local_api: ApiClient) -> None:
    email = f"Mixed.Case+{uuid.uuid4().hex[:8]}@Example.COM"
    assert register(local_api, email).status == 201
    assert collection("users").count_documents({"email": email.lower()}) == 1


def test_wrong_content_type_is_400(local_api: ApiClient) -> None:
    response = local_api.post(
        "/api/auth/login", body="email=a@b.co&password=x", headers={"Content-Type": "application/x-www-form-urlencoded"}
    )
    assert_fail(response, 400, "Content-Type must be application/json")


# ----- login -----
def test_login_returns_access_and_refresh_tokens(local_api: ApiClient) -> None:
    email = new_email()
    register(local_api, email)
    response = login(local_api, email.upper())
    assert response.status == 200
    data = response.json()["data"]
    access = jwt.decode(data["access_token"], options={"verify_signature": False})
    refresh = jwt.decode(data["refresh_token"], options={"verify_signature": False})
    assert access["type"] == "access"
    assert refresh["type"] == "refresh"
    assert access["exp"] - access["iat"] == 15 * 60
    assert refresh["exp"] - refresh["iat"] == 30 * 24 * 3600  # the session's lifetime; idle expiry is kept server-side
    assert access["sid"] == refresh["sid"]
    assert data["token_type"] == "Bearer"
    assert data["expires_in"] == 900


def test_wrong_password_and_unknown_email_get_the_same_401(local_api: ApiClient) -> None:
    email = new_email()
    register(local_api, email)
    wrong = login(local_api, email, "Wr0ng!Pass")
    unknown = login(local_api, new_email())
    assert_fail(wrong, 401)
    assert wrong.json() == unknown.json()
    assert wrong.json()["data"]["message"] == "Invalid email or password"


def test_unknown_email_still_costs_one_bcrypt_check(local_api: ApiClient, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[bytes] = []
    real = bcrypt.checkpw

    def counting_checkpw(password: bytes, hashed: bytes) -> bool:
        calls.append(hashed)
        return real(password, hashed)

    monkeypatch.setattr(bcrypt, "checkpw", counting_checkpw)
    assert login(local_api, new_email()).status == 401
    assert len(calls) == 1


def test_sixth_failed_login_for_an_email_is_429_with_retry_after(local_api: ApiClient) -> None:
    email = new_email()
    register(local_api, email)
    for _ in range(5):
        assert login(local_api, email, "Wr0ng!Pass").status == 401
    limited = login(local_api, email, PASSWORD)  # even the right password waits
    assert_fail(limited, 429)
    assert 0 < int(limited.headers["retry-after"]) <= 15 * 60
    stored = collection("rate_events").find_one({})
    assert email.lower() not in json.dumps(stored, default=str)  # only a hash of the address is kept


def test_41_simultaneous_guesses_get_at_most_5_wrong_password_checks(
    local_api: ApiClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Reproduced before the fix: all 41 got a real answer, the right password among them.
    email = new_email()
    register(local_api, email)
    checks: list[bool] = []  # each password check's result
    real = bcrypt.checkpw

    def counted(password: bytes, hashed: bytes) -> bool:
        checks.append(real(password, hashed))
        return checks[-1]

    monkeypatch.setattr(bcrypt, "checkpw", counted)
    barrier = threading.Barrier(41)

    def guess(n: int) -> int:
        barrier.wait()
        return login(local_api, email, PASSWORD if n == 20 else "Wr0ng!Pass").status

    with ThreadPoolExecutor(41) as pool:
        statuses = list(pool.map(guess, range(41)))
    # At most 5 wrong guesses are checked. The right one, if admitted, is not a failure: it frees its place.
    assert checks.count(False) <= 5
    assert checks.count(True) <= 1
    assert statuses.count(401) <= 5
    assert set(statuses) <= {200, 401, 429}


def test_failed_logins_are_limited_per_source_address(local_api: ApiClient) -> None:
    for _ in range(50):
        assert login(local_api, new_email(), "Wr0ng!Pass").status == 401
    assert_fail(login(local_api, new_email(), "Wr0ng!Pass"), 429)


def test_client_supplied_forwarding_headers_do_not_change_the_counted_address(local_api: ApiClient) -> None:
    email = new_email()
    register(local_api, email)
    for n in range(5):
        response = local_api.post(
            "/api/auth/login",
            json_body={"email": email, "password": "Wr0ng!Pass"},
            headers={"X-Forwarded-For": f"198.51.100.{n}"},
        )
        assert response.status == 401
    events = list(collection("rate_events").find({"key": {"$regex": "^login-failure:ip:"}}))
    assert {e["key"] for e in events} == {"login-failure:ip:127.0.0.1"}


@pytest.mark.usefixtures("small_limits")
def test_registrations_are_limited_per_source_address(local_api: ApiClient) -> None:
    for _ in range(3):
        assert register(local_api, new_email()).status == 201
    response = register(local_api, new_email())
    assert_fail(response, 429)
    assert int(response.headers["retry-after"]) > 0


# ----- refresh (the session rules are in test_sessions.py) -----
def test_token_types_cannot_be_swapped(local_api: ApiClient) -> None:
    _, tokens = new_account(local_api)
    assert_fail(local_api.post("/api/auth/refresh", json_body={}, headers=bearer(tokens["access_token"])), 401)
    assert_fail(profile(local_api, tokens["refresh_token"]), 401)


# ----- logout -----
def test_logout_with_the_access_token_ends_the_session(local_api: ApiClient) -> None:
    _, tokens = new_account(local_api)
    response = local_api.request("DELETE", "/api/auth/logout", headers=bearer(tokens["access_token"]))
    assert response.status == 200
    assert response.json()["data"]["message"]
    assert_fail(profile(local_api, tokens["access_token"]), 401)
    assert_fail(local_api.post("/api/auth/refresh", json_body={}, headers=bearer(tokens["refresh_token"])), 401)
    assert_fail(local_api.request("DELETE", "/api/auth/logout", headers=bearer(tokens["access_token"])), 401)


def test_logout_with_the_refresh_token_ends_the_session(local_api: ApiClient) -> None:
    _, tokens = new_account(local_api)
    assert local_api.request("DELETE", "/api/auth/logout/", headers=bearer(tokens["refresh_token"])).status == 200
    assert_fail(profile(local_api, tokens["access_token"]), 401)


# ----- bad tokens, every protected route -----
def _forge(claims: dict[str, Any], key: str) -> str:
    return jwt.encode(claims, key, algorithm="HS256")


def bad_tokens(tokens: dict[str, Any]) -> dict[str, str]:
    secret = config.jwt_secret()
    claims = jwt.decode(tokens["access_token"], options={"verify_signature": False})
    header, payload, signature = tokens["access_token"].split(".")
    expired = {**claims, "iat": claims["iat"] - 7200, "exp": claims["iat"] - 3600}
    unsigned_header = jwt.utils.base64url_encode(b'{"alg":"none","typ":"JWT"}').decode()
    return {
        "tampered": f"{header}.{payload[:-2]}AA.{signature}",
        "expired": _forge(expired, secret),
        "other key": _forge(claims, "a-different-signing-key-of-sufficient-length-123456"),
        "alg none": f"{unsigned_header}.{payload}.",
        "garbage": "not-a-jwt",
    }


PROTECTED = [
    ("GET", "/api/auth/profile", None),
    ("POST", "/api/auth/profile", {"income": 10}),
    ("DELETE", "/api/auth/logout", None),
    ("POST", "/api/auth/refresh", {}),
]


@pytest.mark.parametrize(("method", "path", "body"), PROTECTED)
def test_protected_routes_refuse_missing_and_bad_tokens(
    local_api: ApiClient, method: str, path: str, body: Any
) -> None:
    _, tokens = new_account(local_api)
    assert_fail(local_api.request(method, path, json_body=body), 401, "Authorization: Bearer")
    assert_fail(local_api.request(method, path, json_body=body, headers={"Authorization": "Basic abc"}), 401)
    for name, token in bad_tokens(tokens).items():
        response = local_api.request(method, path, json_body=body, headers=bearer(token))
        assert response.status == 401, name
        assert response.json()["status"] == "fail"


# ----- forgot and reset password -----
def test_forgot_password_answers_the_same_and_mails_only_real_accounts(local_api: ApiClient) -> None:
    email, _ = new_account(local_api)
    nobody = new_email().lower()
    known = local_api.post("/api/auth/forgot-password", json_body={"email": email.upper()})
    unknown = local_api.post("/api/auth/forgot-password", json_body={"email": nobody})
    assert known.status == unknown.status == 200
    assert known.json() == unknown.json()
    assert len(mail_to(local_api, email)) == 1
    assert mail_to(local_api, nobody) == []
    [message] = mail_to(local_api, email)
    assert message.subject == "Reset your FinSight password"
    assert message.source == "FinSight <no-reply@example.com>"


def test_forgot_password_does_the_same_work_for_unknown_emails_and_only_the_mail_worker_sends(
    local_api: ApiClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    # It answered ~2.5x slower for real accounts (it sent the mail before answering): that told who has one.
    from dev.localapi import stack as local_stack
    from dev.roundtrips import count_round_trips
    from finsight.accounts import reset_mail
    from finsight.platform.mailer import get_mailer

    email, _ = new_account(local_api)
    senders: list[str] = []
    real_mailer = get_mailer

    class WhoSends:
        def send(self, **message: str) -> None:
            senders.append(local_stack._running.function.logical_id)
            real_mailer().send(**message)

    monkeypatch.setattr(reset_mail, "get_mailer", WhoSends)
    trips = []
    for address in (email, new_email().lower()):
        with count_round_trips(db.get_client()) as count:
            assert local_api.post("/api/auth/forgot-password", json_body={"email": address}).status == 200
        trips.append(count())
    assert trips[0] == trips[1]  # the same database work whether or not the account exists
    assert len(mail_to(local_api, email)) == 1
    assert senders == ["MailWorkerFunction"]


@pytest.fixture
def refusing_mail_provider(configure: Configure) -> Iterator[None]:
    """SES refuses every mail (a sender it does not know: what a sandboxed or misconfigured account does)."""
    from finsight.platform import mailer

    configure(MAIL_FROM="FinSight <not-verified@example.org>")
    mailer.get_mailer.cache_clear()
    yield
    mailer.get_mailer.cache_clear()


@pytest.mark.usefixtures("refusing_mail_provider")
def test_a_mail_the_provider_refuses_is_retried_then_dead_lettered_and_the_answer_stays_200(
    local_api: ApiClient,
) -> None:
    # An SES error became a 500, for real accounts only.
    stack = local_api.stack
    sqs = stack.boto3_client("sqs")
    dead_letters = stack.queue_urls["MailDeadLetterQueue"]
    sqs.purge_queue(QueueUrl=dead_letters)
    email, _ = new_account(local_api)
    known = local_api.post("/api/auth/forgot-password", json_body={"email": email})
    unknown = local_api.post("/api/auth/forgot-password", json_body={"email": new_email().lower()})
    assert known.status == unknown.status == 200
    assert known.json() == unknown.json()
    stack.wait_for_queue("MailQueue", timeout_s=30)  # three deliveries, then the dead-letter queue
    dead: list[dict[str, Any]] = []
    deadline = time.monotonic() + 10  # the move to the dead-letter queue may land just after the queue empties
    while not dead and time.monotonic() < deadline:
        dead = sqs.receive_message(QueueUrl=dead_letters, MaxNumberOfMessages=10, WaitTimeSeconds=1).get("Messages", [])
    assert [json.loads(m["Body"])["email"] for m in dead] == [email]
    assert mail_to(local_api, email) == []


def test_when_the_mail_queue_is_down_every_address_gets_the_same_503(
    local_api: ApiClient, configure: Configure
) -> None:
    configure(MAIL_QUEUE_URL="http://127.0.0.1:1/123456789012/absent")
    email, _ = new_account(local_api)
    known = local_api.post("/api/auth/forgot-password", json_body={"email": email})
    unknown = local_api.post("/api/auth/forgot-password", json_body={"email": new_email().lower()})
    assert known.status == unknown.status == 503
    assert known.json() == unknown.json()


def test_reset_token_is_random_long_and_stored_only_as_a_hash(local_api: ApiClient) -> None:
    email, _ = new_account(local_api)
    local_api.post("/api/auth/forgot-password", json_body={"email": email})
    token = reset_link_token(local_api, email)
    assert len(token) >= 43  # 32 random bytes, base64url
    stored = collection("password_resets").find_one({"_id": hashlib.sha256(token.encode()).hexdigest()})
    assert stored is not None
    assert token not in json.dumps(list(collection("password_resets").find()), default=str)
    expires = stored["expires_at"]
    assert timedelta(minutes=59) < expires - datetime.now(UTC) <= timedelta(hours=1)


def test_full_reset_flow_from_the_emailed_link(local_api: ApiClient) -> None:
    email, tokens = new_account(local_api)
    other_session = login(local_api, email).json()["data"]
    assert local_api.post("/api/auth/forgot-password/", json_body={"email": email}).status == 200
    token = reset_link_token(local_api, email)

    response = local_api.post("/api/auth/reset-password", json_body={"token": token, "password": "N3w!Password"})
    assert response.status == 200
    assert response.json()["data"]["message"]

    assert_fail(login(local_api, email), 401)
    assert login(local_api, email, "N3w!Password").status == 200
    # Every session that existed before the reset has ended.
    for old in (tokens, other_session):
        assert_fail(profile(local_api, old["access_token"]), 401)
        assert_fail(local_api.post("/api/auth/refresh", json_body={}, headers=bearer(old["refresh_token"])), 401)
    # The link works once.
    again = local_api.post("/api/auth/reset-password", json_body={"token": token, "password": "An0ther!Pass"})
    assert_fail(again, 400, "invalid, used or expired")


def test_no_login_with_the_old_password_outlives_a_reset_made_meanwhile(local_api: ApiClient) -> None:
    email, _ = new_account(local_api)
    assert local_api.post("/api/auth/forgot-password", json_body={"email": email}).status == 200
    token = reset_link_token(local_api, email)
    barrier = threading.Barrier(13)

    def log_in(_: int) -> HttpResponse:
        barrier.wait()
        return login(local_api, email)

    def reset(_: int) -> HttpResponse:
        barrier.wait()
        return local_api.post("/api/auth/reset-password", json_body={"token": token, "password": "N3w!Password"})

    with ThreadPoolExecutor(13) as pool:
        logins = [pool.submit(log_in, n) for n in range(12)]
        assert pool.submit(reset, 0).result().status == 200
        answers = [future.result() for future in logins]
    assert {answer.status for answer in answers} <= {200, 401, 429}  # 429: five at once count against the limit
    for answer in answers:  # whichever logins got tokens, none of them works after the reset
        if answer.status == 200:
            assert_fail(profile(local_api, answer.json()["data"]["access_token"]), 401)
    collection("rate_events").delete_many({})  # the old password's failures count against this address
    assert login(local_api, email, "N3w!Password").status == 200


def test_reset_with_a_weak_password_keeps_the_token_usable(local_api: ApiClient) -> None:
    email, _ = new_account(local_api)
    local_api.post("/api/auth/forgot-password", json_body={"email": email})
    token = reset_link_token(local_api, email)
    assert_fail(local_api.post("/api/auth/reset-password", json_body={"token": token, "password": "weak"}), 400)
    ok = local_api.post("/api/auth/reset-password", json_body={"token": token, "password": "N3w!Password"})
    assert ok.status == 200


def test_expired_or_unknown_reset_tokens_are_400(local_api: ApiClient) -> None:
    email, _ = new_account(local_api)
    local_api.post("/api/auth/forgot-password", json_body={"email": email})
    token = reset_link_token(local_api, email)
    collection("password_resets").update_one(
        {"_id": hashlib.sha256(token.encode()).hexdigest()},
        {"$set": {"expires_at": datetime.now(UTC) - timedelta(seconds=1)}},
    )
    expired = local_api.post("/api/auth/reset-password", json_body={"token": token, "password": "N3w!Password"})
    assert_fail(expired, 400, "expired")
    unknown = local_api.post("/api/auth/reset-password", json_body={"token": "A" * 43, "password": "N3w!Password"})
    assert_fail(unknown, 400)
    assert login(local_api, email).status == 200  # the password did not change


def test_forgot_password_is_limited_per_email(local_api: ApiClient) -> None:
    email, _ = new_account(local_api)
    for _ in range(3):
        assert local_api.post("/api/auth/forgot-password", json_body={"email": email}).status == 200
    limited = local_api.post("/api/auth/forgot-password", json_body={"email": email})
    assert_fail(limited, 429)
    assert len(mail_to(local_api, email)) == 3


@pytest.mark.usefixtures("small_limits")
def test_forgot_password_is_limited_per_source_address(local_api: ApiClient) -> None:
    for _ in range(3):
        assert local_api.post("/api/auth/forgot-password", json_body={"email": new_email()}).status == 200
    assert_fail(local_api.post("/api/auth/forgot-password", json_body={"email": new_email()}), 429)


# ----- profile -----
def test_profile_shows_the_user_without_the_password_hash(local_api: ApiClient) -> None:
    email, tokens = new_account(local_api)
    response = profile(local_api, tokens["access_token"])
    assert response.status == 200
    data = response.json()["data"]
    user = collection("users").find_one({"email": email})
    assert data == {
        "_id": str(user["_id"]),
        "email": email,
        "income": 0,
        "timezone": "Asia/Kolkata",
        "currency": "INR",
        "whatsapp_number": None,  # none linked yet (POST /api/auth/verify-whatsapp)
        "whatsapp_verified": False,
        "telegram_linked": False,  # none linked yet (POST /api/auth/telegram-link, then /start in Telegram)
        "budget_alert_emails": True,  # budget alerts by email while no chat is linked (the default)
    }
    assert '"income":0,' in response.text  # a whole amount prints as 0, not 0.0
    assert "password" not in response.text
    assert "$2b$" not in response.text


def test_profile_update_keeps_income_working_and_adds_time_zone_and_currency(local_api: ApiClient) -> None:
    email, tokens = new_account(local_api)
    only_income = local_api.post(
        "/api/auth/profile", json_body={"income": 85000.5}, headers=bearer(tokens["access_token"])
    )
    assert only_income.status == 200
    assert only_income.json()["data"]["income"] == 85000.5
    everything = local_api.post(
        "/api/auth/profile/",
        json_body={"income": 100000000, "timezone": "America/New_York", "currency": "usd"},
        headers=bearer(tokens["access_token"]),
    )
    assert everything.status == 200
    data = everything.json()["data"]
    assert (data["income"], data["timezone"], data["currency"]) == (100000000, "America/New_York", "USD")
    assert '"income":100000000,' in everything.text
    assert '"income":85000.5,' in only_income.text
    assert "$2b$" not in everything.text
    stored = collection("users").find_one({"email": email})
    assert stored["income_minor"] == 10_000_000_000
    assert profile(local_api, tokens["access_token"]).json()["data"] == data


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        ({"income": -1}, "income"),
        ({"income": 100000000.01}, "income"),
        ({"income": 1.005}, "2 decimal places"),
        ({"income": "lots"}, "income"),
        ({"income": True}, "income"),
        ({"income": {"$gt": 0}}, "income"),
        ({"timezone": "Mars/Olympus_Mons"}, "IANA"),
        ({"timezone": "x" * 100}, "timezone"),
        ({"currency": "XYZ"}, "ISO 4217"),
        ({"currency": "RUPEES"}, "currency"),
        ({}, "at least one"),
        ({"user_id": "someone", "email": "x@y.z"}, "at least one"),
    ],
)
def test_profile_update_refuses_bad_values_and_changes_nothing(
    local_api: ApiClient, body: dict[str, Any], fragment: str
) -> None:
    email, tokens = new_account(local_api)
    before = collection("users").find_one({"email": email})
    response = local_api.post("/api/auth/profile", json_body=body, headers=bearer(tokens["access_token"]))
    assert_fail(response, 400, fragment)
    assert collection("users").find_one({"email": email}) == before


def test_an_expired_session_rejects_its_tokens(local_api: ApiClient) -> None:
    _, tokens = new_account(local_api)
    sid = jwt.decode(tokens["access_token"], options={"verify_signature": False})["sid"]
    collection("sessions").update_one({"_id": sid}, {"$set": {"expires_at": datetime.now(UTC) - timedelta(seconds=1)}})
    assert_fail(profile(local_api, tokens["access_token"]), 401, "session has ended")
    assert_fail(local_api.post("/api/auth/refresh", json_body={}, headers=bearer(tokens["refresh_token"])), 401)


def test_the_gateway_prints_the_reset_link_on_its_console(
    local_api: ApiClient, caplog: pytest.LogCaptureFixture
) -> None:
    email, _ = new_account(local_api)
    with caplog.at_level("INFO", logger="localapi"):
        local_api.post("/api/auth/forgot-password", json_body={"email": email})
        token = reset_link_token(local_api, email)  # sent by the mail worker, a moment later
    assert f"reset-password?token={token}" in caplog.text


def test_database_outage_during_login_is_a_503_not_a_500(local_api: ApiClient) -> None:
    from pymongo import MongoClient

    working = db.get_client()
    db.use_client(MongoClient("mongodb://127.0.0.1:1/?directConnection=true", serverSelectionTimeoutMS=100))
    try:
        response = local_api.post("/api/auth/login", json_body={"email": new_email(), "password": PASSWORD})
    finally:
        db.use_client(working)
    assert response.status == 503
    assert response.json() == {
        "status": "error",
        "data": {"message": "The service is temporarily unavailable. Please try again shortly."},
    }
