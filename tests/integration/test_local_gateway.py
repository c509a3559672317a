"""The local gateway behaves like API Gateway: v2 events, route priority, CORS, SQS event sources."""

from __future__ import annotations

import base64
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest

from dev.localapi.gateway import Gateway
from dev.localapi.stack import LocalStack
from tests.http_client import ApiClient

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "localapi"

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def fixture_api() -> Iterator[ApiClient]:
    with LocalStack(template_path=FIXTURE / "template.yaml", sqs_retry_delay_s=0, poll_interval_s=0.05) as stack:
        gateway = Gateway(stack, port=0).start()
        try:
            yield ApiClient(gateway.url, stack)
        finally:
            gateway.stop()


def wait_for(condition: Callable[[], bool], timeout_s: float = 15) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.05)
    raise AssertionError("condition not met in time")


def test_http_api_v2_event_shape(fixture_api: ApiClient) -> None:
    response = fixture_api.get(
        "/echo/abc?x=1&x=2&empty=&space=a%20b",
        headers={"X-Custom-Header": "Value", "Cookie": "a=1; b=2", "User-Agent": "tests"},
    )
    assert response.status == 200
    event: dict[str, Any] = response.json()
    assert event["version"] == "2.0"
    assert event["routeKey"] == "GET /echo/{id}"
    assert event["rawPath"] == "/echo/abc"
    assert event["rawQueryString"] == "x=1&x=2&empty=&space=a%20b"
    assert event["queryStringParameters"] == {"x": "1,2", "empty": "", "space": "a b"}
    assert event["pathParameters"] == {"id": "abc"}
    assert event["headers"]["x-custom-header"] == "Value"
    assert all(name == name.lower() for name in event["headers"])
    assert event["cookies"] == ["a=1", "b=2"]
    context = event["requestContext"]
    assert context["http"]["method"] == "GET"
    assert context["http"]["path"] == "/echo/abc"
    assert context["http"]["sourceIp"] == "127.0.0.1"
    assert context["http"]["userAgent"] == "tests"
    assert context["requestId"]
    assert context["stage"] == "$default"
    assert event["isBase64Encoded"] is False
    assert "body" not in event


def test_each_request_gets_its_own_request_id(fixture_api: ApiClient) -> None:
    first = fixture_api.get("/echo/a").json()["requestContext"]["requestId"]
    second = fixture_api.get("/echo/a").json()["requestContext"]["requestId"]
    assert first != second


def test_text_bodies_pass_as_text_and_binary_bodies_as_base64(fixture_api: ApiClient) -> None:
    text = fixture_api.post("/echo", json_body={"a": 1}).json()
    assert text["isBase64Encoded"] is False
    assert text["body"] == '{"a": 1}'
    binary = fixture_api.post(
        "/echo", body=b"\x00\xff\x10", headers={"Content-Type": "application/octet-stream"}
    ).json()
    assert binary["isBase64Encoded"] is True
    assert base64.b64decode(binary["body"]) == b"\x00\xff\x10"


def test_literal_routes_win_over_path_variables_and_greedy_paths_match(fixture_api: ApiClient) -> None:
    assert fixture_api.get("/echo/literal").json()["routeKey"] == "GET /echo/literal"
    greedy = fixture_api.request("DELETE", "/files/a/b/c.txt").json()
    assert greedy["routeKey"] == "ANY /files/{proxy+}"
    assert greedy["pathParameters"] == {"proxy": "a/b/c.txt"}


def test_unmatched_route_without_default_gets_api_gateway_404(fixture_api: ApiClient) -> None:
    response = fixture_api.get("/echo")  # only POST /echo exists, and this API has no $default route
    assert response.status == 404
    assert response.json() == {"message": "Not Found"}


def test_a_function_that_raises_gives_api_gateway_500(fixture_api: ApiClient) -> None:
    response = fixture_api.get("/echo/raise")
    assert response.status == 500
    assert response.json() == {"message": "Internal Server Error"}


