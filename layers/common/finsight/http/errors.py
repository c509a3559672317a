"""How errors become responses: request validation failures, domain errors, Powertools' own, outages of a
dependency (503), anything else (500, logged, never a trace), and unknown routes (404, or 405 with `Allow`)."""

from __future__ import annotations

import sys
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.exceptions import ServiceError
from aws_lambda_powertools.event_handler.openapi.exceptions import (
    RequestUnsupportedContentType,
    RequestValidationError,
    ResponseValidationError,
)

from finsight.http.envelope import INTERNAL_ERROR_MESSAGE, UNAVAILABLE_MESSAGE, error_response
from finsight.http.guards import NOT_AN_OBJECT_MESSAGE, NOT_JSON_CONTENT_TYPE_MESSAGE
from finsight.http.spec import allowed_methods
from finsight.platform.errors import FinSightError
from finsight.platform.observability import logger

if TYPE_CHECKING:
    from aws_lambda_powertools.event_handler import APIGatewayHttpResolver


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


def register_error_handlers(app: APIGatewayHttpResolver) -> None:
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
