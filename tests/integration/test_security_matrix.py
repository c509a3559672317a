"""The security matrix: every route attacked the same ways, table-driven from the OpenAPI spec.

- every protected route: no token, tampered, expired, another key, `alg: none`, the wrong token type, revoked;
- every route that takes an id: another user's id, a malformed id, a deleted id;
- every body: MongoDB operator objects, huge strings, deep nesting, fields a client must not set;
- every response: no password hash, reset token or stack trace; CORS only for the configured origins.
A summary table (cases tried / passed per family) is printed at the end of the run.
"""

from __future__ import annotations

import base64
import json
import re
import time
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import Any
from urllib.parse import urlencode

import jwt
import pytest
from bson import ObjectId

from finsight.http.spec import SPEC_PATH
from finsight.platform import config, db
from tests.helpers import User, reset_link_token
from tests.http_client import ApiClient, HttpResponse

pytestmark = [pytest.mark.integration, pytest.mark.usefixtures("no_rate_history")]

SPEC = json.loads(SPEC_PATH.read_text(encoding="utf-8"))
OPERATIONS = [(method.upper(), path, op) for path, ops in SPEC["paths"].items() for method, op in ops.items()]
PROTECTED = [(method, path) for method, path, op in OPERATIONS if op.get("security")]
WITH_BODY = [(method, path) for method, path, op in OPERATIONS if "requestBody" in op]
ID_PARAMETER = re.compile(r"\{(\w+_id)\}")

# A valid body per operation, so the attack under test is the only thing wrong with a request.
VALID_BODIES: dict[tuple[str, str], dict[str, Any]] = {
    ("POST", "/api/auth/register"): {"email": "matrix-new@example.com", "password": "Str0ng!Pass"},
    ("POST", "/api/auth/login"): {"email": "matrix@example.com", "password": "Str0ng!Pass"},
    ("POST", "/api/auth/forgot-password"): {"email": "matrix@example.com"},
    ("POST", "/api/auth/reset-password"): {"token": "x" * 43, "password": "N3w!Password"},
    ("POST", "/api/auth/profile"): {"income": 1000},
    ("POST", "/api/auth/send-whatsapp-code"): {"whatsapp_number": "+919876543210"},
    ("POST", "/api/auth/verify-whatsapp"): {"code": "123456"},
    ("POST", "/api/transactions"): {"mode": "manual", "amount": 1, "category": "Other", "description": "x"},
    ("POST", "/api/transactions/bulk-delete"): {"ids": ["65f0c2a1b2c3d4e5f6a7b8c9"]},
    ("POST", "/api/imports"): {"filename": "statement.csv", "content_type": "text/csv", "size": 100},
    ("POST", "/api/exports"): {"format": "csv"},
    ("POST", "/api/recurring"): {
        "amount": 100,
        "category": "Housing",
        "description": "Rent",
        "schedule": {"frequency": "monthly", "start_date": "2026-12-01"},
    },
    ("PATCH", "/api/recurring/{recurring_id}"): {"amount": 200},
    ("POST", "/api/rules"): {"match": {"merchant": "Starbucks"}, "set": {"category": "Food & Dining"}},
    ("PATCH", "/api/rules/{rule_id}"): {"priority": 5},
    ("POST", "/api/categories"): {"name": "Coffee", "parent": "Food & Dining", "icon": "c", "colour": "#abcdef"},
    ("PATCH", "/api/categories/{category_id}"): {"name": "Coffee and tea", "colour": "#123456"},
    ("POST", "/api/webhooks"): {"url": "https://93.184.215.14/hooks", "events": ["transaction.created"]},
    ("PATCH", "/api/webhooks/{webhook_id}"): {"enabled": False},
    ("PUT", "/api/imports/{import_id}/mapping"): {"date": "Date", "description": "Details", "amount": "Amount"},
    ("PATCH", "/api/transactions/{transaction_id}"): {"amount": 2},
    ("POST", "/api/transactions/{transaction_id}/split"): {
        "parts": [{"amount": 4, "category": "Other"}, {"amount": 6, "category": "Food & Dining"}]
    },
    ("POST", "/api/budgets"): {"category": "Travel", "limit": 10},
    ("PUT", "/api/budgets/{budget_id}"): {"limit": 20},
    ("PATCH", "/api/budgets/{budget_id}"): {"limit": 20},
}
# What each protected route accepts: refresh and logout take a refresh token; logout takes either.
WRONG_TYPE = {("POST", "/api/auth/refresh"): "access", ("DELETE", "/api/auth/logout"): None}

