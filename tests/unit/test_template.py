"""template.yaml: the rules the design card sets, checked so a careless edit fails the build."""

from __future__ import annotations

import pytest

from dev.localapi.stack import load_module
from dev.localapi.template import ROOT, HttpRoute, Template, load_template
from finsight.http import create_app

TEMPLATE = load_template()
RESOURCES = TEMPLATE.raw["Resources"]


def _http_routes(template: Template) -> list[HttpRoute]:
    return [r for r in template.routes if r.path is not None]


def test_every_route_is_declared_with_and_without_trailing_slash() -> None:
    declared = {(r.method, r.path) for r in _http_routes(TEMPLATE)}
    for method, path in declared:
        assert path is not None
        if "." in path.rsplit("/", 1)[-1]:
            continue  # a file such as /api/openapi.json has no folder form
        twin = path.rstrip("/") if path.endswith("/") else f"{path}/"
        assert (method, twin) in declared, f"{method} {path} has no {twin} twin"


def test_exactly_one_default_route_answers_unknown_paths() -> None:
    defaults = [r for r in TEMPLATE.routes if r.path is None]
    assert [r.function for r in defaults] == ["NotFoundFunction"]


@pytest.mark.parametrize("function", sorted(TEMPLATE.functions), ids=str)
def test_routes_in_code_are_exactly_the_routes_in_the_template(function: str) -> None:
    spec = TEMPLATE.functions[function]
    router = getattr(load_module(spec.module_file), "router", None)
    in_template = {(r.method, r.path.rstrip("/") or "/") for r in spec.routes if r.path is not None}
    app = create_app(router) if router is not None else create_app()
    in_code = {(route.method, route.openapi_path) for route in app._static_routes + app._dynamic_routes}
    assert in_code == in_template


@pytest.mark.parametrize("function", sorted(TEMPLATE.functions), ids=str)
def test_every_function_has_a_sample_event_that_routes_to_it(function: str) -> None:
    spec = TEMPLATE.functions[function]
    from tests.conftest import load_event

    event = load_event(spec.code_uri.name)
    route_keys = {r.route_key for r in spec.routes}
    assert event["routeKey"] in route_keys


def test_deployed_code_never_includes_the_dev_folder() -> None:
    for spec in TEMPLATE.functions.values():
        assert spec.code_uri.relative_to(ROOT).parts[0] == "functions"
    assert RESOURCES["CommonLayer"]["Properties"]["ContentUri"] == "layers/common/"
    assert RESOURCES["CommonLayer"]["Metadata"]["BuildMethod"] == "makefile"
    assert "build-CommonLayer:" in (ROOT / "layers" / "common" / "Makefile").read_text(encoding="utf-8")


def test_globals_pin_runtime_tracing_and_the_layer() -> None:
    function_globals = TEMPLATE.raw["Globals"]["Function"]
    assert function_globals["Runtime"] == "python3.11"
    assert function_globals["Tracing"] == "Active"
    assert function_globals["Layers"] == [{"Ref": "CommonLayer"}]
    assert {"POWERTOOLS_SERVICE_NAME", "POWERTOOLS_METRICS_NAMESPACE", "POWERTOOLS_LOG_LEVEL"} <= set(
        function_globals["Environment"]["Variables"]
    )


def test_secret_parameters_name_ssm_entries_and_never_hold_secret_values() -> None:
    parameters = TEMPLATE.raw["Parameters"]
    secret_names = [name for name in parameters if name.endswith("ParameterName")]
    assert sorted(secret_names) == ["GeminiApiKeyParameterName", "JwtSecretParameterName", "MongoUriParameterName"]
    for name in secret_names:
        assert parameters[name]["Default"].startswith("/finsight/")
    env = TEMPLATE.raw["Globals"]["Function"]["Environment"]["Variables"]
    assert not {"MONGODB_URI", "JWT_SECRET", "GEMINI_API_KEY"} & set(env)


def test_cors_origins_come_from_a_parameter_and_throttling_and_access_logs_are_set() -> None:
    api = RESOURCES["FinSightApi"]["Properties"]
    assert api["CorsConfiguration"]["AllowOrigins"] == {"Ref": "AllowedOrigins"}
    assert {"ThrottlingBurstLimit", "ThrottlingRateLimit"} <= set(api["DefaultRouteSettings"])
    assert api["AccessLogSettings"]["DestinationArn"] == {"Fn::GetAtt": ["ApiAccessLogs", "Arn"]}


def test_queue_has_a_dead_letter_queue_and_a_long_enough_visibility_timeout() -> None:
    queue = TEMPLATE.queues["AiQueue"]
    assert queue.dead_letter_queue == "AiDeadLetterQueue"
    assert queue.max_receive_count is not None
    assert queue.visibility_timeout >= 6 * 60


def test_functions_get_only_the_permissions_they_use() -> None:
    policies = {name: RESOURCES[name]["Properties"].get("Policies") for name in TEMPLATE.functions}
    assert policies["CategoriesFunction"] is None
    assert policies["DocsFunction"] is None
    assert policies["NotFoundFunction"] is None
    health_actions = {s["Action"] for s in policies["HealthFunction"][0]["Statement"]}
    assert health_actions == {"sqs:GetQueueAttributes", "ssm:GetParameter"}


def test_api_url_is_an_output() -> None:
    assert "ApiUrl" in TEMPLATE.raw["Outputs"]
