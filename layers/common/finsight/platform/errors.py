"""Typed errors raised by use cases; `finsight.http` maps them to HTTP responses in one place."""

from __future__ import annotations

from typing import Any


class FinSightError(Exception):
    """Base of every error a client can be told about. `status_code` decides the HTTP answer."""

    status_code = 500
    default_message = "Something went wrong on our side. Please try again later."

    def __init__(
        self,
        message: str | None = None,
        *,
        details: list[dict[str, Any]] | None = None,
        extra: dict[str, Any] | None = None,
    ) -> None:
        self.message = message or self.default_message
        self.details = details
        self.extra = extra
        super().__init__(self.message)

    def headers(self) -> dict[str, str]:
        """Extra response headers this error asks for (e.g. `Retry-After`)."""
        return {}


class BadRequestError(FinSightError):
    status_code = 400
    default_message = "The request is not valid."


class UnauthorizedError(FinSightError):
    status_code = 401
    default_message = "Authentication is required."


class ForbiddenError(FinSightError):
    status_code = 403
    default_message = "You are not allowed to do that."


class ResourceNotFoundError(FinSightError):
    status_code = 404
    default_message = "Not found."


class ConflictError(FinSightError):
    status_code = 409
    default_message = "That conflicts with existing data."


class PayloadTooLargeError(FinSightError):
    status_code = 413
    default_message = "The request body is too large."


class RateLimitedError(FinSightError):
    status_code = 429
    default_message = "Too many requests. Please try again later."

    def __init__(
        self, message: str | None = None, *, retry_after_seconds: int, extra: dict[str, Any] | None = None
    ) -> None:
        super().__init__(message, extra=extra)
        self.retry_after_seconds = max(1, int(retry_after_seconds))

    def headers(self) -> dict[str, str]:
        return {"Retry-After": str(self.retry_after_seconds)}


class ServiceUnavailableError(FinSightError):
    status_code = 503
    default_message = "The service is temporarily unavailable. Please try again shortly."


class ConfigurationError(Exception):
    """The deployment is misconfigured (missing or invalid setting). Never shown to clients verbatim."""
