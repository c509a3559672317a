"""Dead-letter consumer (SQS): an AI entry SQS gave up on ends `failed`, never `processing` forever."""

from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from pydantic import ValidationError

from finsight.ai_entry import ParseExpenseJob, fail_dead_letter
from finsight.background import sqs_batch_handler
from finsight.observability import logger


def fail_entry(record: SQSRecord) -> None:
    try:
        job = ParseExpenseJob.model_validate_json(record.body)
    except ValidationError:
        # Nothing names a transaction in it: keeping it would only loop. Logged for an operator.
        logger.error("Dropping an unreadable dead letter", extra={"message_id": record.message_id})
        return
    outcome = fail_dead_letter(job)
    logger.warning("AI entry dead-lettered", extra={"transaction_id": job.transaction_id, "outcome": outcome.value})


lambda_handler = sqs_batch_handler(fail_entry)
