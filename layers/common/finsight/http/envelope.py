"""The contract's envelopes (`API.md`): success is `{"status": "success", "data": ...}`; a client error is
`{"status": "fail", "data": {"message": ..., "details"?: [...]}}`; a server error is
`{"status": "error", "data": {"message": ...}}` and never carries a trace."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Generic, Literal, TypeVar

from aws_lambda_powertools.event_handler import Response, content_types
from pydantic import BaseModel

T = TypeVar("T")

INTERNAL_ERROR_MESSAGE = "Something went wrong on our side. Please try again later."
UNAVAILABLE_MESSAGE = "The service is temporarily unavailable. Please try again shortly."


class Success(BaseModel, Generic[T]):
    """The success envelope."""

    status: Literal["success"] = "success"
    data: T


class MessageResponse(BaseModel):
    message: str


def success(data: T) -> Success[T]:
    """Wrap a payload in the success envelope."""
    return Success(data=data)


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
