"""The AI path's timings, computed from the template's own values (and the settings' defaults it keeps).

An entry is delivered to the worker up to maxReceiveCount times; on the last delivery the worker falls back
to the offline parser. The sweeper fails entries still processing after AiJobTimeoutMinutes. With the
template's first timings (120 s worker, 720 s visibility timeout, 3 receives) the third delivery came ~24
minutes in, after the sweeper had failed the entry at 15: the fallback never ran in AWS.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from dev.localapi.template import load_template
from finsight.chat import senders
from finsight.jobs.settings import AiSettings

TEMPLATE = load_template()
RESOURCES = TEMPLATE.raw["Resources"]
OUTAGE_GOAL_SECONDS = 5 * 60  # during a Gemini outage an entry completes, offline, within 5 minutes
DATABASE_SECONDS = 2  # reading the entry and writing the result, generously
CHAT_REPLY_TIMEOUT_SECONDS = senders.TIMEOUT_SECONDS  # a chat message's reply, after its expenses are read
SDK_BACKOFF_MAX_SECONDS = 4.0  # functions/ai_worker/gemini.py: HttpRetryOptions(max_delay=4.0)


@dataclass(frozen=True)
class Timings:
    worker_timeout: int
    batch_size: int
    visibility_timeout: int
    max_receive_count: int
    retry_delay: int
    per_message: float  # the longest one message can take: every Gemini attempt timing out, with backoff, and
    # for a chat message the reply to the sender (Twilio's API) on top
    sweeper_after: int  # seconds a running entry may live before the sweeper fails it
    sweeper_every: int

    @property
    def per_delivery(self) -> float:
        return self.batch_size * self.per_message

    def outage_worst_case(self) -> float:
        """Gemini down: every delivery but the last fails after its whole budget and comes back after the retry
        delay; the last falls back to the offline parser at once (its Gemini budget spent first)."""
        return (self.max_receive_count - 1) * (self.per_delivery + self.retry_delay) + self.per_delivery

    def crash_worst_case(self) -> float:
        """The worker dies (timeout, crash) on every delivery but the last: each comes back after the visibility
        timeout, counted from the receive; the last then runs to its end."""
        return (self.max_receive_count - 1) * self.visibility_timeout + self.worker_timeout


def template_timings() -> Timings:
    worker = RESOURCES["AiWorkerFunction"]["Properties"]
    environment = {
        name: str(TEMPLATE.resolve(value, lambda *_: "")) for name, value in worker["Environment"]["Variables"].items()
    }
    settings = AiSettings.from_environ({k: v for k, v in environment.items() if not k.endswith("_PARAMETER")})
    queue = TEMPLATE.queues["AiQueue"]
    sweeper = RESOURCES["AiSweeperFunction"]["Properties"]
    rate = re.fullmatch(r"rate\((\d+) minutes?\)", sweeper["Events"]["Every5Minutes"]["Properties"]["Schedule"])
    assert rate is not None
    sweeper_minutes = TEMPLATE.resolve(sweeper["Environment"]["Variables"]["AI_JOB_TIMEOUT_MINUTES"], lambda *_: "")
    attempts = settings.gemini_attempts
    return Timings(
        worker_timeout=int(worker["Timeout"]),
        batch_size=int(worker["Events"]["Entries"]["Properties"]["BatchSize"]),
        visibility_timeout=queue.visibility_timeout,
        max_receive_count=int(queue.max_receive_count or 1),
        retry_delay=settings.ai_retry_delay_seconds,
        per_message=attempts * settings.gemini_timeout_seconds
        + (attempts - 1) * SDK_BACKOFF_MAX_SECONDS
        + DATABASE_SECONDS
        + CHAT_REPLY_TIMEOUT_SECONDS,
        sweeper_after=int(sweeper_minutes) * 60,
        sweeper_every=int(rate.group(1)) * 60,
    )


def test_the_worker_knows_which_delivery_is_the_last() -> None:
    worker = RESOURCES["AiWorkerFunction"]["Properties"]
    assert (
        int(worker["Environment"]["Variables"]["AI_MAX_RECEIVE_COUNT"]) == TEMPLATE.queues["AiQueue"].max_receive_count
    )


def test_a_delivery_ends_within_the_worker_timeout_and_the_visibility_timeout_is_six_times_it() -> None:
    timings = template_timings()
    assert timings.per_delivery <= timings.worker_timeout
    assert timings.visibility_timeout >= 6 * timings.worker_timeout  # AWS's advice for SQS event sources


def test_during_a_gemini_outage_an_entry_completes_offline_within_five_minutes() -> None:
    timings = template_timings()
    assert timings.outage_worst_case() <= OUTAGE_GOAL_SECONDS, timings


def test_every_entry_reaches_its_last_delivery_well_before_the_sweeper_would_fail_it() -> None:
    timings = template_timings()
    # "Well before": with half the sweeper's allowance to spare, whatever the worker's failure.
    assert max(timings.outage_worst_case(), timings.crash_worst_case()) <= timings.sweeper_after / 2, timings
    assert timings.sweeper_every <= timings.sweeper_after


def test_the_first_timings_would_have_failed_this_check() -> None:
    """Guards the check itself: 120 s x batches of 5, a 720 s visibility timeout and no retry delay."""
    first = Timings(
        worker_timeout=120,
        batch_size=5,
        visibility_timeout=720,
        max_receive_count=3,
        retry_delay=720,
        per_message=22,
        sweeper_after=900,
        sweeper_every=300,
    )
    assert first.crash_worst_case() > first.sweeper_after
    assert first.outage_worst_case() > OUTAGE_GOAL_SECONDS


def test_the_sweeper_knows_the_queues_retention() -> None:
    # Jobs no worker got are failed only once their message has expired: a backlog is not a failure.
    sweeper = RESOURCES["AiSweeperFunction"]["Properties"]["Environment"]["Variables"]
    retention = RESOURCES["AiQueue"]["Properties"]["MessageRetentionPeriod"]
    assert int(sweeper["AI_QUEUE_RETENTION_SECONDS"]) == int(retention)


def test_a_webhook_attempt_fits_its_function_and_a_lost_chain_is_only_requeued_after_it_could_have_arrived() -> None:
    from finsight.webhooks import delivery, jobs, urls
    from finsight.webhooks.settings import WebhookSettings

    function = RESOURCES["DeliverWebhookFunction"]["Properties"]
    timeout = int(function["Timeout"])
    longest_request = (
        WebhookSettings.model_fields["webhook_timeout_seconds"].metadata[1].le
    )  # the most it may be set to
    assert urls.RESOLVE_TIMEOUT_SECONDS + longest_request < timeout  # one attempt (one message per invocation)
    assert function["Events"]["Deliveries"]["Properties"]["BatchSize"] == 1
    assert delivery.LEASE.total_seconds() > timeout  # a lease outlives the attempt that holds it
    visibility = TEMPLATE.queues["WebhookQueue"].visibility_timeout
    # a hop is at most 15 minutes late, plus a visibility timeout if its first receive failed
    assert delivery.OVERDUE_BY.total_seconds() > jobs.MAX_DELAY_SECONDS + visibility
