"""SQS consumer of the export queue: a user's data written to the bucket (finsight.exports.worker)."""

from finsight.platform import coldstart  # noqa: F401 - first: no garbage collection while the function loads

# isort: split
import json

from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord

from finsight.exports.worker import run_export
from finsight.jobs.handlers import sqs_batch_handler
from finsight.platform.observability import logger


def export(record: SQSRecord) -> None:
    body = json.loads(record.body)
    outcome = run_export(str(body["user_id"]), str(body["export_id"]))
    logger.info("Export run", extra={"export_id": body["export_id"], "outcome": outcome})


lambda_handler = sqs_batch_handler(export)
