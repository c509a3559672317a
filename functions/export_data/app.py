"""SQS consumer of the export queue: a user's data written to the bucket (finsight.exports.worker)."""

from finsight.platform import coldstart  # noqa: F401 - first: no garbage collection while the function loads

# isort: split
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord

from finsight.exports.models import ExportJob
from finsight.exports.worker import run_export
from finsight.jobs.handlers import sqs_batch_handler
from finsight.platform.observability import logger


def export(record: SQSRecord) -> None:
    job = ExportJob.model_validate_json(record.body)
    outcome = run_export(job.user_id, job.export_id)
    logger.info("Export run", extra={"export_id": job.export_id, "outcome": outcome})


lambda_handler = sqs_batch_handler(export)
