"""Budget pace: month-end spend projected from the days gone by, in the user's time zone."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from finsight.budgets.service import pace_of

KOLKATA = ZoneInfo("Asia/Kolkata")


@pytest.mark.parametrize(
    ("now", "spend", "projected", "elapsed", "exceeds"),
    [
        (datetime(2026, 11, 10, 12, tzinfo=UTC), 100_000, 300_000, 10, True),  # 1,000 in 10 of 30 days
        (datetime(2026, 11, 15, 6, tzinfo=UTC), 100_000, 200_000, 15, False),  # exactly at the limit: not over
        (datetime(2026, 11, 3, 6, tzinfo=UTC), 1, 10, 3, False),  # 0.01 x 30 / 3, exact on integers
        (datetime(2026, 11, 7, 6, tzinfo=UTC), 100, 429, 7, False),  # 1.00 x 30 / 7 = 4.2857 -> 4.29
        (datetime(2026, 10, 31, 19, tzinfo=UTC), 5_000, 150_000, 1, False),  # 1 Nov 00:30 in India: day 1
        (datetime(2026, 10, 31, 18, tzinfo=UTC), 5_000, 5_000, 0, False),  # 31 Oct 23:30 in India: not begun
        (datetime(2026, 11, 30, 18, 29, tzinfo=UTC), 250_000, 250_000, 30, True),  # the last day: actual spend
        (datetime(2026, 12, 5, tzinfo=UTC), 150_000, 150_000, 30, False),  # over: the actual spend
    ],
)
def test_pace_of_november_2026_with_a_limit_of_2000(
    now: datetime, spend: int, projected: int, elapsed: int, exceeds: bool
) -> None:
    pace = pace_of(spend, 200_000, 2026, 11, zone=KOLKATA, now=now)
    assert (round(pace.projected_spend * 100), pace.days_elapsed, pace.days_in_month) == (projected, elapsed, 30)
    assert pace.projected_to_exceed is exceeds


def test_february_of_a_leap_year_has_29_days() -> None:
    assert pace_of(0, 100, 2028, 2, zone=KOLKATA, now=datetime(2028, 2, 10, tzinfo=UTC)).days_in_month == 29
