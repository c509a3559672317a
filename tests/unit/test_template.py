"""template.yaml: the rules the design card sets, checked so a careless edit fails the build."""

from __future__ import annotations

import inspect
import json
from pathlib import Path

import pytest

from dev.localapi.stack import load_module
from dev.localapi.template import ROOT, HttpRoute, Template, load_template
from dev.openapi import routes_of
from finsight.http import create_app

TEMPLATE = load_template()
RESOURCES = TEMPLATE.raw["Resources"]


def _http_routes(template: Template) -> list[HttpRoute]:
    return [r for r in template.routes if r.path is not None]


def test_every_route_is_declared_with_and_without_trailing_slash() -> None:
    declared = {(r.method, r.path) for r in _http_routes(TEMPLATE)}
    for method, path in declared:
        assert path is not None
        if "." in path.rsplit("/", 1)[-1]:
            continue  # a file such as /api/openapi.json has no folder form
        twin = path.rstrip("/") if path.endswith("/") else f"{path}/"
        assert (method, twin) in declared, f"{method} {path} has no {twin} twin"


def test_exactly_one_default_route_answers_unknown_paths() -> None:
    defaults = [r for r in TEMPLATE.routes if r.path is None]
    assert [r.function for r in defaults] == ["NotFoundFunction"]


@pytest.mark.parametrize("function", sorted(TEMPLATE.functions), ids=str)
def test_routes_in_code_are_exactly_the_routes_in_the_template(function: str) -> None:
    spec = TEMPLATE.functions[function]
    router = getattr(load_module(spec.module_file), "router", None)
    in_template = {(r.method, r.path.rstrip("/") or "/") for r in spec.routes if r.path is not None}
    app = create_app(router) if router is not None else create_app()
    in_code = {(route.method, route.openapi_path) for route in routes_of(app)}
    assert in_code == in_template


@pytest.mark.parametrize("function", sorted(TEMPLATE.functions), ids=str)
def test_every_function_has_a_sample_event_that_routes_to_it(function: str) -> None:
    spec = TEMPLATE.functions[function]
    from tests.conftest import load_event

    event = load_event(spec.code_uri.name)
    if spec.routes:
        assert event["routeKey"] in {r.route_key for r in spec.routes}
    elif spec.s3_sources:  # its first event source: a bucket's notification under the source's prefix
        for record in event["Records"]:
            assert record["eventSource"] == "aws:s3"
            assert record["s3"]["object"]["key"].startswith(spec.s3_sources[0].prefix)
    elif spec.sqs_sources:
        queue = spec.sqs_sources[0].queue
        assert all(record["eventSourceARN"].endswith(queue) for record in event["Records"])
    elif spec.event_rules:  # a domain event its rule's pattern matches
        pattern = spec.event_rules[0].pattern
        assert event["source"] in pattern["source"]
        assert event["detail-type"] in pattern.get("detail-type", [event["detail-type"]])
        assert event["detail"]["type"] == event["detail-type"]
    else:
        assert event["detail-type"] == "Scheduled Event"


def test_deployed_code_never_includes_the_dev_folder() -> None:
    for spec in TEMPLATE.functions.values():
        assert spec.code_uri.relative_to(ROOT).parts[0] == "functions"
    assert RESOURCES["CommonLayer"]["Properties"]["ContentUri"] == "layers/common/"
    assert RESOURCES["CommonLayer"]["Metadata"]["BuildMethod"] == "makefile"
    assert "build-CommonLayer:" in (ROOT / "layers" / "common" / "Makefile").read_text(encoding="utf-8")


def test_globals_pin_runtime_tracing_and_the_layer() -> None:
    function_globals = TEMPLATE.raw["Globals"]["Function"]
    assert function_globals["Runtime"] == "python3.11"
    assert function_globals["Tracing"] == "Active"
    assert function_globals["Layers"] == [{"Ref": "CommonLayer"}]
    assert {"POWERTOOLS_SERVICE_NAME", "POWERTOOLS_METRICS_NAMESPACE", "POWERTOOLS_LOG_LEVEL"} <= set(
        function_globals["Environment"]["Variables"]
    )