RESULTS: Counter[tuple[str, bool]] = Counter()
SECRETS_SEEN: list[str] = []  # reset tokens e-mailed during the run: no response may contain one


def summary_lines() -> list[str]:
    """The table `tests/conftest.py` prints at the end of the run: cases tried and passed per family."""
    lines = ["Security matrix", f"{'family':<34}{'tried':>7}{'passed':>8}"]
    for family in sorted({family for family, _ in RESULTS}):
        tried = RESULTS[(family, True)] + RESULTS[(family, False)]
        lines.append(f"{family:<34}{tried:>7}{RESULTS[(family, True)]:>8}")
    passed = sum(n for (_, ok), n in RESULTS.items() if ok)
    lines.append(f"{'total':<34}{sum(RESULTS.values()):>7}{passed:>8}")
    return lines


def record(family: str, check: Callable[[], None]) -> None:
    """Run one case of `family`, count it, and fail the test if it fails."""
    try:
        check()
    except AssertionError:
        RESULTS[(family, False)] += 1
        raise
    RESULTS[(family, True)] += 1


def assert_safe(response: HttpResponse) -> None:
    """No response ever carries a password hash, a reset token or a stack trace, and errors keep the envelope."""
    text = response.text
    assert "$2b$" not in text
    assert "password_hash" not in text
    assert "Traceback" not in text
    assert 'File "' not in text
    assert all(secret not in text for secret in SECRETS_SEEN)
    assert response.status < 500, text
    if response.status >= 400 and response.headers.get("content-type", "").startswith("application/json"):
        body = response.json()
        assert body["status"] == "fail", text
        assert body["data"]["message"], text


def expect(response: HttpResponse, status: int) -> None:
    assert response.status == status, f"{response.status} {response.text}"
    assert_safe(response)


class Owner(User):
    """A user with one of everything an id route names."""

    def __init__(self, api: ApiClient) -> None:
        super().__init__(api)
        self.ids = {
            "transaction_id": self.add()["_id"],
            "budget_id": self.request("POST", "/api/budgets", json_body={"category": "Other", "limit": 5}).json()[
                "data"
            ]["_id"],
            "task_id": self.request("POST", "/api/ai/summary").json()["data"]["task_id"],
            "import_id": self.request("POST", "/api/imports", json_body=VALID_BODIES[("POST", "/api/imports")]).json()[
                "data"
            ]["import_id"],
            "export_id": self.request("POST", "/api/exports", json_body={"format": "csv"}).json()["data"]["export_id"],
            "recurring_id": self.request(
                "POST", "/api/recurring", json_body=VALID_BODIES[("POST", "/api/recurring")]
            ).json()["data"]["_id"],
            "rule_id": self.request("POST", "/api/rules", json_body=VALID_BODIES[("POST", "/api/rules")]).json()[
                "data"
            ]["_id"],
            "webhook_id": self.request(
                "POST", "/api/webhooks", json_body=VALID_BODIES[("POST", "/api/webhooks")]
            ).json()["data"]["_id"],
            "category_id": self.request(
                "POST", "/api/categories", json_body=VALID_BODIES[("POST", "/api/categories")]
            ).json()["data"]["id"],
        }
        self.ids["delivery_id"] = str(seed_delivery(self.id, self.ids["webhook_id"]))


