"""Tokens: HS256 only, typed, expiring; anything tampered, foreign or of the wrong type is refused."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime, timedelta

import jwt
import pytest

from finsight.accounts.tokens import InvalidTokenError, TokenType, decode_token, issue_token, sign_token
from finsight.platform.errors import ConfigurationError
from tests.conftest import Configure
from tests.unit.conftest import SIGNING_KEY as SECRET

ACCESS = frozenset({TokenType.ACCESS})
REFRESH = frozenset({TokenType.REFRESH})


pytestmark = pytest.mark.usefixtures("signing_key")


def _segments(token: str) -> list[str]:
    return token.split(".")


def _b64(data: dict[str, object]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def test_access_token_round_trip_carries_every_claim() -> None:
    token, claims = issue_token("6b04c5a75da220d7e1e3cc13", "session-1", TokenType.ACCESS)
    decoded = decode_token(token, allowed=ACCESS)
    assert decoded == claims
    payload = jwt.decode(token, SECRET, algorithms=["HS256"])
    assert set(payload) == {"sub", "type", "jti", "sid", "iat", "exp"}
    assert payload["sub"] == "6b04c5a75da220d7e1e3cc13"
    assert payload["exp"] - payload["iat"] == 15 * 60
    assert jwt.get_unverified_header(token)["alg"] == "HS256"


def test_refresh_token_lives_until_its_session_ends_and_ids_are_unique() -> None:
    ends = datetime.now(UTC) + timedelta(days=30)
    first, claims = issue_token("u", "s", TokenType.REFRESH, expires_at=ends)
    second, other = issue_token("u", "s", TokenType.REFRESH, expires_at=ends)
    assert claims.exp == ends.replace(microsecond=0)
    assert claims.jti != other.jti
    assert first != second
    with pytest.raises(ValueError, match="end of its session"):
        issue_token("u", "s", TokenType.REFRESH)


def test_the_same_claims_sign_to_the_same_token() -> None:
    token, claims = issue_token("u", "s", TokenType.REFRESH, expires_at=datetime.now(UTC) + timedelta(days=1))
    assert sign_token(claims) == token


def test_wrong_type_is_refused_both_ways() -> None:
    access, _ = issue_token("u", "s", TokenType.ACCESS)
    refresh, _ = issue_token("u", "s", TokenType.REFRESH, expires_at=datetime.now(UTC) + timedelta(days=1))
    with pytest.raises(InvalidTokenError, match="refresh token"):
        decode_token(access, allowed=REFRESH)
    with pytest.raises(InvalidTokenError, match="access token"):
        decode_token(refresh, allowed=ACCESS)


def test_expired_token_is_refused() -> None:
    token, _ = issue_token("u", "s", TokenType.ACCESS, now=datetime.now(UTC) - timedelta(hours=1))
    with pytest.raises(InvalidTokenError):
        decode_token(token, allowed=ACCESS)


def test_tampered_payload_is_refused() -> None:
    token, _ = issue_token("u", "s", TokenType.ACCESS)
    header, payload, signature = _segments(token)
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims["sub"] = "someone-else"
    with pytest.raises(InvalidTokenError):
        decode_token(f"{header}.{_b64(claims)}.{signature}", allowed=ACCESS)


def test_token_signed_with_another_key_is_refused() -> None:
    now = datetime.now(UTC)
    forged = jwt.encode(
        {"sub": "u", "type": "access", "jti": "j", "sid": "s", "iat": now, "exp": now + timedelta(minutes=5)},
        "another-key-that-is-also-long-enough-0123456789",
        algorithm="HS256",
    )
    with pytest.raises(InvalidTokenError):
        decode_token(forged, allowed=ACCESS)


def test_alg_none_and_other_algorithms_are_refused() -> None:
    now = int(datetime.now(UTC).timestamp())
    claims = {"sub": "u", "type": "access", "jti": "j", "sid": "s", "iat": now, "exp": now + 300}
    unsigned = f"{_b64({'alg': 'none', 'typ': 'JWT'})}.{_b64(claims)}."
    with pytest.raises(InvalidTokenError):
        decode_token(unsigned, allowed=ACCESS)
    hs512 = jwt.encode(claims, SECRET, algorithm="HS512")
    with pytest.raises(InvalidTokenError):
        decode_token(hs512, allowed=ACCESS)


@pytest.mark.parametrize("missing", ["sub", "type", "jti", "sid", "exp", "iat"])
def test_token_missing_a_claim_is_refused(missing: str) -> None:
    now = int(datetime.now(UTC).timestamp())
    claims = {"sub": "u", "type": "access", "jti": "j", "sid": "s", "iat": now, "exp": now + 300}
    del claims[missing]
    with pytest.raises(InvalidTokenError):
        decode_token(jwt.encode(claims, SECRET, algorithm="HS256"), allowed=ACCESS)


@pytest.mark.parametrize("garbage", ["", "abc", "a.b.c", "Bearer x", "e30.e30.e30"])
def test_garbage_is_refused(garbage: str) -> None:
    with pytest.raises(InvalidTokenError):
        decode_token(garbage, allowed=ACCESS)


def test_short_signing_key_is_a_configuration_error(configure: Configure) -> None:
    configure(JWT_SECRET="too-short")
    with pytest.raises(ConfigurationError, match="at least 32 bytes"):
        issue_token("u", "s", TokenType.ACCESS)


@pytest.mark.parametrize(
    "times", [{"exp": 10**20}, {"exp": 1e20}, {"iat": -(10**20)}, {"exp": -(10**20)}, {"iat": 1e308}, {"exp": True}]
)
def test_signed_tokens_with_impossible_times_are_refused(times: dict[str, object]) -> None:
    now = int(datetime.now(UTC).timestamp())
    claims = {"sub": "u", "type": "access", "jti": "j", "sid": "s", "iat": now, "exp": now + 60, **times}
    with pytest.raises(InvalidTokenError):
        decode_token(jwt.encode(claims, SECRET, algorithm="HS256"), allowed=ACCESS)