def test_secret_parameters_name_ssm_entries_and_never_hold_secret_values() -> None:
    parameters = TEMPLATE.raw["Parameters"]
    secret_names = [name for name in parameters if name.endswith("ParameterName")]
    assert sorted(secret_names) == [
        "GeminiApiKeyParameterName",
        "JwtSecretParameterName",
        "MongoUriParameterName",
        "TelegramBotTokenParameterName",
        "TelegramWebhookSecretParameterName",
        "TwilioAuthTokenParameterName",
    ]
    for name in secret_names:
        assert parameters[name]["Default"].startswith("/finsight/")
    env = TEMPLATE.raw["Globals"]["Function"]["Environment"]["Variables"]
    assert not {"MONGODB_URI", "JWT_SECRET", "GEMINI_API_KEY"} & set(env)


def test_cors_origins_come_from_a_parameter_and_throttling_and_access_logs_are_set() -> None:
    api = RESOURCES["FinSightApi"]["Properties"]
    assert api["CorsConfiguration"]["AllowOrigins"] == {"Ref": "AllowedOrigins"}
    assert {"ThrottlingBurstLimit", "ThrottlingRateLimit"} <= set(api["DefaultRouteSettings"])
    assert api["AccessLogSettings"]["DestinationArn"] == {"Fn::GetAtt": ["ApiAccessLogs", "Arn"]}


@pytest.mark.parametrize(
    ("queue", "worker"), [("AiQueue", "AiWorkerFunction"), ("MailQueue", "MailWorkerFunction")], ids=str
)
def test_each_queue_has_a_watched_dead_letter_queue_and_a_long_enough_visibility_timeout(
    queue: str, worker: str
) -> None:
    spec = TEMPLATE.queues[queue]
    assert spec.dead_letter_queue == queue.replace("Queue", "DeadLetterQueue")
    assert spec.max_receive_count is not None
    assert spec.visibility_timeout >= 6 * int(RESOURCES[worker]["Properties"]["Timeout"])
    alarm = RESOURCES[f"{spec.dead_letter_queue}Alarm"]["Properties"]
    assert alarm["Dimensions"] == [
        {"Name": "QueueName", "Value": {"Fn::GetAtt": [spec.dead_letter_queue, "QueueName"]}}
    ]
    [source] = TEMPLATE.functions[worker].sqs_sources
    assert (source.queue, source.report_batch_item_failures) == (queue, True)


def _statements(function: str) -> list[dict[str, object]]:
    policies = RESOURCES[function]["Properties"].get("Policies") or []
    return [statement for policy in policies for statement in policy["Statement"]]


def _actions(function: str) -> set[str]:
    return {str(statement["Action"]) for statement in _statements(function)}


def test_functions_get_only_the_permissions_they_use() -> None:
    assert _actions("CategoriesFunction") == {"ssm:GetParameter"}  # a caller's token and list
    assert _actions("DocsFunction") == set()
    assert _actions("NotFoundFunction") == set()
    assert _actions("HealthFunction") == {"sqs:GetQueueAttributes", "ssm:GetParameter"}
    assert _actions("ForgotPasswordFunction") == {"sqs:SendMessage", "ssm:GetParameter"}
    assert _actions("MailWorkerFunction") == {"ses:SendEmail", "ssm:GetParameter"}
    assert _actions("CreateTransactionFunction") == {"sqs:SendMessage", "ssm:GetParameter"}
    assert _actions("RequestAiSummaryFunction") == {"sqs:SendMessage", "ssm:GetParameter"}
    # SAM adds the queue's receive/delete; the worker shortens a retry's wait itself.
    assert _actions("AiWorkerFunction") == {"ssm:GetParameter", "sqs:ChangeMessageVisibility"}


def _sends_to(function: str) -> list[object]:
    return [s["Resource"] for s in _statements(function) if s["Action"] == "sqs:SendMessage"]