def test_cors_preflight_for_allowed_and_other_origins(fixture_api: ApiClient) -> None:
    allowed = fixture_api.request(
        "OPTIONS", "/echo", headers={"Origin": "https://admin.example.com", "Access-Control-Request-Method": "POST"}
    )
    assert allowed.status == 204
    assert allowed.headers["access-control-allow-origin"] == "https://admin.example.com"
    assert allowed.headers["access-control-allow-methods"] == "GET,POST"
    assert allowed.headers["access-control-allow-headers"] == "authorization,content-type"
    assert allowed.headers["access-control-allow-credentials"] == "true"
    assert allowed.headers["access-control-max-age"] == "60"

    other = fixture_api.request(
        "OPTIONS", "/echo", headers={"Origin": "https://evil.example.net", "Access-Control-Request-Method": "POST"}
    )
    assert other.status == 204
    assert "access-control-allow-origin" not in other.headers


def test_cors_headers_on_actual_responses_only_for_allowed_origins(fixture_api: ApiClient) -> None:
    allowed = fixture_api.get("/echo/x", headers={"Origin": "https://app.example.com"})
    assert allowed.headers["access-control-allow-origin"] == "https://app.example.com"
    assert allowed.headers["access-control-expose-headers"] == "retry-after"
    other = fixture_api.get("/echo/x", headers={"Origin": "https://evil.example.net"})
    assert "access-control-allow-origin" not in other.headers


def test_template_references_resolve_to_local_resources(fixture_api: ApiClient) -> None:
    import os

    assert os.environ["WORK_QUEUE_URL"] == fixture_api.stack.queue_urls["WorkQueue"]


def consumer_records(stack: LocalStack, name: str) -> list[Any]:
    """What a test consumer recorded in module state, over every execution environment it ran in."""
    return [record for module in stack.environments("ConsumerFunction") for record in getattr(module, name)]


def test_sqs_event_source_delivers_batches_and_honours_partial_failures(fixture_api: ApiClient) -> None:
    stack = fixture_api.stack
    for module in stack.environments("ConsumerFunction"):
        module.PROCESSED.clear()
        module.RECEIVED.clear()
    sqs = stack.boto3_client("sqs")
    for body in ("one", "flaky", "poison", "two"):
        sqs.send_message(QueueUrl=stack.queue_urls["WorkQueue"], MessageBody=body)

    wait_for(lambda: {"one", "two", "flaky"} <= set(consumer_records(stack, "PROCESSED")))
    # The failed 'flaky' delivery was retried (receive count 2) and then succeeded.
    received = consumer_records(stack, "RECEIVED")
    assert ("flaky", 1) in received
    assert ("flaky", 2) in received
    assert consumer_records(stack, "PROCESSED").count("one") == 1  # successes are deleted, never delivered again

    dlq_url = stack.queue_urls["WorkDeadLetterQueue"]

    def poison_in_dlq() -> bool:
        attributes = sqs.get_queue_attributes(QueueUrl=dlq_url, AttributeNames=["ApproximateNumberOfMessages"])
        count: str = attributes["Attributes"]["ApproximateNumberOfMessages"]
        return count == "1"

    wait_for(poison_in_dlq)
    dead = sqs.receive_message(QueueUrl=dlq_url)["Messages"]
    assert [m["Body"] for m in dead] == ["poison"]
    poison = sorted(count for body, count in consumer_records(stack, "RECEIVED") if body == "poison")
    assert poison == [1, 2]  # maxReceiveCount 2


def test_a_consumer_that_raises_fails_the_whole_batch_until_the_dead_letter_queue(fixture_api: ApiClient) -> None:
    stack = fixture_api.stack
    sqs = stack.boto3_client("sqs")
    dlq_url = stack.queue_urls["WorkDeadLetterQueue"]
    sqs.purge_queue(QueueUrl=dlq_url)
    sqs.send_message(QueueUrl=stack.queue_urls["WorkQueue"], MessageBody="crash")

    def crash_in_dlq() -> bool:
        messages = sqs.receive_message(QueueUrl=dlq_url, VisibilityTimeout=0).get("Messages", [])
        return [m["Body"] for m in messages] == ["crash"]

    wait_for(crash_in_dlq)


# ----- concurrency, as in Lambda -----
def slow_requests_at_once(api: ApiClient, count: int) -> list[dict[str, Any]]:
    barrier = threading.Barrier(count)

    def call(_: int) -> dict[str, Any]:
        barrier.wait()
        response = api.get("/echo/slow")
        assert response.status == 200
        return dict(response.json())

    with ThreadPoolExecutor(count) as pool:
        return list(pool.map(call, range(count)))


