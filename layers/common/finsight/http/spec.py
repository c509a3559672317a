"""The API's published routes and how a route documents itself.

The OpenAPI document ships in this layer (`openapi.json`, written by `make openapi` from every function's
routes). The docs function serves it; a request whose path exists but whose method does not is answered 405
with the path's methods in `Allow`."""

from __future__ import annotations

import functools
import json
import re
from http import HTTPStatus
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from aws_lambda_powertools.event_handler.openapi.types import OpenAPIResponse, OpenAPIResponseContentSchema

    # What a route's `responses=` takes.
    ResponsesSpec = dict[int, OpenAPIResponse]

SPEC_PATH = Path(__file__).with_name("openapi.json")
# Served by the docs function but left out of the document itself.
UNDOCUMENTED = {"/api/docs": ("GET",), "/api/openapi.json": ("GET",)}

BEARER_AUTH: list[dict[str, list[str]]] = [{"bearerAuth": []}]
# OpenAPI references to the envelope models of `finsight.http.envelopes`, for a route's `responses=`.
FAIL_ENVELOPE_SCHEMA: OpenAPIResponseContentSchema = {"schema": {"$ref": "#/components/schemas/FailResponse"}}
ERROR_ENVELOPE_SCHEMA: OpenAPIResponseContentSchema = {"schema": {"$ref": "#/components/schemas/ErrorResponse"}}


def documented_errors(*status_codes: int) -> ResponsesSpec:
    """OpenAPI `responses=` entries for error statuses a route can answer, with the contract's envelope."""
    return {
        code: {
            "description": HTTPStatus(code).phrase,
            "content": {"application/json": ERROR_ENVELOPE_SCHEMA if code >= 500 else FAIL_ENVELOPE_SCHEMA},
        }
        for code in status_codes
    }


@functools.cache
def spec_text() -> str:
    return SPEC_PATH.read_text(encoding="utf-8")


@functools.cache
def _path_methods() -> tuple[tuple[re.Pattern[str], tuple[str, ...]], ...]:
    paths = {
        path: tuple(sorted(method.upper() for method in operations))
        for path, operations in json.loads(spec_text()).get("paths", {}).items()
    }
    return tuple(
        (re.compile("^" + re.sub(r"\\\{\w+\\\}", "[^/]+", re.escape(path.rstrip("/"))) + "/?$"), methods)
        for path, methods in {**paths, **UNDOCUMENTED}.items()
    )


def allowed_methods(path: str) -> tuple[str, ...]:
    """The methods the API answers on `path` (with or without its trailing slash); empty for an unknown path.
    Every route that takes the path counts: `/api/transactions/summary` is also a `{transaction_id}`."""
    return tuple(sorted({m for pattern, methods in _path_methods() if pattern.match(path) for m in methods}))
