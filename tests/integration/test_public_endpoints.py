"""The first public endpoints, over HTTP through the local gateway, as API.md says they answer."""

from __future__ import annotations

import dataclasses
import json
import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from pymongo import MongoClient

from finsight.platform import db
from tests.conftest import load_event
from tests.http_client import ApiClient

pytestmark = pytest.mark.integration

CATEGORIES = [
    "Food & Dining",
    "Transportation",
    "Utilities",
    "Housing",
    "Shopping",
    "Entertainment",
    "Health & Wellness",
    "Groceries",
    "Bills & Fees",
    "Travel",
    "Education",
    "Other",
]


@pytest.mark.parametrize("path", ["/api/transactions/categories", "/api/transactions/categories/"])
def test_categories_with_and_without_trailing_slash(local_api: ApiClient, path: str) -> None:
    response = local_api.get(path)
    assert response.status == 200
    assert response.headers["content-type"] == "application/json"
    assert response.json() == {"status": "success", "data": CATEGORIES}


@pytest.mark.parametrize("path", ["/health", "/health/"])
def test_health_is_healthy_when_database_and_queue_answer(local_api: ApiClient, path: str) -> None:
    response = local_api.get(path)
    assert response.status == 200
    assert response.json() == {"status": "healthy", "checks": {"database": "ok", "queue": "ok"}}


@pytest.fixture
def database_down() -> Iterator[None]:
    working = db.get_client()
    db.use_client(MongoClient("mongodb://127.0.0.1:1/?directConnection=true", serverSelectionTimeoutMS=100))
    yield
    db.use_client(working)


@pytest.mark.usefixtures("database_down")
def test_health_is_503_naming_the_database_when_it_does_not_answer(local_api: ApiClient) -> None:
    response = local_api.get("/health")
    assert response.status == 503
    body = response.json()
    assert body["status"] == "error"
    assert "database" in body["data"]["message"]
    assert body["data"]["checks"] == {"database": "unavailable", "queue": "ok"}


@pytest.mark.usefixtures("queue_down")
def test_health_is_503_naming_the_queue_when_it_does_not_answer(local_api: ApiClient) -> None:
    response = local_api.get("/health")
    assert response.status == 503
    body = response.json()
    assert "queue" in body["data"]["message"]
    assert body["data"]["checks"] == {"database": "ok", "queue": "unavailable"}


def test_openapi_json_is_the_generated_spec(local_api: ApiClient) -> None:
    response = local_api.get("/api/openapi.json")
    assert response.status == 200
    assert response.headers["content-type"] == "application/json"
    spec = response.json()
    assert spec["openapi"].startswith("3.")
    assert {"/health", "/api/transactions/categories"} <= set(spec["paths"])


@pytest.mark.parametrize("path", ["/api/docs", "/api/docs/"])
def test_swagger_ui_is_self_contained(local_api: ApiClient, path: str) -> None:
    response = local_api.get(path)
    assert response.status == 200
    assert response.headers["content-type"].startswith("text/html")
    html = response.text
    assert "SwaggerUIBundle(" in html
    assert '"title": "FinSight API"' in html  # the spec is inline: no second request needed
    # Nothing is fetched from another host: no external scripts, styles or images.
    assert not re.search(r"""<(script|link|img)[^>]+(src|href)=["']?https?://""", html)


def test_swagger_ui_is_compressed_for_clients_that_accept_gzip(local_api: ApiClient) -> None:
    plain = local_api.get("/api/docs")
    compressed = local_api.get("/api/docs", headers={"Accept-Encoding": "gzip"})
    assert compressed.headers["content-encoding"] == "gzip"
    assert compressed.body == plain.body  # the client decompresses to the same page


def test_docs_format_json_serves_the_spec_for_swagger_ui(local_api: ApiClient) -> None:
    response = local_api.get("/api/docs?format=json")
    assert response.status == 200
    assert json.loads(response.body)["info"]["title"] == "FinSight API"


