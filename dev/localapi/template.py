"""Read what the local gateway needs from `template.yaml`: functions, their routes and queues, CORS.

The template is the only route list: nothing here is written twice.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

import yaml

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE_PATH = ROOT / "template.yaml"


class _CfnLoader(yaml.SafeLoader):
    """A YAML loader that understands CloudFormation's short-form tags (`!Ref`, `!GetAtt`, `!Sub`...)."""


def _construct_tag(loader: yaml.SafeLoader, tag_suffix: str, node: yaml.Node) -> dict[str, Any]:
    name = "Ref" if tag_suffix == "Ref" else f"Fn::{tag_suffix}"
    if isinstance(node, yaml.ScalarNode):
        value: Any = loader.construct_scalar(node)
        if name == "Fn::GetAtt":
            value = value.split(".", 1)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = loader.construct_mapping(cast(yaml.MappingNode, node), deep=True)  # YAML's third kind of node
    return {name: value}


_CfnLoader.add_multi_constructor("!", _construct_tag)


@dataclass(frozen=True)
class HttpRoute:
    """One HttpApi event. `path` None is the API's `$default` route."""

    method: str
    path: str | None
    function: str

    @property
    def route_key(self) -> str:
        return "$default" if self.path is None else f"{self.method} {self.path}"

    @property
    def param_count(self) -> int:
        return 0 if self.path is None else self.path.count("{")

    def match(self, method: str, path: str) -> dict[str, str] | None:
        """Path parameters when this route matches (exactly, as API Gateway does), else None."""
        if self.path is None or self.method not in ("ANY", method):
            return None
        pattern = re.sub(
            r"\\\{([A-Za-z0-9_]+)(\\\+)?\\\}",
            lambda m: f"(?P<{m.group(1)}>.+)" if m.group(2) else f"(?P<{m.group(1)}>[^/]+)",
            re.escape(self.path),
        )
        found = re.fullmatch(pattern, path)
        return None if found is None else found.groupdict()


@dataclass(frozen=True)
class SqsSource:
    """An SQS event source mapping of a function."""

    queue: str
    batch_size: int
    report_batch_item_failures: bool


@dataclass(frozen=True)
class S3Source:
    """An S3 event of a function: the bucket's notification of new objects under a key prefix."""

    bucket: str  # the bucket's logical id
    events: tuple[str, ...]
    prefix: str


@dataclass(frozen=True)
class EventRule:
    """An EventBridgeRule event of a function: events on the bus matching the pattern invoke it."""

    name: str  # the event's name in the template
    bus: str  # the bus's logical id
    pattern: Mapping[str, Any]


@dataclass(frozen=True)
class BucketSpec:
    logical_id: str
    name: Any  # BucketName as written (resolved against parameters by the stack)


@dataclass(frozen=True)
class FunctionSpec:
    logical_id: str
    code_uri: Path
    handler: str
    memory_mb: int
    timeout_s: int
    environment: Mapping[str, Any]
    routes: tuple[HttpRoute, ...]
    sqs_sources: tuple[SqsSource, ...]
    s3_sources: tuple[S3Source, ...] = ()
    schedules: tuple[tuple[str, str], ...] = ()  # (event name, expression): rate(5 minutes) or cron(...)
    event_rules: tuple[EventRule, ...] = ()
    reserved_concurrency: int | None = None  # ReservedConcurrentExecutions: at most this many at once
    readable_parameters: frozenset[str] = frozenset()  # SSM parameters its policies let it read

    @property
    def module_file(self) -> Path:
        return self.code_uri / (self.handler.rsplit(".", 1)[0].replace(".", "/") + ".py")

    @property
    def handler_name(self) -> str:
        return self.handler.rsplit(".", 1)[1]


@dataclass(frozen=True)
class QueueSpec:
    logical_id: str
    visibility_timeout: int
    dead_letter_queue: str | None
    max_receive_count: int | None


@dataclass(frozen=True)
class CorsSpec:
    allow_origins: tuple[str, ...]
    allow_headers: tuple[str, ...]
    allow_methods: tuple[str, ...]
    expose_headers: tuple[str, ...]
    max_age: int | None
    allow_credentials: bool


