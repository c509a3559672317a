"""The webhook delivery queue's message: which delivery, and for which scheduled attempt (`not_before`).

Retries are new messages with a delay (SQS delays at most 15 minutes; a longer wait takes several hops). A
message whose attempt is no longer the delivery's scheduled one is a leftover of an earlier schedule, or a
duplicate, and is dropped — so one chain of messages carries each delivery, whatever SQS repeats.
"""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from finsight.platform.config import required_setting
from finsight.platform.queue import sqs_client
from finsight.platform.resources import resource_settings

MAX_DELAY_SECONDS = 900  # SQS's DelaySeconds limit


class DeliveryJob(BaseModel):
    delivery_id: str = Field(pattern=r"^[0-9a-f]{24}$")
    not_before: datetime


def webhook_queue_url() -> str:
    return required_setting(resource_settings().webhook_queue_url, "WEBHOOK_QUEUE_URL")


def enqueue(delivery_id: str, not_before: datetime, *, now: datetime) -> None:
    """Queue an attempt of the delivery at `not_before` (raises botocore errors when SQS refuses)."""
    delay = max(0, min(MAX_DELAY_SECONDS, int((not_before - now).total_seconds() + 0.999)))
    job = DeliveryJob(delivery_id=delivery_id, not_before=not_before)
    sqs_client().send_message(QueueUrl=webhook_queue_url(), MessageBody=job.model_dump_json(), DelaySeconds=delay)
