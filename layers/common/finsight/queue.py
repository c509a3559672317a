"""The AI work queue (SQS): one lazily created boto3 client per execution environment."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from pydantic import BaseModel

from finsight.config import get_settings
from finsight.errors import ConfigurationError, ServiceUnavailableError
from finsight.observability import trace_calls_of


@functools.cache
def sqs_client() -> Any:
    """The shared SQS client, with short timeouts so a slow queue fails fast."""
    import boto3  # noqa: PLC0415 - imported on first use: it costs ~90 ms of cold start
    from botocore.config import Config  # noqa: PLC0415

    trace_calls_of("botocore")
    config = Config(connect_timeout=2, read_timeout=5, retries={"max_attempts": 2, "mode": "standard"})
    return boto3.client("sqs", config=config)


def queue_url() -> str:
    """The URL of the AI work queue."""
    url = get_settings().queue_url
    if not url:
        raise ConfigurationError("QUEUE_URL must be set")
    return url


def send_message(body: str) -> str:
    """Put a message on the AI work queue; returns its SQS message id (raises botocore errors)."""
    response = sqs_client().send_message(QueueUrl=queue_url(), MessageBody=body)
    return str(response["MessageId"])


def send_job(job: BaseModel, *, undo: Callable[[], object], error: ServiceUnavailableError) -> None:
    """Queue a job for the AI worker. When the queue does not take it, `undo()` (the record it was
    for ends failed, never waiting forever) and raise `error` (a 503 for the client)."""
    from botocore.exceptions import BotoCoreError, ClientError  # noqa: PLC0415 - only this path talks to SQS

    try:
        send_message(job.model_dump_json())
    except (BotoCoreError, ClientError, ConfigurationError) as exc:
        undo()
        raise error from exc


def ping() -> None:
    """Ask SQS about the queue; raises a botocore error when it does not answer."""
    sqs_client().get_queue_attributes(QueueUrl=queue_url(), AttributeNames=["QueueArn"])