@pytest.mark.parametrize(("method", "path"), [("GET", "/api/unknown"), ("GET", "/"), ("TRACE", "/api/nothing-here")])
def test_unknown_routes_get_the_404_envelope(local_api: ApiClient, method: str, path: str) -> None:
    response = local_api.request(method, path)
    assert response.status == 404
    body = response.json()
    assert body["status"] == "fail"
    assert body["data"]["message"]


@pytest.mark.parametrize(
    ("method", "path", "allowed"),
    [
        ("TRACE", "/health", "GET"),
        ("DELETE", "/api/transactions/", "GET, POST"),
        ("PUT", "/api/transactions", "GET, POST"),
        ("POST", "/api/transactions/summary", "DELETE, GET, PATCH"),  # also /api/transactions/{transaction_id}
        ("PROPFIND", "/api/budgets/6a0000000000000000000001", "DELETE, GET, PATCH, PUT"),
        ("GET", "/api/auth/logout", "DELETE"),
        ("POST", "/api/docs", "GET"),
        ("POST", "/api/transactions/categories", "DELETE, GET, PATCH"),
    ],
)
def test_a_method_a_path_does_not_have_is_405_with_allow(
    local_api: ApiClient, method: str, path: str, allowed: str
) -> None:
    response = local_api.request(method, path)
    assert response.status == 405, response.text
    assert response.headers["allow"] == allowed
    body = response.json()
    assert body["status"] == "fail"
    assert f"answers {allowed}" in body["data"]["message"]


def test_cors_preflight_is_answered_for_the_configured_origin_only(local_api: ApiClient) -> None:
    allowed = local_api.request(
        "OPTIONS",
        "/api/transactions/",
        headers={"Origin": "http://localhost:3000", "Access-Control-Request-Method": "POST"},
    )
    assert allowed.status == 204
    assert allowed.headers["access-control-allow-origin"] == "http://localhost:3000"
    other = local_api.request(
        "OPTIONS",
        "/api/transactions/",
        headers={"Origin": "https://elsewhere.example", "Access-Control-Request-Method": "POST"},
    )
    assert "access-control-allow-origin" not in other.headers


def test_every_route_in_the_template_answers_without_a_server_error(local_api: ApiClient) -> None:
    for route in local_api.stack.template.routes:
        if route.path is None:
            continue
        response = local_api.request(route.method, route.path)
        assert response.status < 500, route.route_key


@pytest.mark.skipif(shutil.which("chromium") is None, reason="needs Debian's chromium (apt-get install chromium)")
def test_swagger_ui_renders_in_a_real_browser_with_no_network(local_api: ApiClient, tmp_path: Path) -> None:
    result = subprocess.run(
        [
            "chromium",
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            f"--user-data-dir={tmp_path}",
            "--virtual-time-budget=10000",
            "--dump-dom",
            f"{local_api.base_url}/api/docs",
        ],
        capture_output=True,
        text=True,
        timeout=90,
        check=True,
    )
    dom = result.stdout
    assert 'class="swagger-ui' in dom
    assert "FinSight API" in dom
    assert "/api/transactions/categories" in dom  # operations were rendered from the inline spec


