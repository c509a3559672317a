"""When a rule's occurrences fall: daily, weekly (on a weekday), monthly (on a day of the month, or -1 for the
last day) or yearly, every `interval` periods from `start_date`, until `end_date` or `count` occurrences.

A day the month does not have falls on its last day (31 → 30 April, 28 or 29 February), and a yearly rule
started on 29 February falls on 28 February in other years. Pure date arithmetic (the standard library's
`calendar`): recurrence libraries follow RFC 5545, which skips such months instead.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

Frequency = Literal["daily", "weekly", "monthly", "yearly"]
LAST_DAY = -1


@dataclass(frozen=True)
class Schedule:
    frequency: Frequency
    start_date: date
    interval: int = 1
    day_of_month: int | None = None  # monthly/yearly: 1-31 or -1 (the last day); default: the start's day
    weekday: int | None = None  # weekly: 0 (Monday) to 6; default: the start's weekday
    end_date: date | None = None
    count: int | None = None


def _clamped(year: int, month: int, day: int) -> date:
    last = calendar.monthrange(year, month)[1]
    return date(year, month, last if day == LAST_DAY else min(day, last))


def _months(start: date, months: int) -> tuple[int, int]:
    index = start.year * 12 + start.month - 1 + months
    return index // 12, index % 12 + 1


def _candidates(schedule: Schedule) -> Iterator[date]:
    """Every occurrence from the start, in order, without end."""
    start, step = schedule.start_date, schedule.interval
    if schedule.frequency == "daily":
        day = start
        while True:
            yield day
            day += timedelta(days=step)
    elif schedule.frequency == "weekly":
        weekday = start.weekday() if schedule.weekday is None else schedule.weekday
        day = start + timedelta(days=(weekday - start.weekday()) % 7)
        while True:
            yield day
            day += timedelta(weeks=step)
    else:
        months = step if schedule.frequency == "monthly" else 12 * step
        wanted = schedule.day_of_month or start.day
        period = 0
        while True:
            year, month = _months(start, period * months)
            day = _clamped(year, month, wanted)
            if day >= start:
                yield day
            period += 1


def occurrences(schedule: Schedule, *, through: date) -> Iterator[date]:
    """The occurrences on or before `through`, in order (the count counts from the start)."""
    for number, day in enumerate(_candidates(schedule), start=1):
        if day > through or (schedule.end_date and day > schedule.end_date):
            return
        if schedule.count is not None and number > schedule.count:
            return
        yield day


def upcoming(schedule: Schedule, *, after: date, n: int) -> list[date]:
    """The next `n` occurrences after `after`."""
    found: list[date] = []
    for number, day in enumerate(_candidates(schedule), start=1):
        if (schedule.end_date and day > schedule.end_date) or (schedule.count is not None and number > schedule.count):
            break
        if day > after:
            found.append(day)
            if len(found) == n:
                break
    return found
