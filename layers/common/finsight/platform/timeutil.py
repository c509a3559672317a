"""Time in the user's zone: stored instants are UTC; days and months are the user's local ones."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

# Dates the API takes, as bounds or as an expense's date: anything else is a client's mistake, and near the
# ends of what `datetime` holds (years 1 and 9999) the arithmetic of bounds and zones overflows.
EARLIEST_YEAR = 1900
LATEST_YEAR = 2200
OUT_OF_RANGE_MESSAGE = f"must be between {EARLIEST_YEAR} and {LATEST_YEAR}"
OFFSET_MESSAGE = "a datetime needs a UTC offset, e.g. 2026-11-23T10:00:00+05:30"


class DateOutOfRangeError(ValueError):
    """A well-formed date outside the years the API takes."""


def parse_date_or_datetime(value: str) -> date | datetime:
    """`2026-11-23` (a whole local day) or a datetime with an explicit offset (`...T10:00:00+05:30`, `...Z`),
    in the years EARLIEST_YEAR to LATEST_YEAR."""
    text = value.strip()
    parsed: date | datetime = date.fromisoformat(text) if len(text) == 10 else datetime.fromisoformat(text)
    if isinstance(parsed, datetime) and parsed.tzinfo is None:
        raise ValueError(OFFSET_MESSAGE)
    if not EARLIEST_YEAR <= parsed.year <= LATEST_YEAR:
        raise DateOutOfRangeError(OUT_OF_RANGE_MESSAGE)
    return parsed


def check_date_or_datetime(value: str) -> str:
    """Pydantic validator: the value parses as `parse_date_or_datetime` wants (kept as text)."""
    try:
        parse_date_or_datetime(value)
    except DateOutOfRangeError:
        raise
    except ValueError as exc:
        message = (
            OFFSET_MESSAGE if str(exc) == OFFSET_MESSAGE else "must be a date (2026-11-23) or a datetime with offset"
        )
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
