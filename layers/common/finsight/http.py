"""The HTTP edge every function shares: resolver, response envelope, error mapping, handler skeleton.

Contract (`API.md`): success is `{"status": "success", "data": ...}`; a client error is
`{"status": "fail", "data": {"message": ..., "details"?: [...]}}`; a server error is
`{"status": "error", "data": {"message": ...}}` and never carries a trace.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
import sys
from collections.abc import Callable, Mapping
from http import HTTPStatus
from typing import Any, Generic, Literal, TypeVar, cast

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, Response, content_types
from aws_lambda_powertools.event_handler.api_gateway import _ROUTE_REGEX, Router
from aws_lambda_powertools.event_handler.exceptions import ServiceError
from aws_lambda_powertools.event_handler.openapi.exceptions import (
    RequestUnsupportedContentType,
    RequestValidationError,
    ResponseValidationError,
)
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext
from pydantic import BaseModel

from finsight.errors import FinSightError
from finsight.observability import logger, metrics, tracer
from finsight.routes import allowed_methods

__all__ = [
    "BEARER_AUTH",
    "ERROR_ENVELOPE_SCHEMA",
    "FinSightResolver",
    "Router",
    "Success",
    "create_app",
    "documented_errors",
    "error_response",
    "http_handler",
    "success",
]

MAX_BODY_BYTES = 64 * 1024
# No request of this API nests deeper than 3; Python's JSON parser overflows its stack near 1,000.
MAX_JSON_DEPTH = 32
TOO_DEEP_MESSAGE = f"The request body nests too deeply (at most {MAX_JSON_DEPTH} levels)."
NOT_AN_OBJECT_MESSAGE = "The request body must be a JSON object."
NOT_JSON_CONTENT_TYPE_MESSAGE = "Content-Type must be application/json."
INTERNAL_ERROR_MESSAGE = "Something went wrong on our side. Please try again later."
UNAVAILABLE_MESSAGE = "The service is temporarily unavailable. Please try again shortly."

T = TypeVar("T")

# OpenAPI references to the envelope models of `finsight.envelopes`, for a route's `responses=`.
FAIL_ENVELOPE_SCHEMA = {"schema": {"$ref": "#/components/schemas/FailResponse"}}
ERROR_ENVELOPE_SCHEMA = {"schema": {"$ref": "#/components/schemas/ErrorResponse"}}


BEARER_AUTH: list[dict[str, list[str]]] = [{"bearerAuth": []}]


def documented_errors(*status_codes: int) -> dict[int, dict[str, Any]]:
    """OpenAPI `responses=` entries for error statuses a route can answer, with the contract's envelope."""
    return {
        code: {
            "description": HTTPStatus(code).phrase,
            "content": {"application/json": ERROR_ENVELOPE_SCHEMA if code >= 500 else FAIL_ENVELOPE_SCHEMA},
        }
        for code in status_codes
    }


class Success(BaseModel, Generic[T]):
    """The success envelope."""

    status: Literal["success"] = "success"
    data: T


def success(data: Any) -> dict[str, Any]:
    """Wrap a payload in the success envelope."""
    return {"status": "success", "data": data}


