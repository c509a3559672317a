"""GET /health: 200 when MongoDB and the queue answer, 503 naming what failed."""

from finsight.platform import coldstart  # noqa: F401 - first: no garbage collection while the function loads

# isort: split
from typing import Literal

from pydantic import BaseModel

from finsight.http import ERROR_ENVELOPE_SCHEMA, Router, create_app, http_handler
from finsight.platform.errors import ServiceUnavailableError
from finsight.platform.health import HealthReport, check_health

router = Router()


class HealthyResponse(BaseModel):
    status: Literal["healthy"] = "healthy"
    checks: HealthReport


@router.get(
    "/health",
    summary="Service health",
    description="Pings MongoDB and the AI queue. 503 (with `data.checks`) when either does not answer.",
    tags=["Health"],
    responses={
        200: {"description": "Every dependency answers", "content": {"application/json": {"model": HealthyResponse}}},
        503: {"description": "A dependency is down", "content": {"application/json": ERROR_ENVELOPE_SCHEMA}},
    },
)
def get_health() -> HealthyResponse:
    report = check_health()
    if not report.healthy:
        raise ServiceUnavailableError(
            f"Service unavailable: the {' and '.join(report.failing())} did not answer.",
            extra={"checks": report.model_dump(mode="json")},
        )
    return HealthyResponse(checks=report)


app = create_app(router)
lambda_handler = http_handler(app)
