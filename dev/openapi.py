"""Generate the OpenAPI spec from every function's routes and models: `make openapi` (or `--check`).

Each function exposes its routes as `router`; they are gathered into one resolver whose schema is the
spec, then adjusted to the contract: validation failures are 400 envelopes (never 422), and every
operation documents the 500 envelope.
"""

from __future__ import annotations

import argparse
import json
import sys
from http import HTTPStatus
from pathlib import Path
from typing import Any

from aws_lambda_powertools.event_handler.openapi.models import HTTPBearer
from aws_lambda_powertools.event_handler.openapi.types import OpenAPIResponseContentSchema

from dev.localapi.stack import load_module
from dev.localapi.template import ROOT, Template, load_template
from finsight.http.spec import SPEC_PATH

TITLE = "FinSight API"
VERSION = "1.0.0"
DESCRIPTION = (
    "AI expense tracking. Every response uses the envelope `{status, data}`: `success` with the payload, "
    "`fail` (4xx) with `data.message` (and `data.details` for invalid fields), `error` (5xx) with `data.message`."
)
OBJECT_ID_PATTERN = "^[0-9a-fA-F]{24}$"
SUGGESTION_KEY_PATTERN = "^[0-9a-f]{16}$"
EMPTY_STRING = {"type": "string", "maxLength": 0}
TAGS = ["Health", "Auth", "Transactions", "Budgets", "AI", "Imports", "Exports", "Recurring", "Webhooks"]


def _envelope_schemas() -> dict[str, Any]:
    from finsight.http.envelopes import ErrorResponse, FailResponse

    schemas: dict[str, Any] = {}
    for model in (FailResponse, ErrorResponse):
        schema = model.model_json_schema(ref_template="#/components/schemas/{model}")
        schemas.update(schema.pop("$defs", {}))
        schemas[model.__name__] = schema
    return schemas


def _json_response(content: OpenAPIResponseContentSchema, description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": content}}


def routes_of(app: Any) -> list[Any]:
    """Every route of a resolver (Powertools keeps them in two private lists; its version is pinned)."""
    return [*app._static_routes, *app._dynamic_routes]


def _document_success_responses(app: Any) -> None:
    """A route given `responses=` (its errors) loses the success response Powertools derives from its
    return type: declare the route's status code without content, so Powertools fills in that schema."""
    for route in routes_of(app):
        if route.responses and route.status_code not in route.responses:
            success = {route.status_code: {"description": HTTPStatus(route.status_code).phrase}}
            route.responses = {**success, **route.responses}


def _document_parameters(parameters: list[dict[str, Any]]) -> None:
    """What the code enforces beyond the Python types: every `{..._id}` in a path is an ObjectId (anything else
    is a 400), and an optional query parameter may be present but empty, which means "not given" (API.md)."""
    for parameter in parameters:
        if parameter["in"] == "path" and parameter["name"].endswith("_id"):
            parameter["schema"] = {**parameter["schema"], "pattern": OBJECT_ID_PATTERN}
        elif parameter["in"] == "path" and parameter["name"] == "key":  # a suggestion's key
            parameter["schema"] = {**parameter["schema"], "pattern": SUGGESTION_KEY_PATTERN}
        elif parameter["in"] == "query" and not parameter.get("required"):
            schema = parameter["schema"]
            alternatives = schema.pop("anyOf", None) or [
                {k: schema.pop(k) for k in list(schema) if k not in ("title", "default", "description")}
            ]
            # Absent is how a query parameter is "null": the empty string takes pydantic's null alternative.
            schema["anyOf"] = [*(a for a in alternatives if a != {"type": "null"}), EMPTY_STRING]


def build_spec(template: Template | None = None) -> dict[str, Any]:
    """The OpenAPI document of every route in the template."""
    from finsight.http import ERROR_ENVELOPE_SCHEMA, FAIL_ENVELOPE_SCHEMA, create_app

    template = template or load_template()
    merged = create_app()
    for function in template.functions.values():
        router = getattr(load_module(function.module_file), "router", None)
        if router is not None:
            merged.include_router(router)
    _document_success_responses(merged)
    spec: dict[str, Any] = json.loads(
        merged.get_openapi_json_schema(
            title=TITLE,
            version=VERSION,
            description=DESCRIPTION,
            tags=[tag for tag in TAGS if any(tag in route.tags for route in routes_of(merged))],
            security_schemes={"bearerAuth": HTTPBearer(bearerFormat="JWT")},
        )
    )
    components = spec.setdefault("components", {}).setdefault("schemas", {})
    for unused in ("HTTPValidationError", "ValidationError", "ResponseValidationError"):
        components.pop(unused, None)
    components.update(_envelope_schemas())
    for operations in spec.get("paths", {}).values():
        for operation in operations.values():
            _document_parameters(operation.get("parameters", []))
            responses = operation.setdefault("responses", {})
            responses.pop("422", None)
            if (operation.get("parameters") or operation.get("requestBody")) and "400" not in responses:
                responses["400"] = _json_response(
                    FAIL_ENVELOPE_SCHEMA, "Invalid request (see `data.message` and `data.details`)"
                )
            responses["500"] = _json_response(ERROR_ENVELOPE_SCHEMA, "Unexpected server error")
    return dict(sorted(spec.items()))


def render(spec: dict[str, Any]) -> str:
    return json.dumps(spec, indent=2, ensure_ascii=False) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--check", action="store_true", help="exit 1 when the checked-in spec is out of date")
    parser.add_argument("--output", type=Path, default=SPEC_PATH)
    args = parser.parse_args()
    text = render(build_spec())
    if args.check:
        if args.output.read_text(encoding="utf-8") != text:
            print(f"{args.output} is out of date: run `make openapi`", file=sys.stderr)
            sys.exit(1)
        return
    args.output.write_text(text, encoding="utf-8")
    print(f"wrote {args.output.relative_to(ROOT)} ({len(spec_paths(text))} paths)")


def spec_paths(text: str) -> list[str]:
    return list(json.loads(text).get("paths", {}))


if __name__ == "__main__":
    main()
