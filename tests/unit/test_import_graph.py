"""Each function imports only what it uses: its modules after a cold import, read from `sys.modules` of a fresh
interpreter that loads the function the way Lambda does (its folder and the layer on the path)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from functools import cache

import pytest

from dev.localapi.template import ROOT, FunctionSpec, load_template

LAYER = ROOT / "layers" / "common"
_PROBE = """
import json, sys
import app
print(json.dumps(sorted(sys.modules)))
"""

# What no function behind the API loads: the worker side of AI entry and summaries (parsers, the lexicon,
# the learning that needs it, phrasing, the job registry), the Gemini SDK, the AWS SDK (a queue or mail
# client is made on first use), dnspython (an SRV lookup happens at the first connection, if ever) and
# pymongo's asynchronous driver, PyJWT's key-set client, `importlib.metadata` and `difflib`, which pymongo and
# pydantic import for what the functions never do, and JMESPath, which Powertools' Logger imports for a
# correlation-id path ours do not give it (layers/common/lazy_imports.py makes all of them lazy).
NOT_ON_THE_HTTP_PATH = (
    "finsight.ai_entry.parsing",
    "finsight.ai_entry.parsing.offline",
    "finsight.ai_entry.parsing.lexicon",
    "finsight.ai_entry.parsing.fallback",
    "finsight.ai_entry.worker",
    "finsight.ai_entry.memory",
    "finsight.insights.facts",
    "finsight.insights.phrasing",
    "finsight.insights.worker",
    "finsight.jobs.registry",
    "finsight.jobs.handlers",
    "gemini",
    "google.genai",
    "boto3",
    "dns",
    "pymongo.asynchronous.mongo_client",
    "jwt.jwks_client",
    "importlib.metadata",
    "difflib",
    "jmespath",
)
# (bcrypt itself is not listed: the dev environment's cryptography, which PyJWT and pymongo try, imports it.)
ACCOUNT_MODULES = ("finsight.accounts.service", "finsight.accounts.passwords", "email_validator")
AI_MODULES = ("finsight.ai_entry", "finsight.insights", "finsight.jobs")
TRANSACTIONS = ("finsight.transactions.service", "finsight.budgets")
TRANSACTION_WRITES = (
    "finsight.transactions.service",
    "finsight.transactions.requests",
    "finsight.rules",
    "finsight.events",
)


def forbid(*groups: str | tuple[str, ...]) -> tuple[str, ...]:
    return tuple(name for group in groups for name in ((group,) if isinstance(group, str) else group))


# Beyond the rules above: what a function must not load because it has nothing to do with it.
FORBIDDEN_ALSO: dict[str, tuple[str, ...]] = {
    **{
        logical_id: forbid(AI_MODULES, ACCOUNT_MODULES, "finsight.budgets")
        for logical_id in (
            "SplitTransactionFunction",
            "UnsplitTransactionFunction",
            "DeleteTransactionFunction",
            "BulkDeleteTransactionsFunction",
            "UpdateTransactionFunction",
        )
    },
    # Reading transactions: nothing of the writes (requests, rules, domain events); one by id, not the categories.
    **{
        logical_id: forbid(AI_MODULES, ACCOUNT_MODULES, "finsight.budgets", TRANSACTION_WRITES)
        for logical_id in (
            "ListTransactionsFunction",
            "ListTagsFunction",
            "TransactionSummaryFunction",
            "TransactionHistoryFunction",
        )
    },
    **{
        logical_id: forbid(AI_MODULES, ACCOUNT_MODULES, "finsight.budgets", TRANSACTION_WRITES, "finsight.categories")
        for logical_id in ("GetTransactionFunction", "TransactionStatusFunction")
    },
    # An AI entry's job message shares the job lifecycle (finsight.jobs.lifecycle), nothing of the worker.
    "CreateTransactionFunction": forbid("finsight.insights", "finsight.budgets", ACCOUNT_MODULES),
    **{
        logical_id: forbid(AI_MODULES, ACCOUNT_MODULES)
        for logical_id in (
            "ListBudgetsFunction",
            "GetBudgetFunction",
            "CreateBudgetFunction",
            "UpdateBudgetFunction",
            "DeleteBudgetFunction",
        )
    },
    **{
        logical_id: forbid(AI_MODULES, ACCOUNT_MODULES, "finsight.budgets", "finsight.transactions.service")
        for logical_id in (
            "ListRulesFunction",
            "CreateRuleFunction",
            "UpdateRuleFunction",
            "DeleteRuleFunction",
            "ApplyRuleFunction",
            "ListCategoriesFunction",
            "CreateCategoryFunction",
            "UpdateCategoryFunction",
            "DeleteCategoryFunction",
        )
    },
    "RequestAiSummaryFunction": forbid("finsight.ai_entry", "finsight.budgets", ACCOUNT_MODULES),
    "AiSummaryResultFunction": forbid("finsight.ai_entry", "finsight.budgets", ACCOUNT_MODULES),
    **{
        logical_id: forbid(AI_MODULES, TRANSACTIONS)
        for logical_id in (
            "RegisterFunction",
            "LoginFunction",
            "ResetPasswordFunction",
            "ForgotPasswordFunction",
            "GetProfileFunction",
            "UpdateProfileFunction",
        )
    },
    # Linking WhatsApp: the chat domain and the account's JWT check, nothing of passwords, money or the AI; only
    # sending a code parses numbers (phonenumbers, ~10 ms) and talks to Twilio.
    "SendWhatsappCodeFunction": forbid(
        AI_MODULES, TRANSACTIONS, "finsight.accounts.passwords", "finsight.accounts.service"
    ),
    **{
        logical_id: forbid(
            AI_MODULES,
            TRANSACTIONS,
            "finsight.accounts.passwords",
            "finsight.accounts.service",
            "phonenumbers",
            "finsight.chat.senders",
            "twilio",
        )
        for logical_id in (
            "VerifyWhatsappFunction",
            "UnlinkWhatsappFunction",
            "TelegramLinkFunction",
            "UnlinkTelegramFunction",
        )
    },
    # A webhook checks and queues (and answers in its HTTP reply): nothing of the worker side (parsing,
    # replies, babel), of accounts, of sending, or of the other channel's webhook.
    "WhatsappWebhookFunction": forbid(
        AI_MODULES[:2],
        "finsight.chat.worker",
        "finsight.chat.replies",
        "finsight.chat.senders",
        "finsight.chat.telegram_webhook",
        "babel",
        ACCOUNT_MODULES,
        TRANSACTIONS,
    ),
    "TelegramWebhookFunction": forbid(
        AI_MODULES[:2],
        "finsight.chat.worker",
        "finsight.chat.replies",
        "finsight.chat.senders",
        "finsight.chat.twilio_webhook",
        "twilio",
        "babel",
        ACCOUNT_MODULES,
        TRANSACTIONS,
    ),
    # Budget thresholds, alerts and digests read budgets and send; nothing of the AI, of the job registry or of
    # accounts; the threshold run only records events (no chat, no mail, no boto3).
    **{
        logical_id: forbid(
            "finsight.ai_entry", "finsight.insights", "finsight.jobs.registry", "google.genai", ACCOUNT_MODULES
        )
        for logical_id in ("BudgetAlertNotifyFunction", "WeeklyDigestFunction")
    },
    "BudgetAlertsFunction": forbid(
        "finsight.ai_entry", "finsight.insights", "finsight.jobs.registry", "finsight.chat", "boto3", ACCOUNT_MODULES
    ),
    # Domain events: the publisher reads the outbox and talks to EventBridge; the dispatcher and the delivery
    # worker know webhooks, nothing of transactions, budgets, the AI or chat.
    "PublishEventsFunction": forbid(
        AI_MODULES[:2], TRANSACTIONS, "finsight.chat", "finsight.webhooks", ACCOUNT_MODULES
    ),
    **{
        logical_id: forbid(AI_MODULES[:2], TRANSACTIONS, "finsight.chat", "finsight.transactions", ACCOUNT_MODULES)
        for logical_id in ("WebhookDispatchFunction", "DeliverWebhookFunction")
    },
    # Webhooks over HTTP: the URL check and the store; nothing of delivering (urllib3 is botocore's, loaded by
    # the redelivery's queue client only when it sends), of transactions or of the AI.
    **{
        logical_id: forbid(
            AI_MODULES,
            TRANSACTIONS,
            "finsight.transactions",
            "finsight.webhooks.delivery",
            "finsight.chat",
            ACCOUNT_MODULES,
        )
        for logical_id, spec in load_template().functions.items()
        if any(route.path.startswith("/api/webhooks") for route in spec.routes if route.path)
    },
    # Imports over HTTP: no statement reader (ofxtools, quiffen: ~340 ms), no ledger or AI parsing, no boto3 at
    # import (the upload form and the resume message make their clients on first use).
    **{
        logical_id: forbid(
            AI_MODULES,
            "finsight.imports.worker",
            "finsight.imports.ledger",
            "finsight.imports.statement",
            "ofxtools",
            "quiffen",
            "finsight.budgets",
            "finsight.accounts.passwords",
        )
        for logical_id in (
            "CreateImportFunction",
            "ListImportsFunction",
            "GetImportFunction",
            "DeleteImportFunction",
            "MapImportFunction",
        )
    },
    # Exports over HTTP: queue or link, nothing of the files or the worker.
    **{
        logical_id: forbid(AI_MODULES, "finsight.exports.worker", "finsight.exports.files", "finsight.imports")
        for logical_id in ("CreateExportFunction", "GetExportFunction")
    },
    # Recurring expenses over HTTP: the rules and their dates, nothing of the AI or of the due-date worker.
    **{
        logical_id: forbid(AI_MODULES, "finsight.recurring.worker", "finsight.imports", ACCOUNT_MODULES)
        for logical_id in (
            "CreateRecurringFunction",
            "ListRecurringFunction",
            "UpdateRecurringFunction",
            "DeleteRecurringFunction",
            "RecurringUpcomingFunction",
            "RecurringSuggestionsFunction",
            "AcceptSuggestionFunction",
        )
    },
    "RecurringDueFunction": forbid(
        "finsight.ai_entry",
        "finsight.insights",
        "finsight.jobs.registry",
        "google.genai",
        "finsight.imports",
        ACCOUNT_MODULES,
    ),
    "ExportDataFunction": forbid("google.genai", "gemini", "finsight.ai_entry.parsing", "finsight.imports", "babel"),
    # The import function reads statements: the readers load when a file of theirs comes, nothing of Gemini.
    "ImportStatementFunction": forbid("google.genai", "gemini", "ofxtools", "quiffen", "finsight.insights", "babel"),
    # A session's tokens: no password, so nothing of bcrypt.
    "RefreshFunction": forbid(AI_MODULES, TRANSACTIONS, "finsight.accounts.passwords"),
    "LogoutFunction": forbid(AI_MODULES, TRANSACTIONS, "finsight.accounts.passwords"),
    "HealthFunction": forbid(AI_MODULES, ACCOUNT_MODULES, "finsight.transactions", "finsight.budgets", "jwt"),
    **{
        # (the category list loads the token check and the database only for a caller who sends a token)
        logical_id: forbid(AI_MODULES, ACCOUNT_MODULES, "pymongo", "jwt", "finsight.accounts")
        for logical_id in ("CategoriesFunction", "DocsFunction", "NotFoundFunction")
    },
    # Off the API: the mail worker sends reset mail and knows nothing of passwords or the AI.
    "MailWorkerFunction": forbid(
        "finsight.ai_entry",
        "finsight.insights",
        "finsight.jobs.registry",
        "finsight.accounts.service",
        "finsight.accounts.passwords",
        "jwt",
    ),
    # The SDK costs ~300 ms: the worker loads it only when a Gemini key is configured.
    **{
        logical_id: forbid("google.genai", "gemini", "babel", ACCOUNT_MODULES)
        for logical_id in ("AiWorkerFunction", "AiDeadLetterFunction", "AiSweeperFunction")
    },
}


@cache
def functions() -> dict[str, FunctionSpec]:
    return load_template().functions


def is_http(spec: FunctionSpec) -> bool:
    return bool(spec.routes)


def modules_of(spec: FunctionSpec, *, tracing: bool = False) -> frozenset[str]:
    """The modules of the function after its cold import in a fresh interpreter; with `tracing`, in Lambda's
    environment with tracing on, as deployed (Powertools then loads the X-Ray SDK)."""
    folder = spec.module_file.parent
    env = {
        "PATH": os.environ.get("PATH", ""),
        "PYTHONPATH": os.pathsep.join([str(folder), str(LAYER)]),
        "POWERTOOLS_SERVICE_NAME": "finsight",
        "AWS_DEFAULT_REGION": "us-east-1",
        # As deployed (the template's Globals): pydantic scans no plugins, so never needs importlib.metadata.
        "PYDANTIC_DISABLE_PLUGINS": str(spec.environment["PYDANTIC_DISABLE_PLUGINS"]),
    }
    if tracing:
        env |= {"LAMBDA_TASK_ROOT": str(folder), "AWS_LAMBDA_FUNCTION_NAME": "probe"}
    else:
        env["POWERTOOLS_TRACE_DISABLED"] = "true"
    out = subprocess.run(
        [sys.executable, "-c", _PROBE.replace("import app", f"import {spec.module_file.stem}")],
        env=env,
        cwd=folder,
        capture_output=True,
        text=True,
        check=True,
    )
    return frozenset(json.loads(out.stdout.splitlines()[-1]))


@cache
def loaded_modules() -> dict[str, frozenset[str]]:
    """Every function's modules after its cold import (fresh interpreters, two at a time)."""
    with ThreadPoolExecutor(max_workers=2) as pool:
        return dict(zip(functions(), pool.map(modules_of, functions().values()), strict=True))