def test_only_the_job_producers_may_send_to_the_queue_and_only_the_worker_reads_it() -> None:
    ai_queue, mail_queue = {"Fn::GetAtt": ["AiQueue", "Arn"]}, {"Fn::GetAtt": ["MailQueue", "Arn"]}
    webhook_queue = {"Fn::GetAtt": ["WebhookQueue", "Arn"]}
    senders = {name: _sends_to(name) for name in TEMPLATE.functions if _sends_to(name)}
    assert senders == {
        "CreateTransactionFunction": [ai_queue],
        "RequestAiSummaryFunction": [ai_queue],
        "WhatsappWebhookFunction": [ai_queue],
        "TelegramWebhookFunction": [ai_queue],
        "ImportStatementFunction": [ai_queue],  # batches of imported rows for Gemini
        "ForgotPasswordFunction": [mail_queue],
        "MapImportFunction": [{"Fn::GetAtt": ["ImportQueue", "Arn"]}],
        "CreateExportFunction": [{"Fn::GetAtt": ["ExportQueue", "Arn"]}],
        # webhook deliveries: queued by the dispatcher and a redelivery; retries are queued by the worker itself
        "WebhookDispatchFunction": [webhook_queue],
        "RedeliverWebhookFunction": [webhook_queue],
        "DeliverWebhookFunction": [webhook_queue],
        "AiSweeperFunction": [webhook_queue],  # stalled deliveries, queued again
    }
    readers = [name for name, spec in TEMPLATE.functions.items() if any(s.queue == "AiQueue" for s in spec.sqs_sources)]
    assert readers == ["AiWorkerFunction"]
    worker = RESOURCES["AiWorkerFunction"]["Properties"]
    assert worker["ReservedConcurrentExecutions"] == {"Ref": "AiWorkerConcurrency"}
    assert worker["Events"]["Entries"]["Properties"]["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
    assert TEMPLATE.queues["AiQueue"].visibility_timeout >= 6 * int(worker["Timeout"])  # timings: test_timings.py
    assert "DeadLetterQueue" not in worker  # it does nothing for SQS-triggered functions: the queue's redrive does


def test_dead_letters_and_stale_entries_have_a_consumer() -> None:
    [dead_letters] = TEMPLATE.functions["AiDeadLetterFunction"].sqs_sources
    assert dead_letters.queue == "AiDeadLetterQueue"
    schedule = RESOURCES["AiSweeperFunction"]["Properties"]["Events"]["Every5Minutes"]
    assert schedule == {"Type": "Schedule", "Properties": {"Schedule": "rate(5 minutes)"}}


def test_only_the_mail_workers_may_send_email_and_only_from_the_configured_sender() -> None:
    # No API function sends mail: forgot-password answers the same, as fast, whether or not an account exists.
    # Besides account mail: budget alerts for users without a chat, and the note that a webhook was turned off.
    senders = [name for name in TEMPLATE.functions if any("ses:" in action for action in _actions(name))]
    assert sorted(senders) == ["BudgetAlertNotifyFunction", "DeliverWebhookFunction", "MailWorkerFunction"]
    for sender in senders:
        [ses] = [s for s in _statements(sender) if s["Action"] == "ses:SendEmail"]
        assert ses["Condition"] == {"StringEquals": {"ses:FromAddress": {"Ref": "MailFromAddress"}}}


def test_functions_that_check_tokens_or_count_emails_may_read_the_jwt_secret_and_no_other() -> None:
    token_functions = {
        "ForgotPasswordFunction",  # its limits count emails as an HMAC keyed from that secret
        "LoginFunction",
        "RefreshFunction",
        "LogoutFunction",
        "GetProfileFunction",
        "UpdateProfileFunction",
        "CreateTransactionFunction",
        "ListTransactionsFunction",
        "ListTagsFunction",
        "SplitTransactionFunction",
        "UnsplitTransactionFunction",
        "ListRulesFunction",
        "CreateRuleFunction",
        "UpdateRuleFunction",
        "DeleteRuleFunction",
        "ApplyRuleFunction",
        "CategoriesFunction",  # public; a token gets the caller's own list
        "ListCategoriesFunction",
        "CreateCategoryFunction",
        "UpdateCategoryFunction",
        "DeleteCategoryFunction",
        "GetTransactionFunction",
        "UpdateTransactionFunction",
        "DeleteTransactionFunction",
        "BulkDeleteTransactionsFunction",
        "CreateImportFunction",
        "ListImportsFunction",
        "GetImportFunction",
        "DeleteImportFunction",
        "MapImportFunction",
        "CreateExportFunction",
        "GetExportFunction",
        "CreateRecurringFunction",
        "ListRecurringFunction",
        "UpdateRecurringFunction",
        "DeleteRecurringFunction",
        "RecurringUpcomingFunction",
        "RecurringSuggestionsFunction",
        "AcceptSuggestionFunction",
        "TransactionStatusFunction",
        "TransactionSummaryFunction",
        "TransactionHistoryFunction",
        "ListBudgetsFunction",
        "CreateBudgetFunction",
        "GetBudgetFunction",
        "UpdateBudgetFunction",
        "DeleteBudgetFunction",
        "RequestAiSummaryFunction",
        "AiSummaryResultFunction",
        "SendWhatsappCodeFunction",  # and the link codes are hashed with a key derived from it
        "VerifyWhatsappFunction",
        "UnlinkWhatsappFunction",
        "WhatsappWebhookFunction",  # it counts messages per sender under a key hashed from that secret
        "TelegramLinkFunction",  # and the link tokens are hashed with a key derived from it
        "UnlinkTelegramFunction",
        "TelegramWebhookFunction",  # per-sender counts and link tokens, as above
        *(
            name
            for name, spec in TEMPLATE.functions.items()
            if any(r.path.startswith("/api/webhooks") for r in spec.routes if r.path)
        ),
    }
    readers = {
        name
        for name in TEMPLATE.functions
        if "JwtSecretParameterName" in json.dumps([s.get("Resource") for s in _statements(name)])
    }
    assert readers == token_functions


def test_only_the_functions_that_talk_to_twilio_may_read_its_token() -> None:
    readers = [
        name
        for name in TEMPLATE.functions
        if "TwilioAuthTokenParameterName" in json.dumps([s.get("Resource") for s in _statements(name)])
    ]
    # codes out, the webhook's signature check in, the AI worker's replies, budget alerts and digests out
    assert sorted(readers) == [
        "AiWorkerFunction",
        "BudgetAlertNotifyFunction",
        "SendWhatsappCodeFunction",
        "WeeklyDigestFunction",
        "WhatsappWebhookFunction",
    ]


@pytest.mark.parametrize(
    ("parameter", "readers"),
    [
        # the bot's token sends: the AI worker's replies, budget alerts, weekly digests (the webhook replies in
        # its HTTP answer, so it needs no token)
        ("TelegramBotTokenParameterName", ["AiWorkerFunction", "BudgetAlertNotifyFunction", "WeeklyDigestFunction"]),
        ("TelegramWebhookSecretParameterName", ["TelegramWebhookFunction"]),
    ],
)
def test_only_the_functions_that_need_a_telegram_secret_may_read_it(parameter: str, readers: list[str]) -> None:
    found = [
        name for name in TEMPLATE.functions if parameter in json.dumps([s.get("Resource") for s in _statements(name)])
    ]
    assert sorted(found) == readers


@pytest.mark.parametrize(
    "function",
    [
        "RegisterFunction",
        "LoginFunction",
        "RefreshFunction",
        "ForgotPasswordFunction",
        "ResetPasswordFunction",
        "SendWhatsappCodeFunction",  # each code is a message a stranger's phone may receive
        "VerifyWhatsappFunction",
    ],
)
def test_unauthenticated_auth_routes_have_their_own_throttling(function: str) -> None:
    for event in RESOURCES[function]["Properties"]["Events"].values():
        settings = event["Properties"]["RouteSettings"]
        assert settings == {
            "ThrottlingBurstLimit": {"Ref": "AuthThrottlingBurstLimit"},
            "ThrottlingRateLimit": {"Ref": "AuthThrottlingRateLimit"},
        }


def test_api_url_is_an_output() -> None:
    assert "ApiUrl" in TEMPLATE.raw["Outputs"]


@pytest.mark.parametrize("function", sorted(TEMPLATE.functions), ids=str)
def test_route_handlers_have_evaluated_annotations(function: str) -> None:
    """Powertools re-reads a route's type hints on every request: string annotations would be
    compiled and evaluated each time, so function modules do not postpone annotations."""
    spec = TEMPLATE.functions[function]
    router = getattr(load_module(spec.module_file), "router", None)
    routes = routes_of(create_app(router)) if router else []
    for route in routes:
        annotations = inspect.get_annotations(route.func)
        assert not any(isinstance(value, str) for value in annotations.values()), route.func.__name__


def _pins(path: Path) -> dict[str, str]:
    pins = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        requirement = line.split("#", 1)[0].strip()
        if "==" in requirement:
            name, version = requirement.split("==", 1)
            pins[name.strip().lower().replace("_", "-")] = version.strip()
    return pins


def test_the_ai_worker_package_leaves_to_the_layer_the_packages_the_layer_ships() -> None:
    """Its Makefile drops them from the package, so its pins must be the layer's (the locked) versions, and
    every one of them must be dropped: a copy in the function's folder would shadow the layer's."""
    worker = ROOT / "functions" / "ai_worker"
    assert RESOURCES["AiWorkerFunction"]["Metadata"]["BuildMethod"] == "makefile"
    locked = _pins(ROOT / "constraints.txt")
    own = {"google-genai", "babel"}  # the worker's own: the Gemini SDK, and money formats for chat replies
    shared = {name: version for name, version in _pins(worker / "requirements.txt").items() if name not in own}
    assert shared, "the worker pins the layer's versions of the SDK's shared dependencies"
    assert {name: locked.get(name) for name in shared} == shared
    dropped = (worker / "Makefile").read_text(encoding="utf-8").split("IN_THE_LAYER :=", 1)[1].splitlines()[0]
    assert {name.removesuffix(".py").replace("_", "-") for name in dropped.split()} == set(shared)


def test_the_statement_bucket_is_private_encrypted_tls_only_and_forgets_uploads() -> None:
    bucket = RESOURCES["StatementBucket"]["Properties"]
    assert set(bucket["PublicAccessBlockConfiguration"].values()) == {True}
    assert bucket["OwnershipControls"]["Rules"] == [{"ObjectOwnership": "BucketOwnerEnforced"}]
    [encryption] = bucket["BucketEncryption"]["ServerSideEncryptionConfiguration"]
    assert encryption["ServerSideEncryptionByDefault"]["SSEAlgorithm"] == "AES256"
    rules = {rule["Id"]: rule for rule in bucket["LifecycleConfiguration"]["Rules"]}
    assert (rules["uploaded-statements-expire"]["Prefix"], rules["uploaded-statements-expire"]["ExpirationInDays"]) == (
        "imports/",
        7,
    )
    [cors] = bucket["CorsConfiguration"]["CorsRules"]
    assert (cors["AllowedMethods"], cors["AllowedOrigins"]) == (["POST"], {"Ref": "AllowedOrigins"})
    [deny] = RESOURCES["StatementBucketPolicy"]["Properties"]["PolicyDocument"]["Statement"]
    assert (deny["Effect"], deny["Condition"]) == ("Deny", {"Bool": {"aws:SecureTransport": False}})


def _s3_grants() -> dict[str, list[tuple[str, str]]]:
    grants: dict[str, list[tuple[str, str]]] = {}
    for name in TEMPLATE.functions:
        for statement in _statements(name):
            if str(statement["Action"]).startswith("s3:"):
                grants.setdefault(name, []).append((str(statement["Action"]), json.dumps(statement["Resource"])))
    return grants


def test_only_imports_and_exports_touch_the_bucket_each_under_its_own_prefix() -> None:
    grants = _s3_grants()
    assert {name: [action for action, _ in found] for name, found in grants.items()} == {
        "CreateImportFunction": ["s3:PutObject"],  # what the presigned form allows its holder
        "DeleteImportFunction": ["s3:DeleteObject"],
        "ImportStatementFunction": ["s3:GetObject"],  # the import function reads only imports/
        "ExportDataFunction": ["s3:PutObject"],  # the export function writes only exports/
        "GetExportFunction": ["s3:GetObject"],  # what the presigned link allows its holder
    }
    for name, found in grants.items():
        prefix = "/exports/*" if "Export" in name else "/imports/*"
        assert all(resource.endswith(prefix + '"}') for _, resource in found), name
    [upload] = [e for e in RESOURCES["ImportStatementFunction"]["Properties"]["Events"].values() if e["Type"] == "S3"]
    assert upload["Properties"]["Events"] == "s3:ObjectCreated:*"
    assert upload["Properties"]["Filter"]["S3Key"]["Rules"] == [{"Name": "prefix", "Value": "imports/"}]


def test_only_the_publisher_puts_events_on_the_bus_and_the_rules_have_retries_and_a_dead_letter_queue() -> None:
    putters = [name for name in TEMPLATE.functions if "events:PutEvents" in _actions(name)]
    assert putters == ["PublishEventsFunction"]
    [put] = [s for s in _statements("PublishEventsFunction") if s["Action"] == "events:PutEvents"]
    assert put["Resource"] == {"Fn::GetAtt": ["EventBus", "Arn"]}
    rules = {name: spec.event_rules for name, spec in TEMPLATE.functions.items() if spec.event_rules}
    assert {name: [r.pattern for r in found] for name, found in rules.items()} == {
        "BudgetAlertNotifyFunction": [{"source": ["finsight"], "detail-type": ["budget.threshold_crossed"]}],
        "WebhookDispatchFunction": [{"source": ["finsight"]}],
    }
    for name in rules:  # the function's own errors after Lambda's retries, and EventBridge's failures to invoke it
        dead_letters = {"Type": "SQS", "TargetArn": {"Fn::GetAtt": ["EventsDeadLetterQueue", "Arn"]}}
        assert RESOURCES[name]["Properties"]["DeadLetterQueue"] == dead_letters
        for event in RESOURCES[name]["Properties"]["Events"].values():
            assert event["Properties"]["DeadLetterConfig"] == {"Arn": {"Fn::GetAtt": ["EventsDeadLetterQueue", "Arn"]}}
            assert event["Properties"]["RetryPolicy"]["MaximumRetryAttempts"] >= 2


def test_webhook_deliveries_have_a_dead_letter_queue_with_an_alarm_and_loopback_is_never_allowed_in_aws() -> None:
    queue = TEMPLATE.queues["WebhookQueue"]
    assert queue.dead_letter_queue == "WebhookDeadLetterQueue"
    worker = RESOURCES["DeliverWebhookFunction"]["Properties"]
    assert queue.visibility_timeout >= 6 * int(worker["Timeout"])
    alarmed = [
        r["Properties"]["Dimensions"][0]["Value"] for r in RESOURCES.values() if r["Type"] == "AWS::CloudWatch::Alarm"
    ]
    for dead_letters in ("WebhookDeadLetterQueue", "EventsDeadLetterQueue"):
        assert {"Fn::GetAtt": [dead_letters, "QueueName"]} in alarmed
    assert all("WEBHOOKS_ALLOW_LOOPBACK" not in spec.environment for spec in TEMPLATE.functions.values())
    assert "WEBHOOKS_ALLOW_LOOPBACK" not in json.dumps(TEMPLATE.raw)
