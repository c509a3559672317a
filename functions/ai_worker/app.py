"""AI worker (SQS): parse each queued entry and store its expenses.

A record whose processing raises (database unreachable, malformed message) is reported as a batch item
failure, so SQS delivers it again and, after the queue's maxReceiveCount, moves it to the dead-letter
queue, where `ai_dead_letter` marks its transaction failed. Unreadable text is not an error: the job
ends `failed` with a reason for the user.
"""

from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord

from finsight.ai_entry import ParseExpenseJob, apply_parse_job
from finsight.background import sqs_batch_handler
from finsight.observability import logger, metrics
from finsight.parsing.offline import OfflineParser

parser = OfflineParser()


def parse_entry(record: SQSRecord) -> None:
    job = ParseExpenseJob.model_validate_json(record.body)
    outcome = apply_parse_job(job, parser)
    logger.info("AI entry processed", extra={"transaction_id": job.transaction_id, "outcome": outcome.value})
    metrics.add_metric(name=f"AiEntry{outcome.value.title()}", unit=MetricUnit.Count, value=1)


lambda_handler = sqs_batch_handler(parse_entry)
