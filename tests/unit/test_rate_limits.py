"""Abuse limits hold under concurrent calls, and cannot be turned against the user they protect.

The use cases run on real threads released together (the in-memory database is atomic per operation, as a
server is); the source address is what API Gateway reports, passed in as `ip`.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from typing import Any

import bcrypt
import pytest

from finsight.accounts import service as accounts
from finsight.accounts.service import InvalidCredentialsError
from finsight.platform import queue
from finsight.platform.limits import TooManyAttemptsError
from tests.conftest import Configure

EMAIL = "asha@example.com"
PASSWORD = "Str0ng!Pass"
HOME = "198.51.100.7"  # the user's own address
ELSEWHERE = "203.0.113.9"

pytestmark = pytest.mark.usefixtures("signing_key")


@pytest.fixture
def account(database: Any) -> str:
    accounts.register(email=EMAIL, password=PASSWORD, ip="192.0.2.250")
    database["rate_events"].delete_many({})
    return EMAIL


@pytest.fixture
def bcrypt_checks(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """The result of every password check that ran (each is ~0.25 s of work in production)."""
    results: list[bool] = []
    real = bcrypt.checkpw

    def counted(password: bytes, hashed: bytes) -> bool:
        results.append(real(password, hashed))
        return results[-1]

    monkeypatch.setattr(bcrypt, "checkpw", counted)
    return results


def all_at_once(count: int, action: Callable[[int], Any]) -> list[Any]:
    """`action(i)` on `count` threads released together; each result, or the exception it raised."""
    barrier = threading.Barrier(count)

    def run(i: int) -> Any:
        barrier.wait()
        try:
            return action(i)
        except Exception as exc:
            return exc

    with ThreadPoolExecutor(count) as pool:
        return list(pool.map(run, range(count)))


WRONG = "Wr0ng!Pass"


def login(ip: str, password: str = WRONG) -> Any:
    return accounts.login(email=EMAIL, password=password, ip=ip)


# ----- counted first: concurrency cannot outrun a limit -----
@pytest.mark.usefixtures("account")
def test_simultaneous_guesses_get_at_most_the_limits_number_of_password_checks(bcrypt_checks: list[bool]) -> None:
    # 41 guesses at once, one of them right: the limit (5 per email and address) is checked before bcrypt.
    outcomes = all_at_once(41, lambda i: login(HOME, PASSWORD if i == 20 else "Wr0ng!Pass"))
    assert bcrypt_checks.count(False) <= 5  # wrong guesses checked
    assert bcrypt_checks.count(True) <= 1  # the right one, if admitted, is not a failure and frees its place
    failures = [o for o in outcomes if isinstance(o, InvalidCredentialsError)]
    assert len(failures) <= 5
    assert all(isinstance(o, InvalidCredentialsError | TooManyAttemptsError) or o.access_token for o in outcomes)


@pytest.mark.usefixtures("busy_switching")
def test_simultaneous_sign_ups_from_one_address_create_at_most_the_limit(database: Any, configure: Configure) -> None:
    configure(REGISTRATIONS_PER_IP="3")
    outcomes = all_at_once(12, lambda i: accounts.register(email=f"u{i}@example.com", password=PASSWORD, ip=HOME))
    assert sum(o is None for o in outcomes) <= 3
    assert database["users"].count_documents({}) <= 3
    assert all(o is None or isinstance(o, TooManyAttemptsError) for o in outcomes)


@pytest.mark.usefixtures("account", "busy_switching")
def test_simultaneous_reset_requests_queue_at_most_the_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    queued: list[Any] = []
    monkeypatch.setattr(queue, "send_job", lambda job, **_: queued.append(job))
    outcomes = all_at_once(10, lambda i: accounts.forgot_password(email=EMAIL, ip=f"192.0.2.{i}"))
    assert sum(o is None for o in outcomes) == len(queued) <= 3  # FORGOT_PASSWORD_PER_EMAIL
    assert all(o is None or isinstance(o, TooManyAttemptsError) for o in outcomes)


# ----- nobody elsewhere can lock a user out -----
@pytest.mark.usefixtures("account")
def test_failures_from_elsewhere_do_not_lock_the_user_out_on_their_own_address() -> None:
    for _ in range(5):
        with pytest.raises(InvalidCredentialsError):
            login(ELSEWHERE)
    with pytest.raises(TooManyAttemptsError):
        login(ELSEWHERE, PASSWORD)  # the guesser's address is limited, even with the right password
    assert login(HOME, PASSWORD).access_token  # the user, at home, is not


@pytest.mark.usefixtures("account")
def test_guessing_from_many_addresses_meets_the_looser_per_email_limit(configure: Configure) -> None:
    configure(LOGIN_FAILURES_PER_EMAIL="8")
    for n in range(8):
        with pytest.raises(InvalidCredentialsError):
            login(f"192.0.2.{n}")
    with pytest.raises(TooManyAttemptsError):
        login("192.0.2.99")


@pytest.mark.usefixtures("account")
def test_successful_logins_do_not_count_as_failures() -> None:
    for _ in range(12):
        assert login(HOME, PASSWORD).access_token


@pytest.mark.usefixtures("account")
def test_refused_attempts_do_not_keep_an_address_locked(database: Any) -> None:
    for _ in range(5):
        with pytest.raises(InvalidCredentialsError):
            login(ELSEWHERE)
    for _ in range(10):  # hammering while limited adds nothing to the count
        with pytest.raises(TooManyAttemptsError):
            login(ELSEWHERE)
    assert database["rate_events"].count_documents({"key": {"$regex": "email\\+ip"}}) == 5
    # Once the five failures leave the window, the address may try again.
    database["rate_events"].update_many(
        {}, {"$set": {"at": database["rate_events"].find_one()["at"] - timedelta(hours=1)}}
    )
    with pytest.raises(InvalidCredentialsError):
        login(ELSEWHERE)


@pytest.mark.usefixtures("account")
def test_retry_after_says_when_the_address_may_try_again() -> None:
    for _ in range(5):
        with pytest.raises(InvalidCredentialsError):
            login(ELSEWHERE)
    with pytest.raises(TooManyAttemptsError) as limited:
        login(ELSEWHERE)
    assert 14 * 60 < limited.value.retry_after_seconds <= 15 * 60


def test_every_login_limit_is_configurable(database: Any, configure: Configure) -> None:
    configure(LOGIN_FAILURES_PER_EMAIL_AND_IP="2", LOGIN_FAILURES_PER_IP="3", LOGIN_FAILURE_WINDOW_SECONDS="60")
    accounts.register(email=EMAIL, password=PASSWORD, ip="192.0.2.250")
    for _ in range(2):
        with pytest.raises(InvalidCredentialsError):
            login(ELSEWHERE)
    with pytest.raises(TooManyAttemptsError) as limited:
        login(ELSEWHERE)
    assert limited.value.retry_after_seconds <= 60
    with pytest.raises(InvalidCredentialsError):
        accounts.login(email="other@example.com", password="Wr0ng!Pass", ip=ELSEWHERE)
    with pytest.raises(TooManyAttemptsError):  # three failures from that address, whatever the email
        accounts.login(email="third@example.com", password="Wr0ng!Pass", ip=ELSEWHERE)


# ----- stored emails -----
@pytest.mark.usefixtures("account")
def test_emails_are_kept_only_as_a_keyed_hash(database: Any, configure: Configure) -> None:
    with pytest.raises(InvalidCredentialsError):
        login(ELSEWHERE)
    keys = " ".join(event["key"] for event in database["rate_events"].find())
    assert EMAIL not in keys
    assert hashlib.sha256(EMAIL.encode()).hexdigest()[:32] not in keys  # not recomputable from the address alone
    configure(JWT_SECRET="another-unit-test-signing-key-that-is-long-enough-0123456789")
    with pytest.raises(InvalidCredentialsError):
        login(ELSEWHERE)
    digests = {event["key"].split(":")[2] for event in database["rate_events"].find({"key": {"$regex": ":email:"}})}
    assert len(digests) == 2  # another key, another hash
