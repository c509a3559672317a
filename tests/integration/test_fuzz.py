"""Schema fuzzing: schemathesis generates requests for every operation of the spec the local gateway serves
at `/api/openapi.json` (examples, boundary values and invalid data, then random valid data), authenticated
as a real user, and checks every answer: no server error, only documented status codes, the documented
content type, headers and response schema, invalid data refused, and a protected route refusing a request
without its token.

`make test` runs a bounded, repeatable set (FUZZ_EXAMPLES per operation, derandomized); `make fuzz` runs a
long random campaign (FUZZ_EXAMPLES=500 FUZZ_RANDOM=1).
"""

from __future__ import annotations

import json
import os
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.core.parameters import ParameterLocation
from schemathesis.specs.openapi.checks import negative_data_rejection, positive_data_acceptance, unsupported_method

from finsight.http.spec import SPEC_PATH
from finsight.platform import db
from tests.helpers import PASSWORD, User
from tests.http_client import ApiClient

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "25"))
RANDOM = os.environ.get("FUZZ_RANDOM") == "1"

# The routes that end or rotate the session they are called with get a fresh login for every case.
SESSION_ENDING = {"/api/auth/logout", "/api/auth/refresh"}


def rejects_invalid_data(ctx: Any, response: Any, case: Any) -> bool | None:
    """schemathesis' negative_data_rejection, except for a request whose only fault is a query parameter the
    spec does not name: the API ignores those, as HTTP APIs do (`?_=<cache buster>`)."""
    data = getattr(case.meta.phase, "data", None) if case.meta else None
    locations = {getattr(data, "parameter_location", None)} | {
        getattr(m, "parameter_location", None) for m in getattr(data, "mutations", ())
    }
    if "additionalProperties" in str(getattr(data, "description", "")) and locations - {None} == {
        ParameterLocation.QUERY
    }:
        return None
    return negative_data_rejection(ctx, response, case)


# Left out, with why:
# - positive_data_acceptance: JSON Schema cannot state this API's business rules (a date at most one day
#   ahead, no budget for a past month, password character classes): such requests get a documented 400.
# - unsupported_method: a method a path does not declare is answered 405 with `Allow` (test_public_endpoints), except
#   where a templated route takes the path (PATCH /api/transactions/summary *is* PATCH
#   /api/transactions/{transaction_id}, so its 400 is right), which this check cannot tell apart.
# - negative_data_rejection: replaced by `rejects_invalid_data` above.
EXCLUDED_CHECKS = [positive_data_acceptance, unsupported_method, negative_data_rejection]

# Loaded from the checked-in file at collection (the gateway is not up yet; schemathesis' fixture-based
# loader does not run under pytest 9); the first test proves the gateway serves exactly this document.
schema = schemathesis.openapi.from_path(SPEC_PATH)


@pytest.fixture(scope="module")
def fuzz_user(local_api: ApiClient) -> User:
    return User(local_api)


def test_the_fuzzed_spec_is_the_one_the_gateway_serves(local_api: ApiClient) -> None:
    response = local_api.get("/api/openapi.json")
    assert response.status == 200
    assert response.json() == json.loads(SPEC_PATH.read_text(encoding="utf-8"))


def token_for(case: Any, owner: User) -> str:
    if case.operation.path not in SESSION_ENDING:
        return owner.token
    db.get_database()["rate_events"].delete_many({})  # these logins are the harness's, not the fuzzer's
    response = owner.api.post("/api/auth/login", json_body={"email": owner.email, "password": PASSWORD})
    assert response.status == 200, response.text
    tokens = response.json()["data"]
    return str(tokens["refresh_token"] if case.operation.path == "/api/auth/refresh" else tokens["access_token"])


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    derandomize=not RANDOM,
    suppress_health_check=list(HealthCheck),
)
def test_every_operation_answers_as_documented(case: Any, local_api: ApiClient, fuzz_user: User) -> None:
    case.call_and_validate(
        base_url=local_api.base_url,
        headers={"Authorization": f"Bearer {token_for(case, fuzz_user)}"},
        excluded_checks=EXCLUDED_CHECKS,
        additional_checks=[rejects_invalid_data],
    )