@dataclass
class Template:
    parameters: dict[str, Any]
    functions: dict[str, FunctionSpec]
    queues: dict[str, QueueSpec]
    cors: CorsSpec | None
    raw: dict[str, Any] = field(repr=False)
    buckets: dict[str, BucketSpec] = field(default_factory=dict)
    buses: dict[str, Any] = field(default_factory=dict)  # EventBridge buses: logical id -> Name as written

    @property
    def routes(self) -> list[HttpRoute]:
        """Every route, most specific first (literal paths, then fewer path variables, `$default` last)."""
        routes = [route for fn in self.functions.values() for route in fn.routes]
        return sorted(routes, key=lambda r: (r.path is None, r.param_count, r.method == "ANY", r.path or ""))

    def resolve(self, value: Any, resource_value: Callable[[str, str | None], str]) -> Any:  # noqa: PLR0911
        """Evaluate `Ref`, `Fn::GetAtt`, `Fn::Sub` and `Fn::If` against parameter values and local resources.

        `resource_value(logical_id, attribute)` answers for resources (attribute None for `Ref`).
        """
        if isinstance(value, list):
            return [self.resolve(item, resource_value) for item in value]
        if not isinstance(value, dict):
            return value
        if "Ref" in value:
            name = value["Ref"]
            if name in self.parameters:
                return self.parameters[name]
            return resource_value(name, None)
        if "Fn::GetAtt" in value:
            logical_id, attribute = value["Fn::GetAtt"]
            return resource_value(logical_id, attribute)
        if "Fn::If" in value:
            condition, when_true, when_false = value["Fn::If"]
            chosen = when_true if self.condition(condition, resource_value) else when_false
            return self.resolve(chosen, resource_value)
        if "Fn::Sub" in value:
            text = value["Fn::Sub"]

            def substitute(match: re.Match[str]) -> str:
                name = match.group(1)
                pseudo = {"AWS::Region": "us-east-1", "AWS::AccountId": "123456789012", "AWS::Partition": "aws"}
                if name in pseudo:
                    return pseudo[name]
                if "." in name:
                    logical_id, attribute = name.split(".", 1)
                    return str(resource_value(logical_id, attribute))
                return str(self.resolve({"Ref": name}, resource_value))

            return re.sub(r"\$\{([^}]+)\}", substitute, text)
        return {key: self.resolve(item, resource_value) for key, item in value.items()}

    def condition(self, name: str, resource_value: Callable[[str, str | None], str]) -> bool:
        """A named condition of the template (`Fn::Equals`, `Fn::Not`, `Fn::And`, `Fn::Or`, `Condition`)."""
        return self._holds(self.raw.get("Conditions", {})[name], resource_value)

    def _holds(self, expression: Any, resource_value: Callable[[str, str | None], str]) -> bool:
        if "Condition" in expression:
            return self.condition(expression["Condition"], resource_value)
        if "Fn::Equals" in expression:
            left, right = (self.resolve(side, resource_value) for side in expression["Fn::Equals"])
            return bool(left == right)
        if "Fn::Not" in expression:
            return not self._holds(expression["Fn::Not"][0], resource_value)
        if "Fn::And" in expression:
            return all(self._holds(part, resource_value) for part in expression["Fn::And"])
        if "Fn::Or" in expression:
            return any(self._holds(part, resource_value) for part in expression["Fn::Or"])
        raise ValueError(f"unsupported condition: {expression}")


RATE = re.compile(r"^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$")
RATE_SECONDS = {"minute": 60, "hour": 3600, "day": 86400}


def rate_seconds(expression: str) -> int | None:
    """The period of an EventBridge `rate(...)` expression in seconds; None for a `cron(...)`."""
    found = RATE.match(expression.strip())
    return None if found is None else int(found.group(1)) * RATE_SECONDS[found.group(2).rstrip("s")]


