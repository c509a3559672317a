"""GET /api/docs (Swagger UI, fully inline so it renders with no internet) and GET /api/openapi.json.

The spec is the layer's `finsight/http/openapi.json`, generated from every function's routes and models by
`make openapi` and kept in sync by a test. The Swagger UI script and stylesheet are the copies that
ship inside Powertools (found on disk, not imported: importing that package builds pydantic models).
"""

from finsight.platform import coldstart  # noqa: F401 - first: no garbage collection while the function loads

# isort: split
import functools
import importlib.util
from pathlib import Path

from aws_lambda_powertools.event_handler import Response, content_types

from finsight.http import Router, create_app, http_handler
from finsight.http.spec import spec_text

CACHE_CONTROL = "public, max-age=300"
SWAGGER_UI_PACKAGE = "aws_lambda_powertools.event_handler.openapi.swagger_ui"

PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>FinSight API documentation</title>
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <style>{css}</style>
</head>
<body>
  <div id="swagger-ui">Loading...</div>
  <script>{js}</script>
  <script>
    window.ui = SwaggerUIBundle({{
      dom_id: "#swagger-ui",
      spec: {spec},
      deepLinking: true,
      docExpansion: "list",
      filter: true,
      persistAuthorization: true,
      validatorUrl: null,
      presets: [SwaggerUIBundle.presets.apis, SwaggerUIBundle.SwaggerUIStandalonePreset],
      layout: "BaseLayout"
    }});
  </script>
</body>
</html>
"""

router = Router()


@functools.cache
def swagger_page() -> str:
    package = importlib.util.find_spec(SWAGGER_UI_PACKAGE)
    if package is None or not package.submodule_search_locations:
        raise RuntimeError(f"{SWAGGER_UI_PACKAGE} is not installed")
    assets = Path(next(iter(package.submodule_search_locations)))
    return PAGE.format(
        css=(assets / "swagger-ui.min.css").read_text(encoding="utf-8"),
        js=(assets / "swagger-ui-bundle.min.js").read_text(encoding="utf-8"),
        spec=spec_text().replace("</", "<\\/"),
    )


def _spec_response() -> Response[str]:
    return Response(200, content_types.APPLICATION_JSON, spec_text(), {"Cache-Control": CACHE_CONTROL})


# Neither route has a return annotation at run time: Powertools would validate and re-serialize the body (the
# spec, the page) against it. mypy reads the type comment; the second route's parameter must stay annotated
# (Powertools reads it), and a type comment cannot stand beside an annotation.
@router.get("/api/openapi.json", include_in_schema=False, compress=True)
def get_openapi_spec():  # type: () -> Response[str]
    return _spec_response()


@router.get("/api/docs", include_in_schema=False, compress=True)
def get_swagger_ui(format: str | None = None):  # type: ignore[no-untyped-def]
    if format == "json":
        return _spec_response()
    return Response(200, "text/html; charset=utf-8", swagger_page(), {"Cache-Control": CACHE_CONTROL})


app = create_app(router)
lambda_handler = http_handler(app)
