"""Time in the user's zone: stored instants are UTC; days and months are the user's local ones."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo


def parse_date_or_datetime(value: str) -> date | datetime:
    """`2026-11-23` (a whole local day) or a datetime with an explicit offset (`...T10:00:00+05:30`, `...Z`)."""
    text = value.strip()
    if len(text) == 10:
        return date.fromisoformat(text)
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is None:
        raise ValueError("a datetime needs a UTC offset, e.g. 2026-11-23T10:00:00+05:30")
    return moment


def check_date_or_datetime(value: str) -> str:
    """Pydantic validator: the value parses as `parse_date_or_datetime` wants (kept as text)."""
    try:
        parse_date_or_datetime(value)
    except ValueError as exc:
        message = str(exc) if "offset" in str(exc) else "must be a date (2026-11-23) or a datetime with offset"
        raise ValueError(message) from None
    return value


def start_bound(value: str, zone: ZoneInfo) -> datetime:
    """Inclusive lower bound in UTC: a date means the start of that local day."""
    parsed = parse_date_or_datetime(value)
    if isinstance(parsed, datetime):
        return parsed.astimezone(UTC)
    return datetime.combine(parsed, time.min, zone).astimezone(UTC)


# MongoDB stores instants to the millisecond: the smallest step that keeps an instant inside a bound.
BSON_RESOLUTION = timedelta(milliseconds=1)


def end_bound(value: str, zone: ZoneInfo) -> datetime:
    """Exclusive upper bound in UTC: a date means through the end of that local day (inclusive end date);
    a datetime is included itself."""
    parsed = parse_date_or_datetime(value)
    if isinstance(parsed, datetime):
        return parsed.astimezone(UTC) + BSON_RESOLUTION
    return datetime.combine(parsed + timedelta(days=1), time.min, zone).astimezone(UTC)


def month_range(year: int, month: int, zone: ZoneInfo) -> tuple[datetime, datetime]:
    """[start, end) in UTC of a calendar month in the user's zone."""
    start = datetime(year, month, 1, tzinfo=zone)
    following = datetime(year + month // 12, month % 12 + 1, 1, tzinfo=zone)
    return start.astimezone(UTC), following.astimezone(UTC)


def month_bounds(now: datetime, zone: ZoneInfo) -> tuple[datetime, datetime]:
    """[start, end) in UTC of the local calendar month that contains `now`."""
    local = now.astimezone(zone)
    return month_range(local.year, local.month, zone)


def local_day(moment: datetime, zone: ZoneInfo) -> str:
    """The user's calendar day of an instant, as YYYY-MM-DD."""
    return moment.astimezone(zone).date().isoformat()


def iso_utc(moment: datetime) -> str:
    """ISO 8601 with an explicit offset, to the second: 2026-02-01T06:30:00+00:00."""
    aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return aware.astimezone(UTC).isoformat(timespec="seconds")
