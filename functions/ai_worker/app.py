"""AI worker (SQS): every job type of the registry (AI expense entries, spending summaries, chat messages,
imported rows to categorise), by its `type`.

Gemini reads entries and phrases summaries when a key is configured; otherwise the offline parser and
the summary templates do. When Gemini cannot answer, the record fails so SQS delivers it again (rate
limits, outages) AI_RETRY_DELAY_SECONDS later, except on its last delivery, where the offline answer is
used instead (recorded in `parsed_by` / `phrased_by`). A record whose processing raises is reported as a
batch item failure; after the queue's maxReceiveCount it moves to the dead-letter queue, where
`ai_dead_letter` marks its entry or summary failed. Unreadable text ends `failed` with a reason.
"""

from finsight.platform import coldstart  # noqa: F401 - first: no garbage collection while the function loads

# isort: split
from typing import TYPE_CHECKING

from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord

from finsight.ai_entry.parsing import ExpenseParser
from finsight.ai_entry.parsing.fallback import FallbackParser
from finsight.ai_entry.parsing.offline import OfflineParser
from finsight.imports.ai_categories import Categoriser
from finsight.insights.phrasing import SummaryWriter
from finsight.jobs.handlers import sqs_batch_handler
from finsight.jobs.lifecycle import AiUnavailableError, Delivery
from finsight.jobs.registry import read_job
from finsight.jobs.settings import ai_settings, gemini_api_key
from finsight.platform import queue
from finsight.platform.observability import logger, metrics

if TYPE_CHECKING:
    from gemini import Gemini

offline = OfflineParser()


def _gemini() -> "Gemini | None":
    key = gemini_api_key()
    if not key:
        return None
    from gemini import gemini_client  # noqa: PLC0415 - only with a key: the SDK costs ~300 ms

    settings = ai_settings()
    return gemini_client(key, settings.gemini_model, settings.gemini_timeout_seconds, settings.gemini_attempts)


class Models:
    """Gemini with the offline fallbacks when a key is configured; the offline parser and templates otherwise."""

    def expense_parser(self, *, final_attempt: bool) -> ExpenseParser:
        client = _gemini()
        if client is None:
            return offline
        from gemini import GeminiParser  # noqa: PLC0415

        return FallbackParser(GeminiParser(client), offline, final_attempt=final_attempt)

    def summary_writer(self) -> SummaryWriter | None:
        client = _gemini()
        if client is None:
            return None
        from gemini import GeminiSummaryWriter  # noqa: PLC0415

        return GeminiSummaryWriter(client)

    def categoriser(self) -> Categoriser | None:
        client = _gemini()
        if client is None:
            return None
        from gemini import GeminiCategoriser  # noqa: PLC0415

        return GeminiCategoriser(client)


MODELS = Models()


def handle_job(record: SQSRecord) -> None:
    job_type, job = read_job(record.body)
    settings = ai_settings()
    final_attempt = int(record.attributes.approximate_receive_count) >= settings.ai_max_receive_count
    try:
        outcome = job_type.apply(job, Delivery(final_attempt=final_attempt, models=MODELS))
    except AiUnavailableError:
        # Gemini will be asked again: soon, not after the queue's whole visibility timeout.
        queue.deliver_again_in(record.receipt_handle, settings.ai_retry_delay_seconds)
        raise
    logger.info("AI job processed", extra={"job": job.model_dump(), "outcome": outcome.value})
    metrics.add_metric(name=f"{job_type.metric}{outcome.value.title()}", unit=MetricUnit.Count, value=1)


lambda_handler = sqs_batch_handler(handle_job)
