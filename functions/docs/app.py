"""GET /api/docs (Swagger UI, fully inline so it renders with no internet) and GET /api/openapi.json.

The spec is `openapi.json` beside this file, generated from every function's routes and models by
`make openapi` and kept in sync by a test.
"""

from __future__ import annotations

import functools
from pathlib import Path

from aws_lambda_powertools.event_handler import Response, content_types
from aws_lambda_powertools.event_handler.openapi import swagger_ui
from aws_lambda_powertools.event_handler.openapi.swagger_ui.html import generate_swagger_html

from finsight.http import Router, create_app, http_handler

SPEC_PATH = Path(__file__).with_name("openapi.json")
CACHE_CONTROL = "public, max-age=300"

router = Router()


@functools.cache
def spec_text() -> str:
    return SPEC_PATH.read_text(encoding="utf-8")


@functools.cache
def swagger_page() -> str:
    assets = Path(swagger_ui.__file__).parent
    return generate_swagger_html(
        spec=spec_text(),
        swagger_js=(assets / "swagger-ui-bundle.min.js").read_text(encoding="utf-8"),
        swagger_css=(assets / "swagger-ui.min.css").read_text(encoding="utf-8"),
        swagger_base_url="",
        oauth2_config=None,
        persist_authorization=True,
    )


def _spec_response() -> Response:
    return Response(200, content_types.APPLICATION_JSON, spec_text(), {"Cache-Control": CACHE_CONTROL})


@router.get("/api/openapi.json", include_in_schema=False, compress=True)
def get_openapi_spec():  # type: ignore[no-untyped-def]
    return _spec_response()


@router.get("/api/docs", include_in_schema=False, compress=True)
def get_swagger_ui(format: str | None = None):  # type: ignore[no-untyped-def]
    if format == "json":
        return _spec_response()
    return Response(200, "text/html; charset=utf-8", swagger_page(), {"Cache-Control": CACHE_CONTROL})


app = create_app(router)
lambda_handler = http_handler(app)
