"""Abuse limits: an attempt is counted first, then admitted or refused from the count that includes it.

The counting itself (atomic, sliding windows, keyed hashes of emails) is `finsight.platform.rate_events`.
"""

from __future__ import annotations

from datetime import timedelta

from bson import ObjectId

from finsight.platform.db import get_database
from finsight.platform.errors import RateLimitedError
from finsight.platform.rate_events import RateEventRepository

AI_WINDOW_SECONDS = 3600


class TooManyAttemptsError(RateLimitedError):
    default_message = "Too many attempts. Please wait before trying again."


class TooManyAiRequestsError(RateLimitedError):
    default_message = (
        "You have made a lot of AI requests in the last hour. Please wait a little, or add expenses manually."
    )


def admit(
    limits: dict[str, int], window_seconds: int, error: type[RateLimitedError] = TooManyAttemptsError
) -> list[ObjectId]:
    """Count this attempt under every key first; past any key's limit, forget it and raise `error` (429 with
    Retry-After). Returns the ids of the counted attempt (`forget` them when it must not count)."""
    events = RateEventRepository(get_database())
    attempt = events.attempt(limits, timedelta(seconds=window_seconds))
    if attempt.retry_after is not None:
        events.forget(attempt.ids)
        raise error(retry_after_seconds=attempt.retry_after)
    return attempt.ids


def forget(ids: list[ObjectId]) -> None:
    """Stop counting an attempt (one that did no work, or a success that is not a failure)."""
    RateEventRepository(get_database()).forget(ids)


def admit_ai_request(user_id: str, limit: int) -> list[ObjectId]:
    """One AI entry or summary request of the user, within `limit` an hour (AI_REQUESTS_PER_USER_PER_HOUR, so that
    no user can fill the AI queue for everyone)."""
    return admit({f"ai-request:user:{user_id}": limit}, AI_WINDOW_SECONDS, TooManyAiRequestsError)
