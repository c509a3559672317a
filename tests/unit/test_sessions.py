"""Which refresh tokens a session accepts, and refreshes run on threads against the use case."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from finsight.accounts import service as accounts
from finsight.accounts import session_tokens
from finsight.accounts.principal import REFRESH
from finsight.accounts.sessions import SessionRecord, Verdict
from finsight.accounts.tokens import decode_token

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
LEEWAY = timedelta(seconds=15)


def session(**fields: Any) -> SessionRecord:
    values: dict[str, Any] = {
        "id": "s",
        "user_id": "u",
        "login_jti": "login",
        "refresh_jti": "newest",
        "refresh_iat": NOW,
        "previous_jti": "previous",
        "rotated_at": NOW - timedelta(minutes=20),
        "strict": False,
        "ends_at": NOW + timedelta(days=29),
        "expires_at": NOW + timedelta(days=7),
        "revoked_reason": None,
        **fields,
    }
    return SessionRecord(**values)


@pytest.mark.parametrize(
    ("fields", "jti", "expected"),
    [
        ({}, "newest", Verdict.ROTATE),
        ({}, "login", Verdict.ROTATE),  # a client that keeps its login token
        ({"rotated_at": NOW - timedelta(seconds=5)}, "login", Verdict.REISSUE),  # its parallel refreshes
        ({"rotated_at": NOW - timedelta(seconds=5)}, "previous", Verdict.REISSUE),
        ({"rotated_at": NOW - timedelta(seconds=15)}, "previous", Verdict.REISSUE),  # the leeway is inclusive
        ({"rotated_at": NOW - timedelta(seconds=16)}, "previous", Verdict.REUSED),
        ({}, "previous", Verdict.REUSED),
        ({}, "someone-else", Verdict.REUSED),
        ({"strict": True}, "login", Verdict.REUSED),  # adopted rotation: the login token is an older one
        ({"strict": True, "rotated_at": NOW - timedelta(seconds=5)}, "login", Verdict.REUSED),
        ({"strict": True}, "newest", Verdict.ROTATE),
        ({"login_jti": None}, "login", Verdict.REUSED),  # sessions from before login tokens were kept
    ],
)
def test_verdict_of_a_presented_refresh_token(fields: dict[str, Any], jti: str, expected: Verdict) -> None:
    assert session(**fields).verdict(jti, NOW, LEEWAY) is expected


def test_presenting_a_token_a_refresh_issued_makes_the_session_strict() -> None:
    assert session().adopts("newest") is True
    assert session().adopts("login") is False
    assert session(strict=True).adopts("login") is True


def refresh_at_once(token: str, count: int) -> list[Any]:
    claims = decode_token(token, allowed=REFRESH)
    barrier = threading.Barrier(count)

    def call(_: int) -> Any:
        barrier.wait()
        return session_tokens.refresh(claims)

    with ThreadPoolExecutor(count) as pool:
        return list(pool.map(call, range(count)))


@pytest.mark.usefixtures("signing_key")
def test_concurrent_refreshes_with_one_token_rotate_once_and_all_answer_the_newest(database: Any) -> None:
    accounts.register(email="a@example.com", password="Str0ng!Pass", ip="192.0.2.1")
    login_token = accounts.login(email="a@example.com", password="Str0ng!Pass", ip="192.0.2.1").refresh_token
    for round_number in range(5):
        answers = refresh_at_once(login_token, count=8)
        assert len({a.refresh_token for a in answers}) == 1, f"round {round_number}"
        [stored] = list(database["sessions"].find())
        assert stored["revoked_at"] is None
        assert decode_token(answers[0].refresh_token, allowed=REFRESH).jti == stored["refresh_jti"]
        database["sessions"].update_one(  # the next round comes after the leeway
            {"_id": stored["_id"]}, {"$set": {"rotated_at": stored["rotated_at"] - timedelta(minutes=1)}}
        )
