"""Every MongoDB index the application relies on, declared in one place, and the one way to apply them.

Applied at deploy time with `make indexes` (this module's `main`) and automatically by the local
gateway. `create_indexes` is idempotent, so applying twice is harmless.
"""

from __future__ import annotations

from pymongo import ASCENDING, DESCENDING, IndexModel
from pymongo.database import Database

from finsight.platform.db import Document, get_database

INDEXES: dict[str, list[IndexModel]] = {
    "users": [
        # Emails are stored lower-cased, so this also makes them unique case-insensitively.
        IndexModel([("email", ASCENDING)], name="email_unique", unique=True),
    ],
    "transactions": [
        # List by date (the default), history and month ranges; _id breaks ties so pages are stable.
        IndexModel([("user_id", ASCENDING), ("date", DESCENDING), ("_id", DESCENDING)], name="user_date"),
        IndexModel([("user_id", ASCENDING), ("amount_minor", DESCENDING), ("_id", DESCENDING)], name="user_amount"),
        # Summary and history read only completed transactions of a date range.
        IndexModel([("user_id", ASCENDING), ("status", ASCENDING), ("date", DESCENDING)], name="user_status_date"),
        IndexModel([("user_id", ASCENDING), ("category", ASCENDING), ("date", DESCENDING)], name="user_category_date"),
        # An import's rows: counted when it ends, deleted when it is undone (only imported ones have it).
        IndexModel(
            [("user_id", ASCENDING), ("import_id", ASCENDING)],
            name="user_import",
            partialFilterExpression={"import_id": {"$exists": True}},
        ),
        # The sweeper finds AI entries left processing; few documents are ever in that state.
        IndexModel([("status", ASCENDING), ("created_at", ASCENDING)], name="status_created"),
        # Extra expenses of an AI entry, hidden until it completes: cleared by the entry, or by the sweeper.
        IndexModel([("source_transaction_id", ASCENDING)], name="source_transaction", sparse=True),
        IndexModel([("pending_since", ASCENDING)], name="pending_since", sparse=True),
        # The tag filter and the tag counts (multikey: one entry per tag).
        IndexModel([("user_id", ASCENDING), ("tags", ASCENDING)], name="user_tags", sparse=True),
    ],
    "budgets": [
        # One budget per user, category and month: also what the month's list reads.
        IndexModel(
            [("user_id", ASCENDING), ("year", ASCENDING), ("month", ASCENDING), ("category", ASCENDING)],
            name="user_month_category_unique",
            unique=True,
        ),
        # The threshold run reads every budget of the current month, across users.
        IndexModel([("year", ASCENDING), ("month", ASCENDING)], name="month"),
    ],
    "summary_jobs": [
        # At most one running summary per user: only running jobs carry `active_for`.
        IndexModel([("active_for", ASCENDING)], name="one_running_per_user", unique=True, sparse=True),
        # The sweeper finds jobs left running; few documents are ever in that state.
        IndexModel([("status", ASCENDING), ("created_at", ASCENDING)], name="status_created"),
        IndexModel([("expires_at", ASCENDING)], name="expiry_ttl", expireAfterSeconds=0),
    ],
    "sessions": [
        IndexModel([("user_id", ASCENDING)], name="user"),
        IndexModel([("expires_at", ASCENDING)], name="expiry_ttl", expireAfterSeconds=0),
    ],
    "password_resets": [
        IndexModel([("user_id", ASCENDING)], name="user"),
        IndexModel([("expires_at", ASCENDING)], name="expiry_ttl", expireAfterSeconds=0),
    ],
    "rate_events": [
        IndexModel([("key", ASCENDING), ("at", ASCENDING)], name="key_time"),
        IndexModel([("expires_at", ASCENDING)], name="expiry_ttl", expireAfterSeconds=0),
    ],
    # A chat address is the `_id` of its link (one owner); unlinking finds a user's links.
    "chat_links": [
        IndexModel([("user_id", ASCENDING), ("channel", ASCENDING)], name="user_channel"),
        IndexModel([("channel", ASCENDING), ("weekly", ASCENDING)], name="channel_weekly"),  # weekly digests
    ],
    "chat_link_codes": [IndexModel([("expires_at", ASCENDING)], name="expiry_ttl", expireAfterSeconds=0)],
    "chat_link_tokens": [
        IndexModel([("user_id", ASCENDING), ("channel", ASCENDING)], name="user_channel"),
        IndexModel([("expires_at", ASCENDING)], name="expiry_ttl", expireAfterSeconds=0),
    ],
    # A user's imports, newest first; the sweeper's stale imports (processing past their lease, uploads that
    # never came, resumes that never started).
    "imports": [
        IndexModel([("user_id", ASCENDING), ("created_at", DESCENDING)], name="user_created"),
        IndexModel([("status", ASCENDING), ("updated_at", ASCENDING)], name="status_updated"),
    ],
    # Exports are read by id and owner; the sweeper finds the ones left queued or processing.
    "exports": [IndexModel([("status", ASCENDING), ("updated_at", ASCENDING)], name="status_updated")],
    # A user's recurring expenses (listed, counted against the limit); the hourly run reads them all.
    "recurring": [IndexModel([("user_id", ASCENDING), ("created_at", ASCENDING)], name="user_created")],
    # One document per provider message id (idempotent webhooks), gone when providers no longer retry.
    "chat_inbound": [IndexModel([("expires_at", ASCENDING)], name="expiry_ttl", expireAfterSeconds=0)],
    # One document per digest sent (user's link and ISO week): a digest goes out once; kept a few weeks.
    "weekly_digests": [IndexModel([("expires_at", ASCENDING)], name="expiry_ttl", expireAfterSeconds=0)],
    # Domain events waiting for EventBridge, oldest first; published ones are kept a week.
    "outbox": [
        IndexModel([("status", ASCENDING), ("created_at", ASCENDING)], name="status_created"),
        IndexModel([("lease", ASCENDING)], name="lease", sparse=True),
        IndexModel([("published_at", ASCENDING)], name="published_ttl", expireAfterSeconds=7 * 86_400),
    ],
    # The chat and email messages of budget alerts (one per event and address); kept past the month.
    "alert_sends": [IndexModel([("at", ASCENDING)], name="sent_ttl", expireAfterSeconds=62 * 86_400)],
    # A user's categories: one name per user whatever the case (concurrent creates and renames: one wins);
    # the ones whose former names the sweeper still re-files.
    "categories": [
        IndexModel(
            [("user_id", ASCENDING), ("key", ASCENDING)],
            name="user_name_unique",
            unique=True,
            partialFilterExpression={"key": {"$exists": True}},
        ),
        IndexModel([("refile_until", ASCENDING)], name="refile_until", sparse=True),
    ],
    # A user's rules in the order they are tried (every new transaction reads them).
    "rules": [
        IndexModel([("user_id", ASCENDING), ("priority", DESCENDING), ("created_at", ASCENDING)], name="user_order")
    ],
    # A user's webhooks; the ones of a user that want an event type.
    "webhooks": [IndexModel([("user_id", ASCENDING), ("events", ASCENDING)], name="user_events")],
    # A webhook's delivery log, newest first, kept 30 days.
    "webhook_deliveries": [
        IndexModel([("webhook_id", ASCENDING), ("created_at", DESCENDING)], name="webhook_created"),
        IndexModel([("created_at", ASCENDING)], name="created_ttl", expireAfterSeconds=30 * 86_400),
    ],
}


def apply_indexes(database: Database[Document]) -> dict[str, list[str]]:
    """Create every declared index; returns the index names per collection."""
    return {name: database[name].create_indexes(models) for name, models in INDEXES.items()}


def main() -> None:
    """Apply the indexes to the database named by the configuration (MONGODB_URI or its parameter)."""
    for collection, names in apply_indexes(get_database()).items():
        print(f"{collection}: {', '.join(names)}")


if __name__ == "__main__":
    main()
