"""When Gemini cannot answer, the worker asks SQS to deliver the entry again soon, not after the queue's
whole visibility timeout (three minutes): the last delivery, and its offline fallback, come within minutes."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from moto import mock_aws

from dev.localapi.events import sqs_event
from dev.localapi.stack import load_module
from dev.localapi.template import ROOT
from finsight.jobs.lifecycle import AiUnavailableError
from finsight.platform import queue
from tests.conftest import Configure
from tests.fake_gemini import FakeGemini, error
from tests.helpers import processing, stored

WORKER = load_module(ROOT / "functions" / "ai_worker" / "app.py")


@pytest.fixture
def ai_queue(configure: Configure) -> Iterator[tuple[Any, str]]:
    with mock_aws():
        queue.sqs_client.cache_clear()  # a client made inside the mock
        sqs = boto3.client("sqs", region_name="us-east-1")
        url = sqs.create_queue(QueueName="ai", Attributes={"VisibilityTimeout": "180"})["QueueUrl"]
        configure(QUEUE_URL=url, AI_RETRY_DELAY_SECONDS="1")
        yield sqs, url
        queue.sqs_client.cache_clear()


def received(sqs: Any, url: str) -> list[dict[str, Any]]:
    messages: list[dict[str, Any]] = sqs.receive_message(QueueUrl=url, AttributeNames=["All"]).get("Messages", [])
    return messages


def test_a_record_gemini_could_not_answer_comes_back_after_the_retry_delay(
    database: Any, gemini: FakeGemini, ai_queue: tuple[Any, str]
) -> None:
    sqs, url = ai_queue
    gemini.script = [error(503, "UNAVAILABLE")]
    job = processing(database, "uber to the airport 750")
    sqs.send_message(QueueUrl=url, MessageBody=job.model_dump_json())
    [message] = received(sqs, url)
    record = SQSRecord(sqs_event([message], "arn:aws:sqs:us-east-1:123456789012:ai")["Records"][0])

    with pytest.raises(AiUnavailableError):
        WORKER.handle_job(record)  # the batch reports it failed; SQS will deliver it again

    assert received(sqs, url) == []  # not yet
    time.sleep(1.3)
    [again] = received(sqs, url)  # after AI_RETRY_DELAY_SECONDS, not the 180 s visibility timeout
    assert again["Attributes"]["ApproximateReceiveCount"] == "2"
    assert stored(database, job)["status"] == "processing"
