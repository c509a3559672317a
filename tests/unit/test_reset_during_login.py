"""After a password reset no session begun with the old password works, whatever the interleaving.

A login checks the password (bcrypt, ~0.25 s in production), then starts its session. A reset that lands
between the two used to leave that session alive, refreshable forever. Each test pauses the login thread at
one point, runs a whole reset on another thread, then lets the login finish.
"""

from __future__ import annotations

import secrets
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from finsight.accounts import service as accounts
from finsight.accounts.password_resets import PasswordResetRepository
from finsight.accounts.service import InvalidCredentialsError
from finsight.accounts.sessions import SessionRepository
from finsight.accounts.users import UserRepository

EMAIL = "asha@example.com"
OLD, NEW = "0ld!Password", "N3w!Password"

pytestmark = pytest.mark.usefixtures("signing_key")


@pytest.fixture
def user_id(database: Any) -> str:
    accounts.register(email=EMAIL, password=OLD, ip="192.0.2.1")
    user = UserRepository(database).find_by_email(EMAIL)
    assert user is not None
    return user.id


def reset(user_id: str, database: Any) -> None:
    token = secrets.token_urlsafe(32)
    PasswordResetRepository(database).create(
        token=token, user_id=user_id, expires_at=datetime.now(UTC) + timedelta(hours=1)
    )
    accounts.reset_password(token=token, password=NEW)


@dataclass
class Pause:
    reached: threading.Event = field(default_factory=threading.Event)
    release: threading.Event = field(default_factory=threading.Event)


def paused_at(monkeypatch: pytest.MonkeyPatch, target: Any, name: str) -> Pause:
    """Make `target.name`, called on the login thread, stop after it ran until released."""
    pause = Pause()
    real: Callable[..., Any] = getattr(target, name)

    def pausing(*args: Any, **kwargs: Any) -> Any:
        result = real(*args, **kwargs)
        if threading.current_thread().name == "login":
            pause.reached.set()
            assert pause.release.wait(10)
        return result

    monkeypatch.setattr(target, name, pausing)
    return pause


def login_on_a_thread() -> tuple[threading.Thread, dict[str, Any]]:
    outcome: dict[str, Any] = {}

    def run() -> None:
        try:
            outcome["tokens"] = accounts.login(email=EMAIL, password=OLD, ip="192.0.2.1")
        except InvalidCredentialsError as exc:
            outcome["refused"] = exc

    thread = threading.Thread(target=run, name="login")
    thread.start()
    return thread, outcome


@pytest.fixture(params=["after the password check", "after the session is stored"])
def pause(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[Pause]:
    """Where the login stops while the reset runs (released at the latest when the test ends)."""
    if request.param == "after the password check":
        point = paused_at(monkeypatch, accounts, "verify_password")
    else:
        point = paused_at(monkeypatch, SessionRepository, "create")
    yield point
    point.release.set()


def test_a_login_that_checked_the_old_password_before_a_reset_gets_no_living_session(
    database: Any, user_id: str, pause: Pause
) -> None:
    thread, outcome = login_on_a_thread()
    assert pause.reached.wait(10)
    reset(user_id, database)  # the whole reset, while the login waits
    pause.release.set()
    thread.join(10)
    live = database["sessions"].count_documents({"user_id": user_id, "revoked_at": None})
    assert live == 0, outcome
    assert "refused" in outcome  # the user is told to log in again, with the new password
    assert accounts.login(email=EMAIL, password=NEW, ip="192.0.2.1").access_token
