"""The checked-in OpenAPI spec matches the code; it documents the contract's envelopes."""

from __future__ import annotations

import json

from dev.localapi.template import load_template
from dev.openapi import SPEC_PATH, build_spec, render


def test_checked_in_spec_is_up_to_date() -> None:
    assert SPEC_PATH.read_text(encoding="utf-8") == render(build_spec()), "run `make openapi` and commit the result"


def test_spec_lists_every_public_route_of_the_template() -> None:
    spec = json.loads(SPEC_PATH.read_text(encoding="utf-8"))
    documented = {(method.upper(), path) for path, ops in spec["paths"].items() for method in ops}
    hidden = {"/api/docs", "/api/openapi.json"}
    declared = {
        (r.method, r.path.rstrip("/"))
        for r in load_template().routes
        if r.path is not None and r.path.rstrip("/") not in hidden
    }
    assert documented == declared


def test_spec_never_documents_422_and_every_operation_documents_the_500_envelope() -> None:
    spec = json.loads(SPEC_PATH.read_text(encoding="utf-8"))
    for operations in spec["paths"].values():
        for operation in operations.values():
            assert "422" not in operation["responses"]
            assert operation["responses"]["500"]["content"]["application/json"]["schema"] == {
                "$ref": "#/components/schemas/ErrorResponse"
            }
    assert {"FailResponse", "ErrorResponse"} <= set(spec["components"]["schemas"])
    assert "HTTPValidationError" not in spec["components"]["schemas"]
