"""AI worker (SQS): parse each queued entry and store its expenses.

Gemini reads the text when a key is configured, else the offline parser does. When Gemini cannot answer,
the record fails so SQS delivers it again (rate limits, outages), except on its last delivery, where the
offline parser's reading is used instead (recorded in `parsed_by`). A record whose processing raises is
reported as a batch item failure; after the queue's maxReceiveCount it moves to the dead-letter queue,
where `ai_dead_letter` marks its transaction failed. Unreadable text ends `failed` with a reason.
"""

from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord

from finsight.ai_entry import ParseExpenseJob, apply_parse_job
from finsight.background import sqs_batch_handler
from finsight.config import gemini_api_key, get_settings
from finsight.observability import logger, metrics
from finsight.parsing import ExpenseParser
from finsight.parsing.fallback import FallbackParser
from finsight.parsing.offline import OfflineParser

offline = OfflineParser()


def parser_for(receive_count: int) -> ExpenseParser:
    key = gemini_api_key()
    if not key:
        return offline
    from gemini_parser import gemini_parser  # noqa: PLC0415 - only with a key: the SDK costs ~300 ms

    settings = get_settings()
    gemini = gemini_parser(key, settings.gemini_model, settings.gemini_timeout_seconds, settings.gemini_attempts)
    return FallbackParser(gemini, offline, final_attempt=receive_count >= settings.ai_max_receive_count)


def parse_entry(record: SQSRecord) -> None:
    job = ParseExpenseJob.model_validate_json(record.body)
    outcome = apply_parse_job(job, parser_for(int(record.attributes.approximate_receive_count)))
    logger.info("AI entry processed", extra={"transaction_id": job.transaction_id, "outcome": outcome.value})
    metrics.add_metric(name=f"AiEntry{outcome.value.title()}", unit=MetricUnit.Count, value=1)


lambda_handler = sqs_batch_handler(parse_entry)