def test_concurrent_requests_run_at_once_each_in_its_own_execution_environment(fixture_api: ApiClient) -> None:
    spans = slow_requests_at_once(fixture_api, 4)
    # Every request was running while every other was (each sleeps 0.5 s): none waited for another.
    assert max(s["started"] for s in spans) < min(s["ended"] for s in spans)
    # Four environments, each with its own copy of the module (Lambda never shares one between events).
    assert len({s["environment"] for s in spans}) == 4


def test_serial_mode_runs_one_invocation_at_a_time(fixture_api: ApiClient) -> None:
    fixture_api.stack.serial = True
    try:
        spans = sorted(slow_requests_at_once(fixture_api, 3), key=lambda s: s["started"])
    finally:
        fixture_api.stack.serial = False
    assert all(earlier["ended"] <= later["started"] for earlier, later in pairwise(spans))


def test_concurrent_requests_each_get_their_own_answer(fixture_api: ApiClient) -> None:
    paths = [f"/echo/item-{i}?n={i}" for i in range(16)]
    barrier = threading.Barrier(len(paths))

    def call(path: str) -> tuple[str, dict[str, Any]]:
        barrier.wait()
        return path, fixture_api.get(path).json()

    with ThreadPoolExecutor(len(paths)) as pool:
        for path, event in pool.map(call, paths):
            assert event["rawPath"] + "?" + event["rawQueryString"] == path


def test_a_resolver_reads_its_own_event_while_others_are_in_flight(fixture_api: ApiClient) -> None:
    # Powertools keeps the event being resolved on a class; in one process that is shared unless made per thread.
    names = [f"n{i}" for i in range(6)]
    barrier = threading.Barrier(len(names))

    def call(name: str) -> dict[str, Any]:
        barrier.wait()
        return dict(fixture_api.get(f"/resolver/{name}").json())

    with ThreadPoolExecutor(len(names)) as pool:
        answers = list(pool.map(call, names))
    assert [a["path_now"] for a in answers] == [f"/resolver/{name}" for name in names]


def test_an_sqs_source_delivers_batches_at_once_up_to_the_reserved_concurrency(fixture_api: ApiClient) -> None:
    stack = fixture_api.stack
    sqs = stack.boto3_client("sqs")
    for _ in range(6):
        sqs.send_message(QueueUrl=stack.queue_urls["SlowQueue"], MessageBody="slow")

    def spans() -> list[tuple[float, float]]:
        return [span for module in stack.environments("SlowConsumerFunction") for span in module.SPANS]

    wait_for(lambda: len(spans()) == 6)
    moments = sorted(moment for start, end in spans() for moment in (start, end))
    running_at = [sum(start <= moment < end for start, end in spans()) for moment in moments]
    assert max(running_at) == 2  # ReservedConcurrentExecutions: 2 - at once, and never more


def test_scheduled_functions_run_by_themselves_on_their_schedule_or_every_n_seconds() -> None:
    """EventBridge schedules, emulated: `make run` fires each Schedule event of the template (here every 0.3 s,
    as SCHEDULE_EVERY_SECONDS sets) with a scheduled event, with no request from anyone."""
    from dev.localapi.stack import LocalStack
    from dev.localapi.template import rate_seconds

    assert (rate_seconds("rate(5 minutes)"), rate_seconds("rate(1 hour)"), rate_seconds("cron(0 9 ? * MON *)")) == (
        300,
        3600,
        None,
    )
    stack = LocalStack(schedule_every_seconds=0.3).start(with_pollers=False)
    try:
        deadline = time.monotonic() + 20
        scheduled = {"AiSweeperFunction", "BudgetAlertsFunction", "WeeklyDigestFunction", "PublishEventsFunction"}
        while time.monotonic() < deadline and not all(stack.schedule_runs.get(name, 0) >= 2 for name in scheduled):
            time.sleep(0.1)
        assert {name: stack.schedule_runs.get(name, 0) >= 2 for name in scheduled} == dict.fromkeys(scheduled, True)
    finally:
        stack.stop()
