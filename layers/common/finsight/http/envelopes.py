"""Pydantic models of the error envelopes, for the OpenAPI document only.

At run time errors are rendered by `finsight.http.envelope.error_body`; keeping these models out of the
functions' import path saves cold-start time.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel


class ErrorDetail(BaseModel):
    """One invalid input: where it was (`body`, `query`, `path`, `header`), which field, what is wrong."""

    location: str
    field: str
    message: str
    type: str


class FailData(BaseModel):
    message: str
    details: list[ErrorDetail] | None = None


class FailResponse(BaseModel):
    """The client-error (4xx) envelope."""

    status: Literal["fail"] = "fail"
    data: FailData


class ErrorData(BaseModel):
    message: str


class ErrorResponse(BaseModel):
    """The server-error (5xx) envelope."""

    status: Literal["error"] = "error"
    data: ErrorData
