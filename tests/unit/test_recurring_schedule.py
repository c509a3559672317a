"""When a recurring expense falls: month ends, leap years, intervals, weekdays, ends and counts."""

from __future__ import annotations

from datetime import date

from finsight.recurring.schedule import Schedule, occurrences, upcoming


def dates(schedule: Schedule, through: date) -> list[str]:
    return [d.isoformat() for d in occurrences(schedule, through=through)]


def test_the_last_day_of_each_month_and_day_31_in_short_months() -> None:
    rent = Schedule("monthly", date(2026, 1, 31), day_of_month=-1)
    assert dates(rent, date(2026, 5, 31)) == ["2026-01-31", "2026-02-28", "2026-03-31", "2026-04-30", "2026-05-31"]
    on_31 = Schedule("monthly", date(2028, 1, 31), day_of_month=31)
    assert dates(on_31, date(2028, 4, 30)) == ["2028-01-31", "2028-02-29", "2028-03-31", "2028-04-30"]
    started_mid = Schedule("monthly", date(2026, 1, 15), day_of_month=10)  # the first 10th after the start
    assert dates(started_mid, date(2026, 3, 31)) == ["2026-02-10", "2026-03-10"]


def test_29_february_falls_on_28_february_in_other_years() -> None:
    leap = Schedule("yearly", date(2024, 2, 29))
    assert dates(leap, date(2028, 12, 31)) == ["2024-02-29", "2025-02-28", "2026-02-28", "2027-02-28", "2028-02-29"]


def test_intervals_weekdays_ends_and_counts() -> None:
    fortnightly = Schedule("weekly", date(2026, 11, 4), interval=2, weekday=0)  # Mondays, every other week
    assert dates(fortnightly, date(2026, 12, 10)) == ["2026-11-09", "2026-11-23", "2026-12-07"]
    quarterly = Schedule("monthly", date(2026, 1, 1), interval=3, end_date=date(2026, 12, 31))
    assert dates(quarterly, date(2027, 12, 31)) == ["2026-01-01", "2026-04-01", "2026-07-01", "2026-10-01"]
    three = Schedule("daily", date(2026, 11, 30), count=3)
    assert dates(three, date(2026, 12, 31)) == ["2026-11-30", "2026-12-01", "2026-12-02"]
    assert upcoming(three, after=date(2026, 11, 30), n=5) == [date(2026, 12, 1), date(2026, 12, 2)]
    assert upcoming(Schedule("yearly", date(2020, 5, 1)), after=date(2026, 12, 1), n=2) == [
        date(2027, 5, 1),
        date(2028, 5, 1),
    ]