def _as_tuple(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return tuple(part.strip() for part in value.split(",") if part.strip())
    return tuple(str(item) for item in value)


def _readable_parameters(policies: list[Any]) -> frozenset[str]:
    """SSM parameter names that `ssm:GetParameter` statements of resolved inline policies allow."""
    names = set()
    for policy in policies:
        for statement in policy.get("Statement", []) if isinstance(policy, dict) else []:
            actions = statement.get("Action")
            if "ssm:GetParameter" not in (actions if isinstance(actions, list) else [actions]):
                continue
            resources = statement.get("Resource")
            for resource in resources if isinstance(resources, list) else [resources]:
                names.add(str(resource).split(":parameter", 1)[-1])
    return frozenset(names)


@dataclass
class _Events:
    routes: list[HttpRoute] = field(default_factory=list)
    sqs: list[SqsSource] = field(default_factory=list)
    s3: list[S3Source] = field(default_factory=list)
    schedules: list[tuple[str, str]] = field(default_factory=list)
    rules: list[EventRule] = field(default_factory=list)


def _events(logical_id: str, events: dict[str, Any]) -> _Events:
    """A function's event sources: HTTP routes, SQS queues, S3 buckets and schedules."""
    found = _Events()
    for name, event in events.items():
        event_props = event.get("Properties") or {}
        if event["Type"] == "HttpApi":
            method = str(event_props.get("Method", "ANY")).upper()
            found.routes.append(HttpRoute(method=method, path=event_props.get("Path"), function=logical_id))
        elif event["Type"] == "SQS":
            found.sqs.append(
                SqsSource(
                    queue=event_props["Queue"]["Fn::GetAtt"][0],
                    batch_size=int(event_props.get("BatchSize", 10)),
                    report_batch_item_failures="ReportBatchItemFailures"
                    in (event_props.get("FunctionResponseTypes") or []),
                )
            )
        elif event["Type"] == "EventBridgeRule":
            bus = event_props.get("EventBusName") or {}
            found.rules.append(EventRule(name=name, bus=bus.get("Ref", ""), pattern=event_props["Pattern"]))
        elif event["Type"] == "Schedule":
            found.schedules.append((name, str(event_props["Schedule"])))
        elif event["Type"] == "S3":
            rules = ((event_props.get("Filter") or {}).get("S3Key") or {}).get("Rules") or []
            found.s3.append(
                S3Source(
                    bucket=event_props["Bucket"]["Ref"],
                    events=_as_tuple(event_props.get("Events")),
                    prefix=next((r["Value"] for r in rules if r["Name"].lower() == "prefix"), ""),
                )
            )
    return found


def load_template(path: Path = TEMPLATE_PATH, parameter_overrides: Mapping[str, str] | None = None) -> Template:
    """Parse a SAM template into the specs the local gateway runs."""
    loader = _CfnLoader(path.read_text(encoding="utf-8"))  # a SafeLoader subclass: no arbitrary objects
    try:
        raw = loader.get_single_data()
    finally:
        loader.dispose()
    base_dir = path.parent
    parameters = {name: spec.get("Default") for name, spec in (raw.get("Parameters") or {}).items()}
    parameters.update(parameter_overrides or {})
    for name, spec in (raw.get("Parameters") or {}).items():
        if spec.get("Type") == "CommaDelimitedList" and isinstance(parameters[name], str):
            parameters[name] = list(_as_tuple(parameters[name]))

    globals_fn = (raw.get("Globals") or {}).get("Function") or {}
    global_env = ((globals_fn.get("Environment") or {}).get("Variables")) or {}
    resources: dict[str, Any] = raw.get("Resources") or {}

    functions: dict[str, FunctionSpec] = {}
    queues: dict[str, QueueSpec] = {}
    buckets: dict[str, BucketSpec] = {}
    buses: dict[str, Any] = {}
    cors: CorsSpec | None = None
    for logical_id, resource in resources.items():
        props = resource.get("Properties") or {}
        kind = resource.get("Type")
        if kind == "AWS::Serverless::Function":
            events = _events(logical_id, props.get("Events") or {})
            env = {**global_env, **(((props.get("Environment") or {}).get("Variables")) or {})}
            refs = Template(parameters, {}, {}, None, raw)
            reserved = refs.resolve(props.get("ReservedConcurrentExecutions"), lambda _id, _attr: "")
            readable = _readable_parameters(refs.resolve(props.get("Policies") or [], lambda _id, _attr: ""))
            functions[logical_id] = FunctionSpec(
                logical_id=logical_id,
                code_uri=(base_dir / props["CodeUri"]).resolve(),
                handler=props.get("Handler", globals_fn.get("Handler", "app.lambda_handler")),
                memory_mb=int(props.get("MemorySize", globals_fn.get("MemorySize", 128))),
                timeout_s=int(props.get("Timeout", globals_fn.get("Timeout", 3))),
                environment=env,
                routes=tuple(events.routes),
                sqs_sources=tuple(events.sqs),
                s3_sources=tuple(events.s3),
                schedules=tuple(events.schedules),
                event_rules=tuple(events.rules),
                reserved_concurrency=None if reserved is None else int(reserved),
                readable_parameters=readable,
            )
        elif kind == "AWS::SQS::Queue":
            redrive = props.get("RedrivePolicy") or {}
            target = redrive.get("deadLetterTargetArn")
            queues[logical_id] = QueueSpec(
                logical_id=logical_id,
                visibility_timeout=int(props.get("VisibilityTimeout", 30)),
                dead_letter_queue=target["Fn::GetAtt"][0] if target else None,
                max_receive_count=int(redrive["maxReceiveCount"]) if redrive else None,
            )
        elif kind == "AWS::Events::EventBus":
            buses[logical_id] = props.get("Name")
        elif kind == "AWS::S3::Bucket":
            buckets[logical_id] = BucketSpec(logical_id=logical_id, name=props.get("BucketName"))
        elif kind == "AWS::Serverless::HttpApi" and props.get("CorsConfiguration"):
            cfg = props["CorsConfiguration"]
            template_for_refs = Template(parameters, {}, {}, None, raw)
            origins = template_for_refs.resolve(cfg.get("AllowOrigins"), lambda _id, _attr: "")
            cors = CorsSpec(
                allow_origins=_as_tuple(origins),
                allow_headers=_as_tuple(cfg.get("AllowHeaders")),
                allow_methods=_as_tuple(cfg.get("AllowMethods")),
                expose_headers=_as_tuple(cfg.get("ExposeHeaders")),
                max_age=int(cfg["MaxAge"]) if cfg.get("MaxAge") is not None else None,
                allow_credentials=bool(cfg.get("AllowCredentials", False)),
            )
    return Template(
        parameters=parameters, functions=functions, queues=queues, cors=cors, raw=raw, buckets=buckets, buses=buses
    )
