"""Webhook delivery worker (SQS): one signed POST per message, retried with exponential backoff for a day by
queueing the next attempt with a delay; a webhook failing for 3 days is turned off and its owner emailed."""

from finsight.platform import coldstart  # noqa: F401 - first: no garbage collection while the function loads

# isort: split
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from pydantic import ValidationError

from finsight.jobs.handlers import sqs_batch_handler
from finsight.platform.observability import logger, metrics
from finsight.webhooks.delivery import run_attempt
from finsight.webhooks.jobs import DeliveryJob


def handle_delivery(record: SQSRecord) -> None:
    try:
        job = DeliveryJob.model_validate_json(record.body)
    except ValidationError:
        logger.error("Dropping an unreadable webhook delivery message", extra={"message_id": record.message_id})
        return
    outcome = run_attempt(job)
    metrics.add_metric(name=f"Webhook{outcome.value.title()}", unit=MetricUnit.Count, value=1)


lambda_handler = sqs_batch_handler(handle_delivery)