def seed_delivery(user_id: str, webhook_id: str) -> ObjectId:
    """A delivered delivery of the webhook, as the delivery worker leaves one."""
    now = datetime.now(UTC).replace(microsecond=0)
    delivery_id = ObjectId()
    db.get_database()["webhook_deliveries"].insert_one(
        {
            "_id": delivery_id,
            "webhook_id": webhook_id,
            "user_id": user_id,
            "event_id": str(ObjectId()),
            "event_type": "transaction.created",
            "body": "{}",
            "status": "delivered",
            "attempts": 1,
            "created_at": now,
            "window_start": now,
            "next_attempt_at": now,
        }
    )
    return delivery_id


@pytest.fixture(scope="module")
def attacker(local_api: ApiClient) -> User:
    return User(local_api)


@pytest.fixture(scope="module")
def victim(local_api: ApiClient) -> Owner:
    return Owner(local_api)


def concrete(path: str, ids: dict[str, str]) -> str:
    return ID_PARAMETER.sub(lambda m: ids[m.group(1)], path)


def signed(claims: dict[str, Any], *, key: str | None = None, algorithm: str = "HS256") -> str:
    return jwt.encode(claims, key if key is not None else config.jwt_secret(), algorithm=algorithm)


def claims_of(token: str) -> dict[str, Any]:
    return dict(jwt.decode(token, options={"verify_signature": False}))


def forged_tokens(user: User) -> dict[str, str | None]:
    """Every way a token can be wrong, built from a real one of `user`."""
    base = claims_of(user.token)
    header, payload, signature = user.token.split(".")
    flipped = "A" if signature[0] != "A" else "B"
    # PyJWT annotates `key` without the None its "none" algorithm requires.
    unsigned = jwt.encode({**base}, None, algorithm="none")  # type: ignore[arg-type]
    return {
        "no token": None,
        "tampered": f"{header}.{payload}.{flipped}{signature[1:]}",
        "tampered payload": f"{header}.{signed({**base, 'sub': str(ObjectId())}).split('.')[1]}.{signature}",
        "expired": signed({**base, "iat": base["iat"] - 7200, "exp": int(time.time()) - 60}),
        "other key": signed(base, key="another-secret-that-is-long-enough-for-hs256!"),
        "alg none": unsigned,
        "garbage": "not.a.token",
        # Validly signed, with times no clock can hold (they gave a bare 500).
        "absurd exp": signed({**base, "exp": 10**20}),
        "absurd iat": signed({**base, "iat": -(10**20)}),
        "float exp": signed({**base, "exp": 1e20}),
    }


@pytest.mark.parametrize(("method", "path"), PROTECTED, ids=[f"{m} {p}" for m, p in PROTECTED])
def test_every_protected_route_refuses_every_bad_token(
    local_api: ApiClient, victim: Owner, method: str, path: str
) -> None:
    url = concrete(path, victim.ids)
    body = VALID_BODIES.get((method, path))
    for name, token in forged_tokens(victim).items():
        headers = {} if token is None else {"Authorization": f"Bearer {token}"}
        response = local_api.request(method, url, json_body=body, headers=headers)
        record(f"token: {name}", partial(expect, response, 401))
        if (method, path) in WITH_BODY:  # the token is checked before the body: no hint about what it should be
            headers["Content-Type"] = "application/json"
            response = local_api.request(method, url, body="{not json", headers=headers)
            record("token: bad token, invalid body", partial(expect, response, 401))
    wrong = WRONG_TYPE.get((method, path), "refresh")
    if wrong is not None:
        victim_login = local_api.post(
            "/api/auth/login", json_body={"email": victim.email, "password": "Str0ng!Pass"}
        ).json()["data"]
        token = victim_login["access_token" if wrong == "access" else "refresh_token"]
        response = local_api.request(method, url, json_body=body, headers={"Authorization": f"Bearer {token}"})
        record("token: wrong type", lambda: expect(response, 401))