def loads(modules: frozenset[str], name: str) -> bool:
    """Whether `name` or any module inside it is loaded."""
    return name in modules or any(module.startswith(name + ".") for module in modules)


def test_every_function_has_a_rule() -> None:
    assert set(FORBIDDEN_ALSO) == set(functions())


@pytest.mark.parametrize("logical_id", sorted(FORBIDDEN_ALSO))
def test_a_function_loads_none_of_what_it_does_not_use(logical_id: str) -> None:
    spec = functions()[logical_id]
    forbidden = FORBIDDEN_ALSO[logical_id] + (NOT_ON_THE_HTTP_PATH if is_http(spec) else ())
    if logical_id == "HealthFunction":
        forbidden = tuple(name for name in forbidden if name != "boto3")  # it probes the queue
    modules = loaded_modules()[logical_id]
    assert [name for name in forbidden if loads(modules, name)] == []


def test_the_worker_loads_the_offline_parser_and_the_registry() -> None:
    """The rules above are not vacuous: the probe sees what a function does load."""
    modules = loaded_modules()["AiWorkerFunction"]
    assert {"finsight.ai_entry.parsing.offline", "finsight.jobs.registry", "pymongo"} <= modules
    assert "finsight.accounts.principal" in loaded_modules()["GetTransactionFunction"]


