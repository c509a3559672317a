"""The local stand-in for the AWS account: moto (SQS, SES), MongoDB or an in-memory one, the functions, the queues.

Everything runs in one process, with Lambda's concurrency. Each function has a pool of execution
environments: its module is loaded once per environment (so module-level state, such as a resolver's
current event, is never shared between two events in flight), an environment handles one event at a
time, and an event that finds every environment of its function busy gets a new one, as Lambda scales
out. SQS event sources deliver several batches at once, up to the function's reserved concurrency. The
layer (`finsight`) and Powertools are imported once and shared by every environment: the event a
Powertools resolver is working on is kept per thread (`isolation.py`), and the in-memory database makes
each operation atomic, as a server does (`memorydb.py`). `serial=True` runs one invocation at a time.
"""

from __future__ import annotations

import contextlib
import importlib.util
import json
import logging
import os
import sys
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from email.utils import parseaddr
from pathlib import Path
from types import ModuleType
from typing import Any

from dev.localapi.events import ACCOUNT_ID, REGION, context_for, s3_event, scheduled_event, sqs_event
from dev.localapi.isolation import isolate_powertools_events
from dev.localapi.template import (
    TEMPLATE_PATH,
    FunctionSpec,
    S3Source,
    SqsSource,
    Template,
    load_template,
    rate_seconds,
)

log = logging.getLogger("localapi")

# Embedded defaults: enough to run everything on a machine with no AWS account and no MongoDB.
LOCAL_DEFAULTS = {
    "STAGE": "local",
    "AWS_DEFAULT_REGION": REGION,
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "JWT_SECRET": "finsight-local-development-signing-key-not-for-production",
    "POWERTOOLS_TRACE_DISABLED": "true",
    "POWERTOOLS_METRICS_DISABLED": "true",
    "POWERTOOLS_LOG_LEVEL": "WARNING",
}
# WhatsApp goes to the in-process stand-in (dev/localapi/fake_twilio.py) unless the developer sets TWILIO_*.
LOCAL_TWILIO = {"TWILIO_ACCOUNT_SID": "AClocal", "TWILIO_AUTH_TOKEN": "local-twilio-token"}
LOCAL_WHATSAPP_FROM = "+14155238886"  # Twilio's WhatsApp sandbox number
# Telegram goes to its in-process stand-in (dev/localapi/fake_telegram.py) unless the developer sets TELEGRAM_*.
LOCAL_TELEGRAM = {
    "TELEGRAM_BOT_USERNAME": "FinSightLocalBot",
    "TELEGRAM_BOT_TOKEN": "123456789:local-telegram-bot-token",
    "TELEGRAM_WEBHOOK_SECRET": "local-telegram-webhook-secret",
}

Handler = Callable[[dict[str, Any], Any], Any]
_running = threading.local()  # the function an invocation on this thread is running


# Concurrent batches an SQS event source delivers to a function without reserved concurrency (Lambda's
# pollers start with five).
DEFAULT_SQS_CONCURRENCY = 5


def load_module(path: Path, environment: int = 0) -> ModuleType:
    """Import a function's module from its file, as Lambda would with the function's folder as root.

    Each execution environment (0, 1, ...) has its own copy of the module, as each has its own interpreter.
    """
    name = "fn_" + "_".join(path.relative_to(path.parents[1]).with_suffix("").parts)
    if environment:
        name += f"__env{environment}"
    if name in sys.modules:
        return sys.modules[name]
    if str(path.parent) not in sys.path:
        sys.path.append(str(path.parent))  # as in Lambda, a function's own modules import by plain name
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot load {path}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # pydantic resolves generic models through sys.modules
    try:
        spec.loader.exec_module(module)
    except BaseException:
        del sys.modules[name]
        raise
    return module


@dataclass
class InvocationResult:
    function: str
    response: Any
    error: BaseException | None = None