@pytest.mark.parametrize(("method", "path"), PROTECTED, ids=[f"{m} {p}" for m, p in PROTECTED])
def test_a_revoked_token_is_refused_on_every_protected_route(local_api: ApiClient, method: str, path: str) -> None:
    user = Owner(local_api)
    assert user.request("DELETE", "/api/auth/logout").status == 200
    response = user.request(method, concrete(path, user.ids), json_body=VALID_BODIES.get((method, path)))
    record("token: revoked", lambda: expect(response, 401))


ID_OPERATIONS = [(m, p) for m, p, _ in OPERATIONS if ID_PARAMETER.search(p)]


@pytest.mark.parametrize(("method", "path"), ID_OPERATIONS, ids=[f"{m} {p}" for m, p in ID_OPERATIONS])
def test_every_id_route_hides_other_users_and_refuses_malformed_and_deleted_ids(
    local_api: ApiClient, attacker: User, victim: Owner, method: str, path: str
) -> None:
    body = VALID_BODIES.get((method, path))
    foreign = attacker.request(method, concrete(path, victim.ids), json_body=body)
    record("id: another user's", lambda: expect(foreign, 404))
    for bad in ("123", "g" * 24, "abcdefabcdef", "%24ne", "{}"):
        malformed = attacker.request(method, concrete(path, dict.fromkeys(victim.ids, bad)), json_body=body)
        record("id: malformed", partial(expect, malformed, 400))
    traversal = attacker.request(method, concrete(path, dict.fromkeys(victim.ids, "..%2F..%2Fauth%2Fprofile")))
    record("id: path traversal", lambda: expect(traversal, traversal.status if traversal.status in (400, 404) else 0))
    owner = Owner(local_api)
    database = db.get_database()
    database["transactions"].delete_one({"_id": ObjectId(owner.ids["transaction_id"])})
    database["budgets"].delete_one({"_id": ObjectId(owner.ids["budget_id"])})
    database["summary_jobs"].delete_one({"_id": ObjectId(owner.ids["task_id"])})
    database["imports"].delete_one({"_id": ObjectId(owner.ids["import_id"])})
    database["exports"].delete_one({"_id": ObjectId(owner.ids["export_id"])})
    database["recurring"].delete_one({"_id": ObjectId(owner.ids["recurring_id"])})
    database["rules"].delete_one({"_id": ObjectId(owner.ids["rule_id"])})
    database["webhooks"].delete_one({"_id": ObjectId(owner.ids["webhook_id"])})
    database["webhook_deliveries"].delete_one({"_id": ObjectId(owner.ids["delivery_id"])})
    database["categories"].delete_one({"_id": ObjectId(owner.ids["category_id"])})
    deleted = owner.request(method, concrete(path, owner.ids), json_body=body)
    record("id: deleted", lambda: expect(deleted, 404))
    # the victim's data is untouched by all of it
    assert victim.request("GET", concrete("/api/transactions/{transaction_id}", victim.ids)).status == 200
    assert victim.request("GET", concrete("/api/budgets/{budget_id}", victim.ids)).json()["data"]["limit"] == 5


def nested(depth: int) -> dict[str, Any]:
    value: dict[str, Any] = {}
    for _ in range(depth):
        value = {"a": value}
    return value


HOSTILE_VALUES = {
    "operator object": {"$gt": ""},
    "operator in a list": [{"$where": "sleep(1000)"}],
    "regex object": {"$regex": ".*"},
    "huge string (20k)": "x" * 20_000,
    "deep nesting (500)": nested(500),
}
MASS_ASSIGNMENT = {
    "user_id": str(ObjectId()),
    "status": "processing",
    "_id": str(ObjectId()),
    "parsed_by": "gemini",
    "created_at": "2000-01-01T00:00:00+00:00",
    "password_hash": "$2b$04$forged",
    "limit_minor": 1,
    "active_for": "x",
}


