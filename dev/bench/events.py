"""Invocable API Gateway events: an `events/*.json` sample with a token, a body, a path or a query."""

from __future__ import annotations

import json
from typing import Any

from dev.localapi.events import sample_event


def request_event(
    name: str,
    *,
    token: str | None = None,
    body: Any = None,
    path: str | None = None,
) -> dict[str, Any]:
    event = sample_event(name)
    if token is not None:
        event["headers"]["authorization"] = f"Bearer {token}"
    if body is not None:
        event["body"] = json.dumps(body)
    if path is not None:
        event["rawPath"] = event["requestContext"]["http"]["path"] = path
    return event


def path_event(name: str, *, token: str, path: str, parameters: dict[str, str], body: Any = None) -> dict[str, Any]:
    """A request to `path`, whose path parameters are `parameters`."""
    event = request_event(name, token=token, body=body, path=path)
    event["pathParameters"] = parameters
    return event


def query_event(name: str, *, token: str, query: str) -> dict[str, Any]:
    """A request with the query string `query` ("a=1&b=2", or "" for none)."""
    event = request_event(name, token=token)
    event["rawQueryString"] = query
    event["queryStringParameters"] = dict(pair.split("=", 1) for pair in query.split("&")) if query else {}
    return event
