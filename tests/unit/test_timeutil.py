"""Time in the user's zone: month bounds, inclusive end dates, offsets required."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from finsight.platform.timeutil import (
    DateOutOfRangeError,
    end_bound,
    iso_utc,
    local_day,
    month_bounds,
    parse_date_or_datetime,
    start_bound,
)

KOLKATA = ZoneInfo("Asia/Kolkata")
NEW_YORK = ZoneInfo("America/New_York")


def test_month_bounds_are_the_local_month_in_utc() -> None:
    start, end = month_bounds(datetime(2026, 11, 30, 20, 0, tzinfo=UTC), KOLKATA)  # already 1 Dec in India
    assert (start, end) == (datetime(2026, 11, 30, 18, 30, tzinfo=UTC), datetime(2026, 12, 31, 18, 30, tzinfo=UTC))


def test_month_bounds_cross_the_year_and_daylight_saving() -> None:
    start, end = month_bounds(datetime(2026, 12, 15, tzinfo=UTC), NEW_YORK)
    assert (start, end) == (datetime(2026, 12, 1, 5, tzinfo=UTC), datetime(2027, 1, 1, 5, tzinfo=UTC))
    march_start, march_end = month_bounds(datetime(2026, 3, 15, tzinfo=UTC), NEW_YORK)
    assert (march_start.hour, march_end.hour) == (5, 4)  # EST at the start, EDT at the end


def test_a_date_bound_covers_the_whole_local_day() -> None:
    assert start_bound("2026-03-10", KOLKATA) == datetime(2026, 3, 9, 18, 30, tzinfo=UTC)
    assert end_bound("2026-03-10", KOLKATA) == datetime(2026, 3, 10, 18, 30, tzinfo=UTC)


def test_a_datetime_end_bound_includes_that_instant_at_millisecond_resolution() -> None:
    bound = end_bound("2026-03-10T12:00:00+00:00", KOLKATA)
    assert bound == datetime(2026, 3, 10, 12, 0, 0, 1000, tzinfo=UTC)


@pytest.mark.parametrize("text", ["2026-03-10T10:00:00", "2026-02-30", "tomorrow", ""])
def test_naive_or_impossible_values_are_refused(text: str) -> None:
    with pytest.raises(ValueError, match=r"."):  # a message for the client, whatever the reason
        parse_date_or_datetime(text)


def test_local_day_and_iso_rendering() -> None:
    late = datetime(2026, 2, 28, 18, 0, tzinfo=UTC)  # 23:30 in India
    assert local_day(late, KOLKATA) == "2026-02-28"
    assert local_day(late, NEW_YORK) == "2026-02-28"
    assert local_day(datetime(2026, 2, 28, 19, 0, tzinfo=UTC), KOLKATA) == "2026-03-01"
    assert iso_utc(datetime(2026, 2, 1, 6, 30, 0, 123456, tzinfo=UTC)) == "2026-02-01T06:30:00+00:00"


@pytest.mark.parametrize("value", ["0001-01-01", "9999-12-31", "0001-01-01T00:00:00+14:00", "1899-12-31T23:59:59Z"])
def test_dates_outside_the_years_the_api_takes_are_refused_before_any_arithmetic(value: str) -> None:
    with pytest.raises(DateOutOfRangeError, match="between 1900 and 2200"):
        parse_date_or_datetime(value)
    with pytest.raises(ValueError, match="between 1900 and 2200"):
        end_bound(value, ZoneInfo("Pacific/Kiritimati"))
