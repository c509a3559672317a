"""AI worker (SQS): AI expense entries and spending summaries, told apart by the message's `type`.

Gemini reads entries and phrases summaries when a key is configured; otherwise the offline parser and
the summary templates do. When Gemini cannot answer, the record fails so SQS delivers it again (rate
limits, outages) AI_RETRY_DELAY_SECONDS later, except on its last delivery, where the offline answer is
used instead (recorded in `parsed_by` / `phrased_by`). A record whose processing raises is reported as a
batch item failure; after the queue's maxReceiveCount it moves to the dead-letter queue, where
`ai_dead_letter` marks its entry or summary failed. Unreadable text ends `failed` with a reason.
"""

from typing import TYPE_CHECKING

from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord

from finsight import queue
from finsight.ai import AiUnavailableError, JobOutcome
from finsight.ai_entry import apply_parse_job
from finsight.background import sqs_batch_handler
from finsight.config import gemini_api_key, get_settings
from finsight.insights import SummaryJob, SummaryWriter, apply_summary_job
from finsight.jobs import read_job
from finsight.observability import logger, metrics
from finsight.parsing import ExpenseParser
from finsight.parsing.fallback import FallbackParser
from finsight.parsing.offline import OfflineParser

if TYPE_CHECKING:
    from gemini import Gemini

offline = OfflineParser()


def _gemini() -> "Gemini | None":
    key = gemini_api_key()
    if not key:
        return None
    from gemini import gemini_client  # noqa: PLC0415 - only with a key: the SDK costs ~300 ms

    settings = get_settings()
    return gemini_client(key, settings.gemini_model, settings.gemini_timeout_seconds, settings.gemini_attempts)


def parser_for(final_attempt: bool) -> ExpenseParser:
    client = _gemini()
    if client is None:
        return offline
    from gemini import GeminiParser  # noqa: PLC0415

    return FallbackParser(GeminiParser(client), offline, final_attempt=final_attempt)


def writer() -> SummaryWriter | None:
    client = _gemini()
    if client is None:
        return None
    from gemini import GeminiSummaryWriter  # noqa: PLC0415

    return GeminiSummaryWriter(client)


def handle_job(record: SQSRecord) -> None:
    job = read_job(record.body)
    settings = get_settings()
    final_attempt = int(record.attributes.approximate_receive_count) >= settings.ai_max_receive_count
    outcome: JobOutcome
    try:
        if isinstance(job, SummaryJob):
            outcome = apply_summary_job(job, writer(), final_attempt=final_attempt)
            kind = "AiSummary"
        else:
            outcome = apply_parse_job(job, parser_for(final_attempt))
            kind = "AiEntry"
    except AiUnavailableError:
        # Gemini will be asked again: soon, not after the queue's whole visibility timeout.
        queue.deliver_again_in(record.receipt_handle, settings.ai_retry_delay_seconds)
        raise
    logger.info("AI job processed", extra={"job": job.model_dump(), "outcome": outcome.value})
    metrics.add_metric(name=f"{kind}{outcome.value.title()}", unit=MetricUnit.Count, value=1)


lambda_handler = sqs_batch_handler(handle_job)
