"""The import function: an uploaded statement (the bucket's ObjectCreated event) or a mapped import (a message
on the import queue) read into expenses. See finsight.imports.worker."""

from finsight.platform import coldstart  # noqa: F401 - first: no garbage collection while the function loads

# isort: split
from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from finsight.imports.models import ResumeImport
from finsight.imports.worker import on_resume, on_upload
from finsight.jobs.handlers import event_handler
from finsight.platform.observability import logger
from finsight.platform.storage import import_bucket


def handle(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    """S3 records run their imports (an error fails the invocation: Lambda retries it); SQS records resume
    mapped imports, each failure reported alone (ReportBatchItemFailures)."""
    outcomes: list[str] = []
    failures: list[dict[str, str]] = []
    for record in event.get("Records") or []:
        if record.get("eventSource") == "aws:s3":
            s3 = record["s3"]
            outcomes.append(on_upload(s3["bucket"]["name"], s3["object"]["key"]))
        elif record.get("eventSource") == "aws:sqs":
            try:
                resume = ResumeImport.model_validate_json(record["body"])
                outcomes.append(on_resume(resume.user_id, resume.import_id, import_bucket()))
            except Exception:
                logger.exception("An import could not be resumed", extra={"message_id": record.get("messageId")})
                failures.append({"itemIdentifier": record["messageId"]})
    logger.info("Imports run", extra={"outcomes": outcomes})
    return {"batchItemFailures": failures, "outcomes": outcomes}


lambda_handler = event_handler(handle)