@pytest.mark.parametrize(("method", "path"), WITH_BODY, ids=[f"{m} {p}" for m, p in WITH_BODY])
def test_every_body_refuses_hostile_values_in_every_field(
    local_api: ApiClient, victim: Owner, method: str, path: str
) -> None:
    url = concrete(path, victim.ids)
    valid = VALID_BODIES[(method, path)]
    for field in valid:
        for name, value in HOSTILE_VALUES.items():
            response = victim.request(method, url, json_body={**valid, field: value})
            record(f"body: {name}", partial(expect, response, 400))
    too_big = victim.request(method, url, json_body={**valid, "padding": "x" * 70_000})
    record("body: over 64 KiB", lambda: expect(too_big, 413))
    deeply = '{"a":' * 9_000 + "1" + "}" * 9_000  # 55 KB: under the size limit, past the JSON parser's recursion
    deep = victim.request(method, url, body=deeply, headers={"Content-Type": "application/json"})
    record("body: deep nesting (9,000)", lambda: expect(deep, 400))


EXTREME_DATES = [
    "0001-01-01",
    "9999-12-31",
    "0001-01-01T00:00:00+14:00",
    "0001-01-01T00:00:00-14:00",
    "9999-12-31T23:59:59+00:00",
    "9999-12-31T23:59:59-14:00",
    "1899-12-31",
    "2201-01-01",
]


def forged_cursor(sort_by: str, value: Any) -> str:
    payload = {"s": sort_by, "d": True, "v": value, "i": str(ObjectId())}
    return base64.urlsafe_b64encode(json.dumps(payload).encode()).decode().rstrip("=")


@pytest.mark.parametrize("value", EXTREME_DATES)
def test_extreme_dates_are_a_readable_400_everywhere_a_date_is_taken(victim: Owner, value: str) -> None:
    for path in ("/api/transactions", "/api/transactions/history"):
        for name in ("start_date", "end_date"):
            response = victim.request("GET", f"{path}?{urlencode({name: value})}")
            record("dates: extreme bound", partial(expect_400_naming, response, name))
    create = {**VALID_BODIES[("POST", "/api/transactions")], "date": value}
    response = victim.request("POST", "/api/transactions", json_body=create)
    record("dates: extreme expense date", lambda: expect_400_naming(response, "date"))
    edit = victim.request(
        "PATCH", concrete("/api/transactions/{transaction_id}", victim.ids), json_body={"date": value}
    )
    record("dates: extreme expense date", lambda: expect_400_naming(edit, "date"))


def expect_400_naming(response: HttpResponse, parameter: str) -> None:
    """A 400 whose message says which parameter is wrong, and how."""
    expect(response, 400)
    message = response.json()["data"]["message"]
    assert parameter in message, message
    assert "1900" in message or "offset" in message, message


@pytest.mark.parametrize(
    ("sort_by", "value"),
    [
        ("date", "9999-12-31T23:59:59+00:00"),
        ("date", "0001-01-01T00:00:00-14:00"),
        ("date", "2026-11-01T00:00:00"),  # no offset
        ("date", 12),
        ("amount", 10**30),  # BSON holds 8-byte integers: a real server would refuse to encode it
        ("amount", 2**63),
        ("amount", -1),
        ("amount", 1.5),
        ("amount", True),
        ("amount", "100"),
    ],
)
def test_forged_cursors_are_a_400(victim: Owner, sort_by: str, value: Any) -> None:
    query = urlencode({"sort_by": sort_by, "cursor": forged_cursor(sort_by, value)})
    response = victim.request("GET", f"/api/transactions?{query}")
    record("dates: forged cursor", lambda: expect(response, 400))


STORED = {
    ("POST", "/api/transactions"): ("transactions", "transaction_id"),
    ("PATCH", "/api/transactions/{transaction_id}"): ("transactions", "transaction_id"),
    ("POST", "/api/budgets"): ("budgets", "budget_id"),
    ("PUT", "/api/budgets/{budget_id}"): ("budgets", "budget_id"),
    ("PATCH", "/api/budgets/{budget_id}"): ("budgets", "budget_id"),
    ("POST", "/api/auth/profile"): ("users", None),
}


