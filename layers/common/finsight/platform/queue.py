"""The work queues (SQS): the AI, mail, import and export queues, one lazily created boto3 client per execution
environment."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pydantic import BaseModel

from finsight.platform.clients import aws_client, cached
from finsight.platform.config import required_setting
from finsight.platform.errors import ConfigurationError, ServiceUnavailableError
from finsight.platform.observability import logger
from finsight.platform.resources import resource_settings


@cached
def sqs_client() -> Any:
    """The shared SQS client, with short timeouts so a slow queue fails fast."""
    return aws_client("sqs")


def queue_url() -> str:
    """The URL of the AI work queue."""
    return required_setting(resource_settings().queue_url, "QUEUE_URL")


def mail_queue_url() -> str:
    """The URL of the mail queue."""
    return required_setting(resource_settings().mail_queue_url, "MAIL_QUEUE_URL")


def import_queue_url() -> str:
    """The URL of the import queue (mapped imports resume there)."""
    return required_setting(resource_settings().import_queue_url, "IMPORT_QUEUE_URL")


def export_queue_url() -> str:
    """The URL of the export queue."""
    return required_setting(resource_settings().export_queue_url, "EXPORT_QUEUE_URL")


def send_message(body: str, url: str) -> str:
    """Put a message on the queue at `url`; returns its SQS message id (raises botocore errors)."""
    response = sqs_client().send_message(QueueUrl=url, MessageBody=body)
    return str(response["MessageId"])


def send_job(
    job: BaseModel,
    *,
    error: ServiceUnavailableError,
    undo: Callable[[], object] | None = None,
    url: Callable[[], str] = queue_url,
) -> None:
    """Queue a job (for the AI worker unless `url` names another queue). When the queue does not take it,
    `undo()` (the record it was for ends failed, never waiting forever) and raise `error` (a 503)."""
    from botocore.exceptions import BotoCoreError, ClientError  # noqa: PLC0415 - only this path talks to SQS

    try:
        send_message(job.model_dump_json(), url())
    except (BotoCoreError, ClientError, ConfigurationError) as exc:
        if undo is not None:
            undo()
        raise error from exc


def deliver_again_in(receipt_handle: str, seconds: int) -> None:
    """Make a received AI-queue message visible again in `seconds` (a retry sooner than its visibility
    timeout). Best effort: if SQS does not answer, the visibility timeout brings the message back anyway."""
    from botocore.exceptions import BotoCoreError, ClientError  # noqa: PLC0415

    try:
        sqs_client().change_message_visibility(
            QueueUrl=queue_url(), ReceiptHandle=receipt_handle, VisibilityTimeout=seconds
        )
    except (BotoCoreError, ClientError, ConfigurationError) as exc:
        logger.warning("Could not shorten a retry; the visibility timeout applies", extra={"error": type(exc).__name__})


def ping() -> None:
    """Ask SQS about the queue; raises a botocore error when it does not answer."""
    sqs_client().get_queue_attributes(QueueUrl=queue_url(), AttributeNames=["QueueArn"])
