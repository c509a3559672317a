"""The HTTP edge: every error class maps to the contract's envelope; paths match with or without '/'."""

from __future__ import annotations

import json
from typing import Annotated, Any, cast

import pytest
from aws_lambda_powertools.event_handler.openapi.params import Query
from aws_lambda_powertools.utilities.typing import LambdaContext as PowertoolsLambdaContext
from pydantic import BaseModel, Field

from finsight.http import Router, Success, create_app, http_handler, success
from finsight.http.app import request_id
from finsight.platform.errors import ConflictError, RateLimitedError, ResourceNotFoundError
from finsight.platform.observability import logger
from tests.conftest import load_event

router = Router()


class CreateThingRequest(BaseModel):
    name: Annotated[str, Field(min_length=1, max_length=20)]
    amount: Annotated[float, Field(gt=0)]


class Thing(BaseModel):
    name: str
    amount: float


@router.post("/api/things", status_code=201)
def create_thing(request: CreateThingRequest) -> Success[Thing]:
    return success(Thing(name=request.name, amount=request.amount))


@router.get("/api/things")
def list_things(page: Annotated[int, Query(ge=1)] = 1) -> Success[list[int]]:
    return success([page])


@router.get("/api/things/<thing_id>")
def get_thing(thing_id: str) -> Success[str]:
    if thing_id == "missing":
        raise ResourceNotFoundError("Thing not found.")
    if thing_id == "busy":
        raise ConflictError("Thing is busy.")
    if thing_id == "slow-down":
        raise RateLimitedError("Too many things.", retry_after_seconds=42)
    if thing_id == "boom":
        raise RuntimeError("secret internals /var/task/app.py line 3")
    if thing_id == "bad-response":
        # Off its own model on purpose: the response validation is what this route tests.
        return success({"not": "a string"})  # type: ignore[arg-type]
    return success(thing_id)


handler = http_handler(create_app(router))


def call(
    method: str, path: str, *, body: Any = None, raw_body: str | None = None, headers: dict[str, str] | None = None
) -> tuple[int, dict[str, str], dict[str, Any]]:
    event = load_event("categories")
    event["rawPath"] = path
    event["requestContext"]["http"]["method"] = method
    event["requestContext"]["http"]["path"] = path
    event["routeKey"] = f"{method} {path}"
    if "?" in path:
        event["rawPath"], event["rawQueryString"] = path.split("?", 1)
        event["queryStringParameters"] = dict(p.split("=", 1) for p in event["rawQueryString"].split("&"))
    if body is not None or raw_body is not None:
        event["body"] = raw_body if raw_body is not None else json.dumps(body)
        event["headers"]["content-type"] = "application/json"
    event["headers"].update(headers or {})
    from dev.localapi.events import LambdaContext

    # The local runtime's context has the attributes of Lambda's, not Powertools' class.
    response = handler(event, cast(PowertoolsLambdaContext, LambdaContext("things", 256, 10)))
    return response["statusCode"], response.get("headers", {}), json.loads(response["body"])


def assert_fail(body: dict[str, Any], fragment: str) -> None:
    assert body["status"] == "fail"
    assert fragment in body["data"]["message"]


def test_valid_body_gets_the_success_envelope_and_route_status() -> None:
    status, _, body = call("POST", "/api/things", body={"name": "tea", "amount": 2.5})
    assert status == 201
    assert body == {"status": "success", "data": {"name": "tea", "amount": 2.5}}


def test_invalid_fields_give_400_with_message_and_details_never_422() -> None:
    status, _, body = call("POST", "/api/things", body={"name": "", "amount": -1, "password": "hunter2"})
    assert status == 400
    assert_fail(body, "Invalid request")
    fields = {d["field"] for d in body["data"]["details"]}
    assert fields == {"name", "amount"}
    assert all(d["location"] == "body" for d in body["data"]["details"])
    assert "hunter2" not in json.dumps(body)


def test_missing_field_is_named_in_the_message() -> None:
    status, _, body = call("POST", "/api/things", body={"name": "tea"})
    assert status == 400
    assert_fail(body, "amount: Field required")


@pytest.mark.parametrize(
    ("raw", "fragment"),
    [
        ("{not json", "not valid JSON"),
        ("null", "JSON object"),
        ("[1, 2]", "must be a JSON object"),
        ('[{"name": "tea", "amount": 1}]', "must be a JSON object"),  # Powertools alone would unwrap it
        ('  \n [{"name": "tea", "amount": 1}]', "must be a JSON object"),
        ('"text"', "must be a JSON object"),
        ("42", "must be a JSON object"),
    ],
)
def test_malformed_or_non_object_bodies_give_400(raw: str, fragment: str) -> None:
    status, _, body = call("POST", "/api/things", raw_body=raw)
    assert status == 400
    assert_fail(body, fragment)


