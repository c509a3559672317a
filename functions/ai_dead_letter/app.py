"""Dead-letter consumer (SQS): a job SQS gave up on ends `failed` (an AI entry or a spending summary),
never `processing` forever."""

from finsight.platform import coldstart  # noqa: F401 - first: no garbage collection while the function loads

# isort: split
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from pydantic import ValidationError

from finsight.jobs.handlers import sqs_batch_handler
from finsight.jobs.registry import fail_dead_job, read_job
from finsight.platform.observability import logger


def fail_job(record: SQSRecord) -> None:
    try:
        _, job = read_job(record.body)
    except ValidationError:
        # Nothing names an entry or a summary in it: keeping it would only loop. Logged for an operator.
        logger.error("Dropping an unreadable dead letter", extra={"message_id": record.message_id})
        return
    outcome = fail_dead_job(job)
    logger.warning("AI job dead-lettered", extra={"job": job.model_dump(), "outcome": outcome.value})


lambda_handler = sqs_batch_handler(fail_job)