def test_with_tracing_on_the_xray_sdk_loads_without_importlib_metadata() -> None:
    """As deployed: the X-Ray SDK's wrapt scans entry points only when asked, so `importlib.metadata` stays out."""
    modules = modules_of(functions()["GetTransactionFunction"], tracing=True)
    assert "aws_xray_sdk.core" in modules
    assert not loads(modules, "importlib.metadata")


def test_pymongo_still_offers_its_async_client_when_asked() -> None:
    """The rewritten `pymongo/__init__.py` imports the async client on first use, not never."""
    probe = (
        "import sys, pymongo\n"
        "eager = 'pymongo.asynchronous.mongo_client' in sys.modules\n"
        "from pymongo import AsyncMongoClient, MongoClient\n"
        "print(eager, AsyncMongoClient.__module__, MongoClient.__module__, hasattr(pymongo, 'NoSuchName'))\n"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert out.stdout.split() == [
        "False",
        "pymongo.asynchronous.mongo_client",
        "pymongo.synchronous.mongo_client",
        "False",
    ]


def test_only_the_category_routes_load_the_category_models() -> None:
    """A transaction, budget, rule or recurring expense names a category (`categories.refs`); the models of the
    category routes (requests, views) are theirs alone."""
    loading = {
        logical_id for logical_id, modules in loaded_modules().items() if "finsight.categories.models" in modules
    }
    http = {logical_id for logical_id in loading if is_http(functions()[logical_id])}
    assert http == {
        "ListCategoriesFunction",
        "CreateCategoryFunction",
        "UpdateCategoryFunction",
        "DeleteCategoryFunction",
    }
