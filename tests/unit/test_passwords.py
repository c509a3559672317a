"""Passwords: the contract's rules, bcrypt hashing, constant-time answers for unknown accounts."""

from __future__ import annotations

from collections.abc import Iterator

import bcrypt
import pytest

from finsight.accounts import password_policy, passwords
from finsight.accounts.settings import AccountSettings
from finsight.platform import config


@pytest.fixture(autouse=True)
def fresh_settings() -> Iterator[None]:
    config.reset_settings()
    yield
    config.reset_settings()


@pytest.mark.parametrize(
    ("password", "problem"),
    [
        ("Sh0rt!", "at least 8 characters"),
        ("alllower1!", "upper-case letter"),
        ("NoDigits!!", "digit"),
        ("NoSpecial12", "special character"),
        ("Aa1!" + "é" * 35, "at most 72 bytes"),  # 74 bytes in UTF-8, only 39 characters
    ],
)
def test_rules_reject_weak_or_over_long_passwords(password: str, problem: str) -> None:
    message = password_policy.password_problem(password)
    assert message is not None
    assert problem in message


@pytest.mark.parametrize("password", ["Str0ng!Pass", "Ünïcødé-P4ss", "A1!" + "x" * 69])
def test_rules_accept_good_passwords(password: str) -> None:
    assert password_policy.password_problem(password) is None


def test_hash_is_bcrypt_at_the_configured_cost_and_verifies() -> None:
    hashed = passwords.hash_password("Str0ng!Pass")
    assert hashed.startswith("$2b$04$")  # the suite runs at BCRYPT_ROUNDS=4
    assert "Str0ng!Pass" not in hashed
    assert passwords.verify_password("Str0ng!Pass", hashed)
    assert not passwords.verify_password("Str0ng!Pasz", hashed)


def test_default_cost_is_12() -> None:
    assert AccountSettings.from_environ({}).bcrypt_rounds == 12
    assert passwords._DUMMY_HASHES[12].startswith(b"$2b$12$")


def test_over_long_password_at_login_is_a_plain_no_not_an_error() -> None:
    hashed = passwords.hash_password("Str0ng!Pass")
    assert not passwords.verify_password("Aa1!" + "x" * 200, hashed)


def test_unknown_account_still_runs_one_bcrypt_check_at_the_same_cost(monkeypatch: pytest.MonkeyPatch) -> None:
    checked: list[bytes] = []
    real_check = bcrypt.checkpw

    def spy(password: bytes, hashed: bytes) -> bool:
        checked.append(hashed)
        return real_check(password, hashed)

    monkeypatch.setattr(bcrypt, "checkpw", spy)
    assert passwords.verify_password("Str0ng!Pass", None) is False
    assert len(checked) == 1
    assert checked[0].startswith(b"$2b$04$")  # same cost as real hashes, so about the same time
