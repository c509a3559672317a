"""What the tests share: users and their requests over HTTP, the mail they receive, seeded data.

Integration helpers drive the local gateway (`tests.http_client.ApiClient`); the unit helpers write straight
into the in-memory database the `database` fixture provides.
"""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

import jwt
from bson import ObjectId

from dev.localapi.events import sample_event
from finsight.accounts.settings import AccountSettings
from finsight.ai_entry.job import ParseExpenseJob
from finsight.chat.settings import ChatSettings
from finsight.imports.settings import ImportSettings
from finsight.jobs.settings import AiSettings
from finsight.platform import db
from finsight.platform.config import EnvironmentSettings, Settings
from finsight.platform.resources import ResourceSettings
from finsight.webhooks.settings import WebhookSettings
from tests.http_client import ApiClient, HttpResponse

# Every settings class, one per domain (test_config checks that none is missing and no variable is read by two).
ALL_SETTINGS: tuple[type[EnvironmentSettings], ...] = (
    Settings,
    ResourceSettings,
    AccountSettings,
    AiSettings,
    ImportSettings,
    WebhookSettings,
    ChatSettings,
)

PASSWORD = "Str0ng!Pass"
KOLKATA = ZoneInfo("Asia/Kolkata")


class User:
    def __init__(self, api: ApiClient) -> None:
        self.api = api
        self.email = f"tx-{uuid.uuid4().hex[:10]}@example.com"
        assert api.post("/api/auth/register", json_body={"email": self.email, "password": PASSWORD}).status == 201
        self.login()
        self.id: str = jwt.decode(self.token, options={"verify_signature": False})["sub"]

    def login(self) -> None:
        response = self.api.post("/api/auth/login", json_body={"email": self.email, "password": PASSWORD})
        self.token: str = response.json()["data"]["access_token"]

    def request(self, method: str, path: str, **kwargs: Any) -> HttpResponse:
        headers = {"Authorization": f"Bearer {self.token}", **kwargs.pop("headers", {})}
        return self.api.request(method, path, headers=headers, **kwargs)

    def add(self, **fields: Any) -> dict[str, Any]:
        body = {"mode": "manual", "amount": 10, "category": "Groceries", "description": "groceries", **fields}
        response = self.request("POST", "/api/transactions/", json_body=body)
        assert response.status == 201, response.text
        return dict(response.json()["data"])

    def list(self, **params: Any) -> HttpResponse:
        return self.request("GET", f"/api/transactions/?{urlencode(params)}")

    def set_profile(self, **fields: Any) -> None:
        assert self.request("POST", "/api/auth/profile", json_body=fields).status == 200


def transactions() -> Any:
    return db.get_database()["transactions"]


def seed(owner: User, *, amount_minor: int | None = 1000, when: datetime | None = None, **fields: Any) -> ObjectId:
    """Insert a transaction straight into the database (fast set-up for listing and summaries)."""
    now = datetime.now(UTC)
    doc = {
        "user_id": owner.id,
        "amount_minor": amount_minor,
        "currency": "INR",
        "category": "Groceries",
        "description": "seeded",
        "date": (when or now).replace(microsecond=0),
        "status": "completed",
        "mode": "manual",
        "created_at": now,
        "updated_at": now,
        **fields,
    }
    return ObjectId(transactions().insert_one(doc).inserted_id)


# ----- accounts -----
def new_email() -> str:
    return f"user-{uuid.uuid4().hex[:10]}@Example.com"


def collection(name: str) -> Any:
    return db.get_database()[name]


def register(api: ApiClient, email: str, password: str = PASSWORD) -> HttpResponse:
    return api.post("/api/auth/register", json_body={"email": email, "password": password})


def login(api: ApiClient, email: str, password: str = PASSWORD) -> HttpResponse:
    return api.post("/api/auth/login", json_body={"email": email, "password": password})


def new_account(api: ApiClient) -> tuple[str, dict[str, Any]]:
    email = new_email()
    assert register(api, email).status == 201
    response = login(api, email)
    assert response.status == 200, response.text
    return email.lower(), response.json()["data"]


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def profile(api: ApiClient, token: str) -> HttpResponse:
    return api.get("/api/auth/profile", headers=bearer(token))


def mail_to(api: ApiClient, address: str) -> list[Any]:
    """What was mailed to `address`, once the mail worker has handled everything queued so far."""
    api.stack.wait_for_queue("MailQueue")
    return [m for m in api.stack.sent_mail() if address in m.destinations.get("ToAddresses", [])]


def reset_link_token(api: ApiClient, address: str) -> str:
    [message] = mail_to(api, address)
    match = re.search(r"http://localhost:3000/reset-password\?token=([A-Za-z0-9_-]+)", message.body)
    assert match, message.body
    return match.group(1)


# ----- AI entries, straight into the database (unit tests) -----
# When the unit tests' AI entries were made (their NOW).
ENTRY_TIME = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)


def processing(database: Any, text: str, *, currency: str = "INR", timezone: str = "Asia/Kolkata") -> ParseExpenseJob:
    user_id = (
        database["users"]
        .insert_one(
            {
                "email": f"{ObjectId()}@example.com",
                "password_hash": "x",
                "income_minor": 0,
                "timezone": timezone,
                "currency": currency,
            }
        )
        .inserted_id
    )
    tid = (
        database["transactions"]
        .insert_one(
            {
                "user_id": str(user_id),
                "amount_minor": None,
                "currency": currency,
                "category": None,
                "description": None,
                "date": ENTRY_TIME,
                "status": "processing",
                "mode": "ai",
                "raw_text": text,
                "created_at": ENTRY_TIME,
                "updated_at": ENTRY_TIME,
            }
        )
        .inserted_id
    )
    return ParseExpenseJob(transaction_id=str(tid), user_id=str(user_id))


def stored(database: Any, job: ParseExpenseJob) -> dict[str, Any]:
    return dict(database["transactions"].find_one({"_id": ObjectId(job.transaction_id)}))


def publish_events(api: ApiClient) -> dict[str, Any]:
    """Run the outbox's publisher once and wait until every rule's target has handled what it published."""
    outcome = api.stack.invoke("PublishEventsFunction", sample_event("publish_events"))
    assert outcome.error is None, outcome.error
    api.stack.wait_for_events()
    return dict(outcome.response)


def run_budget_alerts(api: ApiClient) -> dict[str, Any]:
    """The threshold run (scheduled), then its events published: the alerts go out (chat or email)."""
    outcome = api.stack.invoke("BudgetAlertsFunction", sample_event("budget_alerts"))
    assert outcome.error is None, outcome.error
    publish_events(api)
    return dict(outcome.response)