def test_a_deeply_nested_body_is_400_not_a_recursion_error() -> None:
    deep = '{"name": "tea", "amount": 1, "x": ' + "[" * 2_000 + "]" * 2_000 + "}"
    status, _, body = call("POST", "/api/things", raw_body=deep)
    assert status == 400
    assert_fail(body, "nests too deeply")


def test_brackets_inside_strings_do_not_count_as_nesting() -> None:
    note = '[{\\"' * 40  # 80 brackets and escaped quotes inside one string (an ignored field)
    status, _, body = call("POST", "/api/things", raw_body=json.dumps({"name": "tea", "amount": 1, "note": note}))
    assert status == 201, body


def test_missing_body_gives_400() -> None:
    status, _, body = call("POST", "/api/things")
    assert status == 400
    assert_fail(body, "JSON object is required")


@pytest.mark.parametrize(
    "content_type", ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x"]
)
def test_wrong_content_type_gives_400(content_type: str) -> None:
    status, _, body = call("POST", "/api/things", raw_body="name=tea&amount=2", headers={"content-type": content_type})
    assert status == 400
    assert_fail(body, "Content-Type must be application/json")


def test_json_content_type_with_charset_is_accepted() -> None:
    status, _, _ = call(
        "POST",
        "/api/things",
        raw_body='{"name": "tea", "amount": 1}',
        headers={"content-type": "application/json; charset=utf-8"},
    )
    assert status == 201


def test_body_over_64_kib_gives_413_envelope() -> None:
    status, _, body = call("POST", "/api/things", body={"name": "x" * (65 * 1024), "amount": 1})
    assert status == 413
    assert_fail(body, "too large")


def test_empty_query_parameters_mean_not_given() -> None:
    status, _, body = call("GET", "/api/things?page=")
    assert status == 200
    assert body["data"] == [1]


def test_invalid_query_parameter_gives_400_naming_it() -> None:
    status, _, body = call("GET", "/api/things?page=0")
    assert status == 400
    assert body["data"]["details"][0]["location"] == "query"
    assert body["data"]["details"][0]["field"] == "page"


@pytest.mark.parametrize("path", ["/api/things", "/api/things/", "/api/things/abc", "/api/things/abc/"])
def test_paths_match_with_and_without_trailing_slash(path: str) -> None:
    status, _, body = call("GET", path)
    assert status == 200
    assert body["status"] == "success"


@pytest.mark.parametrize(("method", "path"), [("GET", "/api/thingsX"), ("GET", "/nope"), ("DELETE", "/api/things")])
def test_unknown_route_or_method_gives_404_envelope(method: str, path: str) -> None:
    status, _, body = call(method, path)
    assert status == 404
    assert_fail(body, "no route matches")


@pytest.mark.parametrize(
    ("thing_id", "status"),
    [("missing", 404), ("busy", 409), ("slow-down", 429)],
)
def test_domain_errors_map_to_their_status(thing_id: str, status: int) -> None:
    got, headers, body = call("GET", f"/api/things/{thing_id}")
    assert got == status
    assert body["status"] == "fail"
    assert body["data"]["message"]
    if status == 429:
        assert headers["Retry-After"] == "42"


def test_unhandled_exception_gives_500_envelope_without_trace() -> None:
    status, _, body = call("GET", "/api/things/boom")
    assert status == 500
    assert body == {
        "status": "error",
        "data": {"message": "Something went wrong on our side. Please try again later."},
    }


def test_response_that_breaks_its_own_model_is_a_500_not_a_client_error() -> None:
    status, _, body = call("GET", "/api/things/bad-response")
    assert status == 500
    assert body["status"] == "error"


def test_the_logs_of_a_request_carry_api_gateways_request_id(caplog: pytest.LogCaptureFixture) -> None:
    """The correlation id is read from the event by the handler itself (not by Powertools' JMESPath path)."""
    with caplog.at_level("ERROR", logger="finsight"):
        status, _, _ = call("GET", "/api/things/boom")
    assert status == 500
    lines = [json.loads(logger.registered_formatter.format(record)) for record in caplog.records]
    unhandled = [line for line in lines if line["message"] == "Unhandled error"]
    assert [line["correlation_id"] for line in unhandled] == [load_event("categories")["requestContext"]["requestId"]]


@pytest.mark.parametrize(
    ("event", "expected"),
    [
        ({"requestContext": {"requestId": "abc"}}, "abc"),
        ({"requestContext": {"requestId": 7}}, None),
        ({"requestContext": "not an object"}, None),
        ({}, None),
    ],
)
def test_a_request_without_a_usable_id_is_logged_without_one(event: dict[str, Any], expected: str | None) -> None:
    assert request_id(event) == expected