@dataclass
class LocalStack:
    """The running local environment. Use `start()` / `stop()` (or as a context manager)."""

    template_path: Path = TEMPLATE_PATH
    parameter_overrides: Mapping[str, str] = field(default_factory=dict)
    sqs_retry_delay_s: int = 1
    poll_interval_s: float = 0.2
    serial: bool = False  # one invocation at a time across the stack, as before concurrency was emulated
    template: Template = field(init=False)
    endpoint_url: str = field(init=False, default="")
    queue_urls: dict[str, str] = field(init=False, default_factory=dict)
    lock: threading.RLock = field(init=False, default_factory=threading.RLock)
    _started: dict[str, int] = field(init=False, default_factory=dict)  # environments per function, to number them
    _environments: dict[str, list[ModuleType]] = field(init=False, default_factory=dict)
    _idle: dict[str, list[ModuleType]] = field(init=False, default_factory=dict)
    _pool_lock: threading.Lock = field(init=False, default_factory=threading.Lock)
    _moto: Any = field(init=False, default=None)
    twilio: Any = field(init=False, default=None)  # the FakeTwilio every WhatsApp message goes to
    twilio_port: int = 0  # where it listens (make run: a fixed port, so `make chat` finds it)
    telegram: Any = field(init=False, default=None)  # the FakeTelegram every Telegram message goes to
    telegram_port: int = 0
    run_schedules: bool = False  # make run: every scheduled function on its schedule (tests invoke them)
    schedule_every_seconds: float | None = None  # SCHEDULE_EVERY_SECONDS: every scheduled function this often
    _pollers: list[threading.Thread] = field(init=False, default_factory=list)
    _deliveries: set[threading.Thread] = field(init=False, default_factory=set)
    schedule_runs: dict[str, int] = field(init=False, default_factory=dict)  # scheduled invocations so far
    _s3_scans: int = field(init=False, default=0)  # bucket listings done, to wait for uploads
    _s3_in_flight: int = field(init=False, default=0)
    rule_queues: dict[tuple[str, str], str] = field(init=False, default_factory=dict)  # (function, rule) -> queue URL
    _events_in_flight: int = field(init=False, default=0)
    _s3_sequencer: int = field(init=False, default=0)
    _mail_seen: int = field(init=False, default=0)  # moto's outbox is per process: what earlier stacks sent
    _stopping: threading.Event = field(init=False, default_factory=threading.Event)
    _saved_env: dict[str, str | None] = field(init=False, default_factory=dict)

    # ----- lifecycle -----
    def start(self, *, with_pollers: bool = True) -> LocalStack:
        isolate_powertools_events()
        from finsight.platform import config

        config.set_secret_access_check(self._check_secret_access)
        self.template = load_template(self.template_path, self.parameter_overrides)
        self._start_moto()
        self._start_fake_providers()
        self._create_queues()
        self._create_buckets()
        self._create_event_rules()
        self._set_environment()
        self._verify_mail_senders()
        self._mail_seen = len(self.sent_mail())
        self._connect_database()
        if with_pollers:
            self._start_pollers()
        if self.run_schedules or self.schedule_every_seconds:
            self._start_schedules()
        return self

    def stop(self) -> None:
        from finsight.platform import config

        config.set_secret_access_check(None)
        self._stopping.set()
        with self._pool_lock:
            in_flight = list(self._deliveries)
        for thread in [*self._pollers, *in_flight]:
            thread.join(timeout=5)
        if self._moto is not None:
            self._moto.stop()
        for provider in (self.twilio, self.telegram):
            if provider is not None:
                provider.stop()
        for name, value in self._saved_env.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        self._reset_layer_caches()

    def __enter__(self) -> LocalStack:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # ----- AWS (moto) -----
    def _start_moto(self) -> None:
        from moto.server import ThreadedMotoServer

        logging.getLogger("werkzeug").setLevel(logging.ERROR)
        self._moto = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
        self._moto.start()
        host, port = self._moto.get_host_and_port()
        self.endpoint_url = f"http://{host}:{port}"

    def _start_fake_providers(self) -> None:
        from dev.localapi.fake_telegram import FakeTelegram
        from dev.localapi.fake_twilio import FakeTwilio

        sid, token = LOCAL_TWILIO["TWILIO_ACCOUNT_SID"], LOCAL_TWILIO["TWILIO_AUTH_TOKEN"]
        self.twilio = FakeTwilio(sid, token, self.twilio_port).start()
        bot_token, bot = LOCAL_TELEGRAM["TELEGRAM_BOT_TOKEN"], LOCAL_TELEGRAM["TELEGRAM_BOT_USERNAME"]
        self.telegram = FakeTelegram(bot_token, bot, self.telegram_port).start()

    def sent_chat_messages(self) -> list[Any]:
        """Every chat message the functions sent through the stand-in providers so far (channel, to, text)."""
        return [m for provider in (self.twilio, self.telegram) if provider is not None for m in provider.sent()]

    def boto3_client(self, service: str) -> Any:
        import boto3

        return boto3.client(
            service,
            endpoint_url=self.endpoint_url,
            region_name=REGION,
            aws_access_key_id="testing",
            aws_secret_access_key="testing",  # noqa: S106
        )

    def queue_name(self, logical_id: str) -> str:
        return f"finsight-local-{logical_id}"

    def queue_arn(self, logical_id: str) -> str:
        return f"arn:aws:sqs:{REGION}:{ACCOUNT_ID}:{self.queue_name(logical_id)}"

    def _create_queues(self) -> None:
        sqs = self.boto3_client("sqs")
        pending = dict(self.template.queues)
        while pending:
            for logical_id, spec in list(pending.items()):
                if spec.dead_letter_queue and spec.dead_letter_queue not in self.queue_urls:
                    continue
                attributes = {"VisibilityTimeout": str(spec.visibility_timeout)}
                if spec.dead_letter_queue:
                    attributes["RedrivePolicy"] = json.dumps(
                        {
                            "deadLetterTargetArn": self.queue_arn(spec.dead_letter_queue),
                            "maxReceiveCount": str(spec.max_receive_count),
                        }
                    )
                url = sqs.create_queue(QueueName=self.queue_name(logical_id), Attributes=attributes)["QueueUrl"]
                self.queue_urls[logical_id] = url
                del pending[logical_id]

    def bucket_name(self, logical_id: str) -> str:
        name = self.template.resolve(self.template.buckets[logical_id].name, self.resource_value)
        return str(name or f"finsight-local-{logical_id.lower()}")

    def _create_buckets(self) -> None:
        s3 = self.boto3_client("s3")
        for logical_id in self.template.buckets:
            s3.create_bucket(Bucket=self.bucket_name(logical_id))

    def resource_value(self, logical_id: str, attribute: str | None) -> str:
        """What `!Ref` / `!GetAtt` of a template resource evaluates to locally."""
        if logical_id in self.template.buckets:
            name = self.bucket_name(logical_id)
            return name if attribute is None else f"arn:aws:s3:::{name}"
        if logical_id in self.template.buses:
            name = self.bus_name(logical_id)
            return name if attribute is None else f"arn:aws:events:{REGION}:{ACCOUNT_ID}:event-bus/{name}"
        if logical_id in self.template.queues:
            if attribute is None:
                return self.queue_urls[logical_id]
            if attribute == "Arn":
                return self.queue_arn(logical_id)
            if attribute == "QueueName":
                return self.queue_name(logical_id)
        return f"local-{logical_id}"

    # ----- EventBridge (moto's): the template's buses and rules, each rule's target emulated by a queue -----
    def bus_name(self, logical_id: str) -> str:
        return str(self.template.resolve(self.template.buses[logical_id], self.resource_value) or logical_id)

    def _create_event_rules(self) -> None:
        """Create the buses, and each function's EventBridgeRule with its pattern, on moto's EventBridge. moto
        matches the patterns; its target here is a queue per rule, which a poller turns into invocations of the
        function with the event, as EventBridge invokes a rule's Lambda target (asynchronously, retried twice)."""
        events, sqs = self.boto3_client("events"), self.boto3_client("sqs")
        existing = {bus["Name"] for bus in events.list_event_buses()["EventBuses"]}  # moto's state is per process
        for logical_id in self.template.buses:
            if self.bus_name(logical_id) not in existing:
                events.create_event_bus(Name=self.bus_name(logical_id))
        for function in self.template.functions.values():
            for rule in function.event_rules:
                name, bus = f"{function.logical_id}-{rule.name}", self.bus_name(rule.bus)
                url = sqs.create_queue(QueueName=f"finsight-local-rule-{name}")["QueueUrl"]
                arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
                events.put_rule(Name=name, EventBusName=bus, EventPattern=json.dumps(rule.pattern), State="ENABLED")
                events.put_targets(Rule=name, EventBusName=bus, Targets=[{"Id": "function", "Arn": arn}])
                self.rule_queues[(function.logical_id, rule.name)] = url

    def _follow_rule(self, logical_id: str, url: str) -> None:
        sqs = self.boto3_client("sqs")
        while not self._stopping.is_set():
            try:
                received = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=0).get(
                    "Messages", []
                )
            except Exception:
                log.exception("Reading the rule queue of %s failed; retrying", logical_id)
                received = []
            for message in received:
                with self._pool_lock:
                    self._events_in_flight += 1
                delivery = threading.Thread(
                    target=self._deliver_event, args=(logical_id, url, message, sqs), name="event", daemon=True
                )
                with self._pool_lock:
                    self._deliveries.add(delivery)
                delivery.start()
            if not received:
                self._stopping.wait(self.poll_interval_s)

    def _deliver_event(self, logical_id: str, url: str, message: dict[str, Any], sqs: Any) -> None:
        try:
            event = json.loads(message["Body"])
            for _ in range(3):  # the invocation and EventBridge's retries (its DLQ is not emulated)
                if self.invoke(logical_id, event).error is None:
                    break
            sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
        finally:
            with self._pool_lock:
                self._events_in_flight -= 1
                self._deliveries.discard(threading.current_thread())

    def wait_for_events(self, timeout_s: float = 10) -> None:
        """Block until every rule's queue is empty and no event is still being handled."""
        sqs = self.boto3_client("sqs")
        names = ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"]
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            counts = [
                sqs.get_queue_attributes(QueueUrl=url, AttributeNames=names)["Attributes"]
                for url in self.rule_queues.values()
            ]
            with self._pool_lock:
                busy = self._events_in_flight
            if busy == 0 and all(c[name] == "0" for c in counts for name in names):
                return
            time.sleep(0.02)
        raise TimeoutError(f"domain events still being handled after {timeout_s} s")

    # ----- mail (moto's SES) -----
    def _verify_mail_senders(self) -> None:
        """SES refuses unverified senders (moto too): verify the addresses the template sends from."""
        ses = self.boto3_client("ses")
        for name, value in os.environ.items():
            if name.startswith("MAIL_FROM") and parseaddr(value)[1]:
                ses.verify_email_identity(EmailAddress=parseaddr(value)[1])

    def _announce_new_mail(self) -> None:
        """Show mail the functions sent (e.g. password reset links) on the console, as no inbox exists here."""
        with self._pool_lock:
            mail = self.sent_mail()
            fresh, self._mail_seen = mail[self._mail_seen :], len(mail)
        for message in fresh:
            to = ", ".join(message.destinations.get("ToAddresses", []))
            log.info("MAIL to %s: %s\n%s", to, message.subject, message.body)

    def sent_mail(self) -> list[Any]:
        """Every email sent through moto's SES so far (objects with source, destinations, subject, body)."""
        from moto.core.models import DEFAULT_ACCOUNT_ID
        from moto.ses.models import ses_backends

        return list(ses_backends[DEFAULT_ACCOUNT_ID][REGION].sent_messages)

    # ----- environment -----
    def _set_environment(self) -> None:
        resolved: dict[str, str] = {}
        for function in self.template.functions.values():
            for name, value in function.environment.items():
                if name.endswith("_PARAMETER") or name == "PUBLIC_API_URL":
                    continue  # no SSM locally: secrets come from plain variables; the gateway is the public URL
                resolved[name] = str(self.template.resolve(value, self.resource_value))
        local_whatsapp = {
            **LOCAL_TWILIO,
            "TWILIO_WHATSAPP_FROM": LOCAL_WHATSAPP_FROM,
            "TWILIO_API_URL": self.twilio.url,
        }
        if any(os.environ.get(name) for name in ("TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN", "TWILIO_API_URL")):
            local_whatsapp = {}  # the developer's own Twilio settings, whole
        local_telegram = {**LOCAL_TELEGRAM, "TELEGRAM_API_URL": self.telegram.url}
        if any(os.environ.get(name) for name in (*LOCAL_TELEGRAM, "TELEGRAM_API_URL")):
            local_telegram = {}  # the developer's own bot, whole
        values = {
            **resolved,
            **LOCAL_DEFAULTS,
            **local_whatsapp,
            **local_telegram,
            "AWS_ENDPOINT_URL": self.endpoint_url,
        }
        for name, value in values.items():
            if name in os.environ and name not in ("AWS_ENDPOINT_URL", "QUEUE_URL"):
                continue  # the developer's own environment wins
            self._saved_env.setdefault(name, os.environ.get(name))
            os.environ[name] = value
        for name in [n for n in os.environ if n.endswith("_PARAMETER") and n[: -len("_PARAMETER")] in os.environ]:
            self._saved_env.setdefault(name, os.environ.get(name))
            del os.environ[name]
        self._reset_layer_caches()

    @staticmethod
    def _reset_layer_caches() -> None:
        from finsight.platform import clients

        clients.reset_all()  # settings, the MongoDB client, the SQS and SES clients (they name the last stack)

    def _connect_database(self) -> None:
        from finsight.platform import db
        from finsight.platform.indexes import apply_indexes

        if not os.environ.get("MONGODB_URI"):
            from dev.localapi.memorydb import in_memory_client

            db.use_client(in_memory_client())
        apply_indexes(db.get_database())

    # ----- invocation -----
    def _checkout(self, logical_id: str) -> ModuleType:
        """An idle execution environment of the function, or a new one when every one is busy."""
        with self._pool_lock:
            idle = self._idle.setdefault(logical_id, [])
            if idle:
                return idle.pop()
            number = self._started.get(logical_id, 0)
            self._started[logical_id] = number + 1
        module = load_module(self.template.functions[logical_id].module_file, environment=number)
        with self._pool_lock:
            self._environments.setdefault(logical_id, []).append(module)
        return module

    def _checkin(self, logical_id: str, module: ModuleType) -> None:
        with self._pool_lock:
            self._idle[logical_id].append(module)

    def environments(self, logical_id: str) -> list[ModuleType]:
        """The modules of every execution environment the function has had so far."""
        with self._pool_lock:
            return list(self._environments.get(logical_id, []))

    def load_all(self) -> None:
        """Start one environment of every function now (the gateway does this so a broken import shows at once)."""
        for logical_id in self.template.functions:
            self._checkin(logical_id, self._checkout(logical_id))

    def invoke(self, logical_id: str, event: dict[str, Any]) -> InvocationResult:
        function = self.template.functions[logical_id]
        with self.lock if self.serial else contextlib.nullcontext():
            module = self._checkout(logical_id)
            _running.function = function
            try:
                handler: Handler = getattr(module, function.handler_name)
                response = handler(event, context_for(function))
            except Exception as exc:  # the Lambda runtime turns any exception into an invocation error
                log.exception("%s raised", logical_id)
                return InvocationResult(logical_id, None, exc)
            finally:
                _running.function = None
                self._checkin(logical_id, module)
                self._announce_new_mail()
        return InvocationResult(logical_id, response)

    def _check_secret_access(self, env_name: str) -> None:
        """What IAM would say when the running function fetches the secret `env_name` (its `*_PARAMETER`)."""
        function: FunctionSpec | None = getattr(_running, "function", None)
        if function is None:
            return  # the tests' own calls, outside any function
        from finsight.platform.errors import ConfigurationError

        parameter = self.template.resolve(function.environment.get(f"{env_name}_PARAMETER"), self.resource_value)
        if not parameter:
            raise ConfigurationError(f"{function.logical_id} has no {env_name}_PARAMETER in the template")
        if parameter not in function.readable_parameters:
            raise ConfigurationError(
                f"AccessDenied: {function.logical_id} may not ssm:GetParameter {parameter} (template Policies)"
            )

    # ----- SQS event source mappings -----
    def batch_concurrency(self, function: FunctionSpec) -> int:
        """How many batches an SQS event source hands the function at once."""
        if self.serial:
            return 1
        return function.reserved_concurrency or DEFAULT_SQS_CONCURRENCY

    def _start_pollers(self) -> None:
        for (logical_id, rule), url in self.rule_queues.items():
            thread = threading.Thread(
                target=self._follow_rule, args=(logical_id, url), name=f"rule-{logical_id}-{rule}", daemon=True
            )
            thread.start()
            self._pollers.append(thread)
        for function in self.template.functions.values():
            for s3_source in function.s3_sources:
                thread = threading.Thread(
                    target=self._watch_bucket, args=(function, s3_source), name=f"s3-{function.logical_id}", daemon=True
                )
                thread.start()
                self._pollers.append(thread)
            for source in function.sqs_sources:
                slots = threading.BoundedSemaphore(self.batch_concurrency(function))
                thread = threading.Thread(
                    target=self._poll, args=(function, source, slots), name=f"sqs-{function.logical_id}", daemon=True
                )
                thread.start()
                self._pollers.append(thread)

    def _poll(self, function: FunctionSpec, source: SqsSource, slots: threading.BoundedSemaphore) -> None:
        """Receive batches while a slot is free; each batch is delivered on its own thread."""
        sqs = self.boto3_client("sqs")
        while not self._stopping.is_set():
            if not slots.acquire(timeout=self.poll_interval_s):
                continue
            try:
                received = self._receive(function, source, sqs)
            except Exception:
                log.exception("SQS poller for %s failed; retrying", function.logical_id)
                received = []
            if not received:
                slots.release()
                self._stopping.wait(self.poll_interval_s)
                continue
            delivery = threading.Thread(
                target=self._deliver_and_release,
                args=(function.logical_id, source, received, sqs, slots),
                name=f"sqs-batch-{function.logical_id}",
                daemon=True,
            )
            with self._pool_lock:
                self._deliveries.add(delivery)
            delivery.start()

    def _deliver_and_release(
        self,
        logical_id: str,
        source: SqsSource,
        received: list[dict[str, Any]],
        sqs: Any,
        slots: threading.BoundedSemaphore,
    ) -> None:
        try:
            self._deliver(logical_id, source, received, sqs)
        except Exception:
            log.exception("SQS delivery to %s failed", logical_id)
        finally:
            slots.release()
            with self._pool_lock:
                self._deliveries.discard(threading.current_thread())

    # ----- EventBridge schedules -----
    def _start_schedules(self) -> None:
        """Each Schedule event of the template fires its function, as EventBridge would: a rate(...) every
        period (the first one period after start), or every schedule_every_seconds when that is set."""
        for function in self.template.functions.values():
            for name, expression in function.schedules:
                period = self.schedule_every_seconds or rate_seconds(expression)
                if period is None:
                    log.warning("%s: %s runs only with SCHEDULE_EVERY_SECONDS locally", function.logical_id, expression)
                    continue
                thread = threading.Thread(
                    target=self._fire_every,
                    args=(function.logical_id, name, float(period)),
                    name=f"schedule-{function.logical_id}",
                    daemon=True,
                )
                thread.start()
                self._pollers.append(thread)

    def _fire_every(self, logical_id: str, event_name: str, period: float) -> None:
        while not self._stopping.wait(period):
            outcome = self.invoke(logical_id, scheduled_event(logical_id, event_name))
            with self._pool_lock:
                self.schedule_runs[logical_id] = self.schedule_runs.get(logical_id, 0) + 1
            if outcome.error is None:
                log.info("SCHEDULE %s ran: %s", logical_id, outcome.response)

    # ----- S3 event notifications -----
    def _watch_bucket(self, function: FunctionSpec, source: S3Source) -> None:
        """S3's notification of new objects, emulated: the bucket is listed every poll interval and each new
        (or overwritten) object under the prefix invokes the function with an S3 event, on its own thread,
        retried twice on error as Lambda retries an asynchronous invocation."""
        s3 = self.boto3_client("s3")
        bucket = self.bucket_name(source.bucket)
        seen: dict[str, str] = {}
        while not self._stopping.is_set():
            try:
                pages = s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=source.prefix)
                objects = [item for page in pages for item in page.get("Contents", [])]
            except Exception:
                log.exception("Listing %s failed; retrying", bucket)
                objects = []
            for item in objects:
                if seen.get(item["Key"]) == item["ETag"]:
                    continue
                seen[item["Key"]] = item["ETag"]
                with self._pool_lock:
                    self._s3_sequencer += 1
                    event = s3_event(bucket, item["Key"], int(item["Size"]), item["ETag"], self._s3_sequencer)
                delivery = threading.Thread(
                    target=self._deliver_s3, args=(function.logical_id, event), name="s3-event", daemon=True
                )
                with self._pool_lock:
                    self._deliveries.add(delivery)
                    self._s3_in_flight += 1
                delivery.start()
            with self._pool_lock:
                self._s3_scans += 1
            self._stopping.wait(self.poll_interval_s)

    def _deliver_s3(self, logical_id: str, event: dict[str, Any]) -> None:
        try:
            for _ in range(3):  # the invocation and Lambda's two retries
                if self.invoke(logical_id, event).error is None:
                    break
        finally:
            with self._pool_lock:
                self._s3_in_flight -= 1
                self._deliveries.discard(threading.current_thread())

    def wait_for_uploads(self, timeout_s: float = 10) -> None:
        """Block until the buckets were listed after this call and every S3 event delivered so far is handled."""
        with self._pool_lock:
            start = self._s3_scans
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            with self._pool_lock:
                if self._s3_scans >= start + 2 and self._s3_in_flight == 0:
                    return
            time.sleep(0.02)
        raise TimeoutError(f"S3 events still being handled after {timeout_s} s")

    def wait_for_queue(self, queue: str, timeout_s: float = 10) -> None:
        """Block until the queue is empty and nothing received from it is still being handled."""

        sqs = self.boto3_client("sqs")
        names = ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"]
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            counts = sqs.get_queue_attributes(QueueUrl=self.queue_urls[queue], AttributeNames=names)["Attributes"]
            if all(counts[name] == "0" for name in names):
                return
            time.sleep(0.02)
        raise TimeoutError(f"{queue} still has work after {timeout_s} s")

    def poll_once(self, logical_id: str, queue: str, sqs: Any = None) -> int:
        """Receive one batch for a function's SQS source and deliver it; returns the number of messages."""
        sqs = sqs or self.boto3_client("sqs")
        function = self.template.functions[logical_id]
        source = next(s for s in function.sqs_sources if s.queue == queue)
        received = self._receive(function, source, sqs)
        if received:
            self._deliver(logical_id, source, received, sqs)
        return len(received)

    def _receive(self, function: FunctionSpec, source: SqsSource, sqs: Any) -> list[dict[str, Any]]:
        messages: list[dict[str, Any]] = sqs.receive_message(
            QueueUrl=self.queue_urls[source.queue],
            MaxNumberOfMessages=min(source.batch_size, 10),
            AttributeNames=["All"],
            MessageAttributeNames=["All"],
            WaitTimeSeconds=0,
        ).get("Messages", [])
        return messages

    def _deliver(self, logical_id: str, source: SqsSource, received: list[dict[str, Any]], sqs: Any) -> None:
        """Invoke the function with the batch, then delete what succeeded and make the rest visible again."""
        url = self.queue_urls[source.queue]
        result = self.invoke(logical_id, sqs_event(received, self.queue_arn(source.queue)))
        failed = self._failed_ids(received, result, source.report_batch_item_failures)
        for message in received:
            if message["MessageId"] in failed:
                # Lambda leaves a failed message for the visibility timeout; locally we retry sooner.
                sqs.change_message_visibility(
                    QueueUrl=url, ReceiptHandle=message["ReceiptHandle"], VisibilityTimeout=self.sqs_retry_delay_s
                )
            else:
                sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
        log.info("SQS %s -> %s: %d message(s), %d failed", source.queue, logical_id, len(received), len(failed))

    @staticmethod
    def _failed_ids(received: list[dict[str, Any]], result: InvocationResult, partial: bool) -> set[str]:
        every = {m["MessageId"] for m in received}
        if result.error is not None:
            return every
        if not partial:
            return set()
        response = result.response if isinstance(result.response, dict) else {}
        failures = response.get("batchItemFailures") or []
        ids = {str(item.get("itemIdentifier")) for item in failures if isinstance(item, dict)}
        # An identifier that is not in the batch makes Lambda treat the whole batch as failed.
        return every if ids - every else ids