def error_body(
    status_code: int,
    message: str,
    details: list[dict[str, Any]] | None = None,
    extra: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """The envelope of an error: `fail` for 4xx, `error` for 5xx; `extra` adds fields beside `message`."""
    data: dict[str, Any] = {**(extra or {}), "message": message}
    if details:
        data["details"] = details
    return {"status": "fail" if status_code < 500 else "error", "data": data}


def error_response(
    status_code: int,
    message: str,
    *,
    details: list[dict[str, Any]] | None = None,
    extra: Mapping[str, Any] | None = None,
    headers: Mapping[str, str] | None = None,
) -> Response[Any]:
    """A Powertools response carrying the contract's error envelope."""
    return Response(
        status_code=status_code,
        content_type=content_types.APPLICATION_JSON,
        body=error_body(status_code, message, details, extra),
        headers=dict(headers or {}),
    )


def _media_type(content_type: str) -> str:
    return content_type.split(";", 1)[0].strip().lower()


def _is_json_media_type(media_type: str) -> bool:
    return media_type == "application/json" or (media_type.startswith("application/") and media_type.endswith("+json"))


def _body_problem(event: Mapping[str, Any]) -> tuple[int, str] | None:
    """Reject bodies the API never accepts before routing: wrong media type or too large."""
    body = event.get("body")
    if not body:
        return None
    size = len(body) * 3 // 4 if event.get("isBase64Encoded") else len(body.encode("utf-8"))
    if size > MAX_BODY_BYTES:
        return 413, f"The request body is too large (at most {MAX_BODY_BYTES // 1024} KiB)."
    headers = event.get("headers") or {}
    content_type = next((v for k, v in headers.items() if k.lower() == "content-type"), "")
    if content_type and not _is_json_media_type(_media_type(content_type)):
        return 400, NOT_JSON_CONTENT_TYPE_MESSAGE
    # Powertools validates a JSON array body as if it were its first element: refuse arrays here.
    if _starts_with_array(body, base64_encoded=bool(event.get("isBase64Encoded"))):
        return 400, NOT_AN_OBJECT_MESSAGE
    if _nests_too_deeply(body, base64_encoded=bool(event.get("isBase64Encoded"))):
        return 400, TOO_DEEP_MESSAGE
    return None


def _nests_too_deeply(body: str, *, base64_encoded: bool) -> bool:
    """Whether the JSON text opens more than MAX_JSON_DEPTH objects/arrays at once (brackets inside strings
    do not count). Parsing such a body would raise RecursionError: a 500 instead of a 400."""
    if base64_encoded:
        try:
            body = base64.b64decode(body).decode("utf-8", "replace")
        except (binascii.Error, ValueError):
            return False
    if body.count("{") + body.count("[") <= MAX_JSON_DEPTH:
        return False  # every ordinary request: no scan
    depth, in_string, escaped = 0, False, False
    for char in body:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "{[":
            depth += 1
            if depth > MAX_JSON_DEPTH:
                return True
        elif char in "}]":
            depth -= 1
    return False


def _starts_with_array(body: str, *, base64_encoded: bool) -> bool:
    head = body[:88]
    if base64_encoded:
        try:
            head = base64.b64decode(head[: len(head) // 4 * 4]).decode("utf-8", "replace")
        except (binascii.Error, ValueError):
            return False
    return head.lstrip().startswith("[")


def _without_empty_query_parameters(event: Mapping[str, Any]) -> dict[str, Any]:
    """API.md: a query parameter that is present but empty (`?search=`) means "not given"."""
    query = event.get("queryStringParameters") or {}
    if all(value != "" for value in query.values()):
        return dict(event)
    return {**event, "queryStringParameters": {name: value for name, value in query.items() if value != ""}}


class FinSightResolver(APIGatewayHttpResolver):
    """HTTP API resolver that matches a path with or without its trailing slash."""

    @staticmethod
    def _compile_regex(rule: str, base_regex: str = _ROUTE_REGEX) -> re.Pattern[str]:
        # Relies on Powertools' private _ROUTE_REGEX: the Powertools version is pinned in requirements.
        return cast(re.Pattern[str], APIGatewayHttpResolver._compile_regex(rule.rstrip("/") or "/", "^{}/?$"))

    def resolve(self, event: Mapping[str, Any], context: LambdaContext) -> dict[str, Any]:
        # Powertools validates the request before a route's dependencies run: without this check a protected
        # route would tell a caller with no (or a forged) token what is wrong with their body (400), not 401.
        if self._is_protected(event):
            from finsight.auth import token_problem  # noqa: PLC0415 - public functions never load JWT/MongoDB

            unauthorized = token_problem(event.get("headers") or {})
            if unauthorized is not None:
                return _raw_error(401, unauthorized.message, unauthorized.headers())
        problem = _body_problem(event)
        if problem is not None:
            return _raw_error(*problem)
        return super().resolve(_without_empty_query_parameters(event), context)

    def _is_protected(self, event: Mapping[str, Any]) -> bool:
        """Whether the route this HTTP API (v2) event reaches declares a security requirement."""
        http = (event.get("requestContext") or {}).get("http") or {}
        method, path = str(http.get("method", "")).upper(), str(event.get("rawPath", ""))
        return any(
            route.security and route.method == method and route.rule.match(path)
            for route in (*self._static_routes, *self._dynamic_routes)
        )


def _raw_error(status_code: int, message: str, headers: Mapping[str, str] | None = None) -> dict[str, Any]:
    """A Lambda proxy response with the contract's error envelope, for answers given before routing."""
    return {
        "statusCode": status_code,
        "headers": {"Content-Type": content_types.APPLICATION_JSON, **(headers or {})},
        "body": json.dumps(error_body(status_code, message), separators=(",", ":")),  # as Powertools writes it
        "isBase64Encoded": False,
    }


_NOT_AN_OBJECT = {"missing", "model_type", "model_attributes_type", "dict_type"}


def _detail(error: Mapping[str, Any]) -> dict[str, Any]:
    location, *path = error["loc"] or ("body",)
    message = str(error.get("msg", "is not valid")).removeprefix("Value error, ")
    return {"location": str(location), "field": ".".join(map(str, path)), "message": message, "type": error["type"]}


def validation_error_response(errors: list[Mapping[str, Any]]) -> Response[Any]:
    """Map request validation failures to a 400 with a readable message and per-field details.

    Input values are never echoed: they may hold a password.
    """
    if any(e["type"] == "json_invalid" for e in errors):
        return error_response(400, "The request body is not valid JSON.")
    whole_body = [e for e in errors if tuple(e["loc"]) == ("body",) and e["type"] in _NOT_AN_OBJECT]
    if whole_body:
        if whole_body[0]["type"] == "missing":
            return error_response(400, "A JSON object is required as the request body.")
        return error_response(400, NOT_AN_OBJECT_MESSAGE)
    details = [_detail(e) for e in errors]
    reasons = "; ".join(f"{d['field']}: {d['message']}" if d["field"] else d["message"] for d in details)
    return error_response(400, f"Invalid request: {reasons.rstrip('.')}.", details=details)


def _register_error_handlers(app: FinSightResolver) -> None:
    @app.exception_handler(RequestValidationError)
    def _invalid_request(exc: RequestValidationError) -> Response[Any]:
        return validation_error_response(list(exc.errors()))

    @app.exception_handler(RequestUnsupportedContentType)
    def _unsupported_content_type(exc: RequestUnsupportedContentType) -> Response[Any]:
        return error_response(400, NOT_JSON_CONTENT_TYPE_MESSAGE)

    @app.exception_handler(FinSightError)
    def _domain_error(exc: FinSightError) -> Response[Any]:
        if exc.status_code >= 500:
            logger.warning("Request failed", extra={"error": type(exc).__name__, "status": exc.status_code})
        return error_response(exc.status_code, exc.message, details=exc.details, extra=exc.extra, headers=exc.headers())

    @app.exception_handler(ServiceError)
    def _powertools_error(exc: ServiceError) -> Response[Any]:
        message = exc.msg if isinstance(exc.msg, str) else "The request could not be processed."
        return error_response(exc.status_code, message)

    @app.exception_handler(ResponseValidationError)
    def _invalid_response(exc: ResponseValidationError) -> Response[Any]:
        logger.exception("Response failed its own model")
        return error_response(500, INTERNAL_ERROR_MESSAGE)

    @app.exception_handler(Exception)
    def _unhandled(exc: Exception) -> Response[Any]:
        if _is_dependency_outage(exc):
            logger.warning("Dependency unavailable", extra={"error": type(exc).__name__})
            return error_response(503, UNAVAILABLE_MESSAGE)
        logger.exception("Unhandled error")
        return error_response(500, INTERNAL_ERROR_MESSAGE)

    @app.not_found
    def _no_route(exc: Exception) -> Response[Any]:
        event = app.current_event
        methods = allowed_methods(event.path)
        if methods:
            allowed = ", ".join(methods)
            return error_response(
                405, f"Method not allowed: {event.path[:200]} answers {allowed}.", headers={"Allow": allowed}
            )
        return error_response(404, f"Not found: no route matches {event.http_method} {event.path[:200]}.")


# Exceptions meaning "a dependency did not answer" (a retry may work): module name -> class names.
_OUTAGES = {
    "pymongo.errors": ("ConnectionFailure",),  # server selection timeouts, network errors, AutoReconnect
    "botocore.exceptions": ("ConnectionError", "ReadTimeoutError", "ConnectTimeoutError"),
}


def _is_dependency_outage(exc: Exception) -> bool:
    # Looked up in sys.modules so the HTTP path never imports pymongo or botocore just to catch them.
    for module_name, class_names in _OUTAGES.items():
        module = sys.modules.get(module_name)
        if module is not None and isinstance(exc, tuple(getattr(module, name) for name in class_names)):
            return True
    return False


def create_app(*routers: Router) -> FinSightResolver:
    """A resolver with validation, the contract's error mapping and the given routes."""
    app = FinSightResolver(enable_validation=True, response_validation_error_http_code=500)
    _register_error_handlers(app)
    for router in routers:
        app.include_router(router)
    return app


def http_handler(app: FinSightResolver) -> Callable[[dict[str, Any], LambdaContext], dict[str, Any]]:
    """The Lambda entry point of an HTTP function: logging with correlation id, tracing, metrics."""

    @logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_HTTP, clear_state=True)
    @tracer.capture_lambda_handler(capture_response=False)
    @metrics.log_metrics(capture_cold_start_metric=True)
    def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
        return app.resolve(event, context)

    return cast(Callable[[dict[str, Any], LambdaContext], dict[str, Any]], lambda_handler)
