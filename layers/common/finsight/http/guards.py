"""What is refused before routing: bodies the API never accepts (too large, not JSON, a JSON array, nested
too deeply), answered as a Lambda proxy response with the contract's envelope; empty query parameters dropped."""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Mapping
from typing import Any

from aws_lambda_powertools.event_handler import content_types

from finsight.http.envelope import error_body

MAX_BODY_BYTES = 64 * 1024
# No request of this API nests deeper than 3; Python's JSON parser overflows its stack near 1,000.
MAX_JSON_DEPTH = 32
TOO_DEEP_MESSAGE = f"The request body nests too deeply (at most {MAX_JSON_DEPTH} levels)."
NOT_AN_OBJECT_MESSAGE = "The request body must be a JSON object."
NOT_JSON_CONTENT_TYPE_MESSAGE = "Content-Type must be application/json."
NOT_FORM_CONTENT_TYPE_MESSAGE = "Content-Type must be application/x-www-form-urlencoded."


def _media_type(content_type: str) -> str:
    return content_type.split(";", 1)[0].strip().lower()


def _is_json_media_type(media_type: str) -> bool:
    return media_type == "application/json" or (media_type.startswith("application/") and media_type.endswith("+json"))


FORM_MEDIA_TYPE = "application/x-www-form-urlencoded"


def body_problem(event: Mapping[str, Any], *, form: bool = False) -> tuple[int, str] | None:
    """Reject bodies the API never accepts before routing: wrong media type or too large. `form`: the route
    takes a form-encoded body (a provider's webhook) instead of JSON."""
    body = event.get("body")
    if not body:
        return None
    size = len(body) * 3 // 4 if event.get("isBase64Encoded") else len(body.encode("utf-8"))
    if size > MAX_BODY_BYTES:
        return 413, f"The request body is too large (at most {MAX_BODY_BYTES // 1024} KiB)."
    headers = event.get("headers") or {}
    content_type = next((v for k, v in headers.items() if k.lower() == "content-type"), "")
    if form or (content_type and not _is_json_media_type(_media_type(content_type))):
        return _media_type_problem(content_type, form=form)
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


def _media_type_problem(content_type: str, *, form: bool) -> tuple[int, str] | None:
    if not form:
        return 400, NOT_JSON_CONTENT_TYPE_MESSAGE
    return None if _media_type(content_type) == FORM_MEDIA_TYPE else (400, NOT_FORM_CONTENT_TYPE_MESSAGE)


def _starts_with_array(body: str, *, base64_encoded: bool) -> bool:
    head = body[:88]
    if base64_encoded:
        try:
            head = base64.b64decode(head[: len(head) // 4 * 4]).decode("utf-8", "replace")
        except (binascii.Error, ValueError):
            return False
    return head.lstrip().startswith("[")


def without_empty_query_parameters(event: Mapping[str, Any]) -> dict[str, Any]:
    """API.md: a query parameter that is present but empty (`?search=`) means "not given"."""
    query = event.get("queryStringParameters") or {}
    if all(value != "" for value in query.values()):
        return dict(event)
    return {**event, "queryStringParameters": {name: value for name, value in query.items() if value != ""}}


def raw_error(status_code: int, message: str, headers: Mapping[str, str] | None = None) -> dict[str, Any]:
    """A Lambda proxy response with the contract's error envelope, for answers given before routing."""
    return {
        "statusCode": status_code,
        "headers": {"Content-Type": content_types.APPLICATION_JSON, **(headers or {})},
        "body": json.dumps(error_body(status_code, message), separators=(",", ":")),  # as Powertools writes it
        "isBase64Encoded": False,
    }