# What each sample event gets on a fresh database (its bearer token is a placeholder, so protected
# routes answer 401; the reset token was never issued, so 400).
EXPECTED_STATUS = {
    "categories": 200,
    "docs": 200,
    "forgot_password": 200,
    "get_profile": 401,
    "health": 200,
    "login": 401,
    "logout": 401,
    "not_found": 404,
    "refresh": 401,
    "register": 201,
    "reset_password": 400,
    "update_profile": 401,
    "send_whatsapp_code": 401,
    "verify_whatsapp": 401,
    "unlink_whatsapp": 401,
    "whatsapp_webhook": 403,  # its signature is a placeholder
    "telegram_link": 401,
    "unlink_telegram": 401,
    "telegram_webhook": 403,  # its secret is a placeholder
    "create_transaction": 401,
    "list_transactions": 401,
    "get_transaction": 401,
    "update_transaction": 401,
    "delete_transaction": 401,
    "bulk_delete_transactions": 401,
    "create_import": 401,
    "list_imports": 401,
    "get_import": 401,
    "delete_import": 401,
    "map_import": 401,
    "create_export": 401,
    "create_recurring": 401,
    "list_recurring": 401,
    "update_recurring": 401,
    "delete_recurring": 401,
    "recurring_upcoming": 401,
    "recurring_suggestions": 401,
    "accept_suggestion": 401,
    "get_export": 401,
    "list_tags": 401,
    "list_rules": 401,
    "create_rule": 401,
    "update_rule": 401,
    "delete_rule": 401,
    "apply_rule": 401,
    "list_categories": 401,
    "create_category": 401,
    "update_category": 401,
    "delete_category": 401,
    "split_transaction": 401,
    "unsplit_transaction": 401,
    "create_webhook": 401,
    "list_webhooks": 401,
    "update_webhook": 401,
    "delete_webhook": 401,
    "list_webhook_deliveries": 401,
    "redeliver_webhook": 401,
    "transaction_status": 401,
    "transaction_summary": 401,
    "transaction_history": 401,
    "list_budgets": 401,
    "create_budget": 401,
    "get_budget": 401,
    "update_budget": 401,
    "delete_budget": 401,
    "request_ai_summary": 401,
    "ai_summary_result": 401,
}


def test_every_http_function_has_an_expected_sample_event_status(local_api: ApiClient) -> None:
    http_functions = {spec.code_uri.name for spec in local_api.stack.template.functions.values() if spec.routes}
    assert set(EXPECTED_STATUS) == http_functions


@pytest.mark.parametrize("function", sorted(EXPECTED_STATUS))
def test_each_sample_event_invokes_its_function(local_api: ApiClient, function: str) -> None:
    stack = local_api.stack
    logical_id = next(lid for lid, spec in stack.template.functions.items() if spec.code_uri.name == function)
    result = stack.invoke(logical_id, load_event(function))
    assert result.error is None
    assert result.response["statusCode"] == EXPECTED_STATUS[function]


def test_answers_given_before_routing_are_written_like_every_other_answer(local_api: ApiClient) -> None:
    refused = local_api.post("/api/budgets", json_body={"limit": "x"})  # 401 before the body is read
    too_big = local_api.post(
        "/api/auth/login", body="{" + " " * 70_000 + "}", headers={"Content-Type": "application/json"}
    )
    routed = local_api.get("/api/budgets")  # 401 from the route's own dependency
    for response in (refused, too_big, routed):
        assert response.text.startswith('{"status":"fail","data":{"message":'), response.text
    assert (refused.status, too_big.status, routed.status) == (401, 413, 401)


def test_a_function_may_read_only_the_secrets_its_template_policy_grants(local_api: ApiClient) -> None:
    # Locally secrets are plain variables; the stack checks each read against the function's IAM policy, so
    # a missing grant fails here as it would in AWS (forgot-password lacked the signing key's, once).
    stack = local_api.stack
    spec = stack.template.functions["ForgotPasswordFunction"]
    without_key = frozenset(name for name in spec.readable_parameters if "jwt" not in name)
    stack.template.functions["ForgotPasswordFunction"] = dataclasses.replace(spec, readable_parameters=without_key)
    try:
        denied = local_api.post("/api/auth/forgot-password", json_body={"email": "someone@example.com"})
    finally:
        stack.template.functions["ForgotPasswordFunction"] = spec
    assert denied.status == 500
    assert denied.json()["status"] == "error"
    assert local_api.post("/api/auth/forgot-password", json_body={"email": "someone@example.com"}).status == 200
