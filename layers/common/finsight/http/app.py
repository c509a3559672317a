"""The resolver and the Lambda entry point of every API function: pre-routing guards, validation, the
contract's error mapping, logging with the correlation id, tracing and metrics."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any, cast

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver
from aws_lambda_powertools.event_handler.api_gateway import _ROUTE_REGEX, Router
from aws_lambda_powertools.utilities.typing import LambdaContext

from finsight.http.errors import register_error_handlers
from finsight.http.guards import body_problem, raw_error, without_empty_query_parameters
from finsight.platform import coldstart
from finsight.platform.observability import logger, metrics, tracer

Handler = Callable[[dict[str, Any], LambdaContext], dict[str, Any]]


class FinSightResolver(APIGatewayHttpResolver):
    """HTTP API resolver that matches a path with or without its trailing slash. `form_bodies`: its routes
    take form-encoded bodies (a provider's webhook), read by the route itself."""

    def __init__(self, *, form_bodies: bool = False, **options: Any) -> None:
        super().__init__(**options)
        self.form_bodies = form_bodies

    @staticmethod
    def _compile_regex(rule: str, base_regex: str = _ROUTE_REGEX) -> re.Pattern[str]:
        # Relies on Powertools' private _ROUTE_REGEX: the Powertools version is pinned in requirements.
        return cast(re.Pattern[str], APIGatewayHttpResolver._compile_regex(rule.rstrip("/") or "/", "^{}/?$"))

    def resolve(self, event: Mapping[str, Any], context: LambdaContext) -> dict[str, Any]:
        # Powertools validates the request before a route's dependencies run: without this check a protected
        # route would tell a caller with no (or a forged) token what is wrong with their body (400), not 401.
        if self._is_protected(event):
            from finsight.accounts.principal import token_problem  # noqa: PLC0415 - public functions: no JWT/MongoDB

            unauthorized = token_problem(event.get("headers") or {})
            if unauthorized is not None:
                return raw_error(401, unauthorized.message, unauthorized.headers())
        problem = body_problem(event, form=self.form_bodies)
        if problem is not None:
            return raw_error(*problem)
        return super().resolve(without_empty_query_parameters(event), context)

    def _is_protected(self, event: Mapping[str, Any]) -> bool:
        """Whether the route this HTTP API (v2) event reaches declares a security requirement."""
        http = (event.get("requestContext") or {}).get("http") or {}
        method, path = str(http.get("method", "")).upper(), str(event.get("rawPath", ""))
        return any(
            route.security and route.method == method and route.rule.match(path)
            for route in (*self._static_routes, *self._dynamic_routes)
        )


def create_app(*routers: Router, form_bodies: bool = False) -> FinSightResolver:
    """A resolver with validation, the contract's error mapping and the given routes."""
    app = FinSightResolver(form_bodies=form_bodies, enable_validation=True, response_validation_error_http_code=500)
    register_error_handlers(app)
    for router in routers:
        app.include_router(router)
    return app


def request_id(event: Mapping[str, Any]) -> str | None:
    """API Gateway's id of the request (`requestContext.requestId`): the correlation id of the function's logs.
    Read here rather than by Powertools' `correlation_id_path`, which needs JMESPath (about 6 ms of cold start)."""
    context = event.get("requestContext")
    value = context.get("requestId") if isinstance(context, Mapping) else None
    return value if isinstance(value, str) else None


def http_handler(app: FinSightResolver) -> Handler:
    """The Lambda entry point of an HTTP function: logging with correlation id, tracing, metrics."""

    @logger.inject_lambda_context(clear_state=True)
    @tracer.capture_lambda_handler(capture_response=False)
    @metrics.log_metrics(capture_cold_start_metric=True)
    def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
        logger.set_correlation_id(request_id(event))
        return app.resolve(event, context)

    coldstart.loaded()
    return cast(Handler, lambda_handler)
