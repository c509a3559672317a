"""The handler skeleton of functions that are not behind the API: SQS consumers and scheduled jobs.

Same Logger, Tracer and Metrics as the HTTP functions, without API Gateway's correlation-id path.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from aws_lambda_powertools.utilities.typing import LambdaContext

from finsight.platform import coldstart
from finsight.platform.observability import logger, metrics, tracer

Handler = Callable[[dict[str, Any], LambdaContext], dict[str, Any]]


def _instrumented(handler: Handler) -> Handler:
    coldstart.loaded()
    wrapped = logger.inject_lambda_context(clear_state=True)(
        tracer.capture_lambda_handler(capture_response=False)(
            metrics.log_metrics(capture_cold_start_metric=True)(handler)
        )
    )
    return cast(Handler, wrapped)


def sqs_batch_handler(record_handler: Callable[[SQSRecord], None]) -> Handler:
    """Lambda entry point of an SQS consumer: each record on its own, failures reported per item
    (the event source mapping must set `ReportBatchItemFailures`), so SQS retries only those."""
    processor = BatchProcessor(event_type=EventType.SQS, raise_on_entire_batch_failure=False)

    def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
        return dict(
            process_partial_response(event=event, record_handler=record_handler, processor=processor, context=context)
        )

    return _instrumented(handler)


def scheduled_handler(job: Callable[[], dict[str, Any]]) -> Handler:
    """Lambda entry point of a scheduled (EventBridge) job."""

    def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
        return job()

    return _instrumented(handler)


def event_handler(handle: Handler) -> Handler:
    """Lambda entry point of a function that reads its event's records itself (S3 and SQS records together)."""
    return _instrumented(handle)


def domain_event_handler(handle: Callable[[Any], dict[str, Any]]) -> Handler:
    """Lambda entry point of an EventBridge rule's target: `handle` gets the event's `detail` as a DomainEvent.
    An event that is not one is logged and dropped (retrying cannot mend it); `handle`'s errors propagate, so
    Lambda retries the asynchronous invocation (twice) and then sends the event to the function's dead-letter
    queue (the template's `DeadLetterQueue`)."""
    from pydantic import ValidationError  # noqa: PLC0415

    from finsight.events.models import DomainEvent  # noqa: PLC0415

    def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
        try:
            domain_event = DomainEvent.model_validate(event.get("detail"))
        except ValidationError:
            logger.error("Dropping an event that is not a FinSight domain event", extra={"id": event.get("id")})
            return {"dropped": 1}
        logger.append_keys(event_id=domain_event.id, event_type=domain_event.type.value)
        return handle(domain_event)

    return _instrumented(handler)