@pytest.mark.parametrize(("method", "path"), sorted(STORED), ids=[f"{m} {p}" for m, p in sorted(STORED)])
def test_a_client_cannot_set_server_owned_fields(local_api: ApiClient, method: str, path: str) -> None:
    owner = Owner(local_api)
    collection, id_name = STORED[(method, path)]
    valid = dict(VALID_BODIES[(method, path)])
    if path == "/api/budgets":
        valid["category"] = "Shopping"
    response = owner.request(method, concrete(path, owner.ids), json_body={**valid, **MASS_ASSIGNMENT})
    record(
        "body: mass assignment",
        lambda: expect(response, 201 if method == "POST" and path != "/api/auth/profile" else 200),
    )
    returned = response.json()["data"]
    doc_id = ObjectId(returned["_id"]) if id_name else ObjectId(owner.id)
    stored = db.get_database()[collection].find_one({"_id": doc_id})
    assert stored is not None
    for name, value in MASS_ASSIGNMENT.items():
        assert stored.get(name) != value, f"{name} was set by the client"
        assert returned.get(name) != value, f"{name} came back as the client sent it"
    if collection != "users":
        assert stored["user_id"] == owner.id


def test_responses_never_carry_reset_tokens_even_to_their_owner(local_api: ApiClient) -> None:
    user = User(local_api)
    response = local_api.post("/api/auth/forgot-password", json_body={"email": user.email})
    token = reset_link_token(local_api, user.email)
    SECRETS_SEEN.append(token)
    record("response: reset token", lambda: expect(response, 200))
    for path in ("/api/auth/profile", "/api/transactions", "/api/budgets"):

        def answers_200(p: str = path) -> None:
            expect(user.request("GET", p), 200)

        record("response: reset token", answers_200)
    stored = db.get_database()["password_resets"].find_one({"user_id": user.id})
    assert token not in json.dumps(stored, default=str)  # stored hashed, never as sent


CORS_PATHS = sorted(
    {
        concrete(
            path,
            dict.fromkeys(
                (
                    "transaction_id",
                    "budget_id",
                    "task_id",
                    "import_id",
                    "export_id",
                    "rule_id",
                    "recurring_id",
                    "webhook_id",
                    "delivery_id",
                    "category_id",
                ),
                str(ObjectId()),
            ),
        )
        for _, path, _ in OPERATIONS
    }
)


@pytest.mark.parametrize("path", CORS_PATHS)
def test_cors_answers_only_the_configured_origins(local_api: ApiClient, path: str) -> None:
    allowed_origin = "http://localhost:3000"  # the template's AllowedOrigins default, which the gateway uses
    for origin, allowed in ((allowed_origin, True), ("https://evil.example.net", False), ("null", False)):
        preflight = local_api.request(
            "OPTIONS", path, headers={"Origin": origin, "Access-Control-Request-Method": "POST"}
        )
        actual = local_api.get(path, headers={"Origin": origin})

        def check(p: HttpResponse = preflight, a: HttpResponse = actual, o: str = origin, ok: bool = allowed) -> None:
            for response in (p, a):
                assert (response.headers.get("access-control-allow-origin") == o) is ok
                assert response.headers.get("access-control-allow-origin") != "*"
            assert_safe(a)

        record("cors", check)


def test_expired_tokens_of_the_right_key_really_are_expired(local_api: ApiClient, victim: Owner) -> None:
    """Guards the matrix itself: the forged tokens are refused for their flaw, not for being malformed."""
    base = claims_of(victim.token)
    fresh = signed({**base, "exp": int((datetime.now(UTC) + timedelta(minutes=5)).timestamp())})
    assert victim.request("GET", "/api/auth/profile", headers={"Authorization": f"Bearer {fresh}"}).status == 200
