"""Mail worker (SQS): sends the account emails the API queues (password reset links).

Queued by forgot-password whether or not the account exists, so the API's answer and timing tell nothing;
this worker sends only to real accounts. An email provider's error (throttling, a refused sender) fails the
record: SQS delivers it again, then moves it to the mail dead-letter queue, which an alarm watches.
"""

from finsight.platform import coldstart  # noqa: F401 - first: no garbage collection while the function loads

# isort: split
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from pydantic import ValidationError

from finsight.accounts.reset_mail import PasswordResetMailJob, send_reset_mail
from finsight.jobs.handlers import sqs_batch_handler
from finsight.platform.observability import logger, metrics


def handle_mail(record: SQSRecord) -> None:
    try:
        job = PasswordResetMailJob.model_validate_json(record.body)
    except ValidationError:
        # Nothing to send from it: keeping it would only loop. Logged (never its body: it holds an address).
        logger.error("Dropping an unreadable mail job", extra={"message_id": record.message_id})
        return
    sent = send_reset_mail(job)
    metrics.add_metric(name="ResetMailSent" if sent else "ResetMailNoAccount", unit=MetricUnit.Count, value=1)


lambda_handler = sqs_batch_handler(handle_mail)
