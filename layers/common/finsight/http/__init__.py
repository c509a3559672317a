"""The HTTP edge every API function shares: resolver and handler (`app`), envelopes (`envelope`), pre-routing
guards (`guards`), error mapping (`errors`), the published spec and how routes document themselves (`spec`)."""

from aws_lambda_powertools.event_handler.api_gateway import Router

from finsight.http.app import FinSightResolver, create_app, http_handler
from finsight.http.envelope import MessageResponse, Success, error_response, success
from finsight.http.spec import BEARER_AUTH, ERROR_ENVELOPE_SCHEMA, FAIL_ENVELOPE_SCHEMA, documented_errors

__all__ = [
    "BEARER_AUTH",
    "ERROR_ENVELOPE_SCHEMA",
    "FAIL_ENVELOPE_SCHEMA",
    "FinSightResolver",
    "MessageResponse",
    "Router",
    "Success",
    "create_app",
    "documented_errors",
    "error_response",
    "http_handler",
    "success",
]
