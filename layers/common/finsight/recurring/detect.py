"""Subscriptions found in a user's history: the same merchant at a steady interval (weekly, monthly or yearly,
a few days' tolerance, a skipped occurrence allowed) for a stable amount (a bill may vary; a price change
part way is one series), at least MIN_OCCURRENCES times, and still going.

Pure functions over (date, amount, description, category) rows: `finsight.recurring.suggestions` reads the
history and leaves out what is scheduled already. Measured on a corpus of histories written for it
(tests/data/subscriptions): precision and recall in the README.
"""

from __future__ import annotations

import hashlib
import re
import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from itertools import pairwise

from finsight.recurring.schedule import Frequency, Schedule, upcoming

MIN_OCCURRENCES = 3
PERIODS: dict[Frequency, tuple[float, float]] = {  # days, tolerance in days
    "weekly": (7.0, 2.0),
    "monthly": (30.44, 7.0),  # 28-day plans, and a payment a weekend or holiday late
    "yearly": (365.25, 20.0),
}
SAME_AMOUNT = 0.25  # amounts within 25 % of a series' median belong to it (a bill varies, a plan does not)
# Bank jargon and the words of dates ("CARD PAYMENT TO SPOTIFY ON 09 APR"): never part of a merchant's name.
NOISE_WORDS = frozenset(
    {
        "upi",
        "pos",
        "ach",
        "neft",
        "imps",
        "rtgs",
        "ecom",
        "ref",
        "txn",
        "dr",
        "cr",
        "to",
        "from",
        "www",
        "com",
        "the",
        "via",
        "bill",
        "debit",
        "card",
        "purchase",
        "ltd",
        "pvt",
        "inc",
        "llc",
        "india",
        "payment",
        "on",
        "at",
        "by",
        "for",
        "of",
        "and",
        "in",
        "with",
        "direct",
        "recurring",
        "autopay",
        "mandate",
        "si",
        "jan",
        "feb",
        "mar",
        "apr",
        "may",
        "jun",
        "jul",
        "aug",
        "sep",
        "sept",
        "oct",
        "nov",
        "dec",
        "january",
        "february",
        "march",
        "april",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
        "mon",
        "tue",
        "wed",
        "thu",
        "fri",
        "sat",
        "sun",
    }
)


@dataclass(frozen=True)
class Spend:
    day: date
    amount: Decimal
    description: str
    category: str = "Other"


@dataclass(frozen=True)
class Suggestion:
    key: str
    merchant: str
    description: str
    frequency: Frequency
    amount: Decimal  # the latest occurrence's
    typical_amount: Decimal  # the median of its last three
    category: str
    occurrences: int
    last_date: date
    next_date: date
    day_of_month: int | None
    confidence: float


def merchant_key(description: str) -> str:
    """The words that name the merchant: lower case, without reference numbers, dates or bank jargon."""
    words = [w for w in re.split(r"[^a-z0-9]+", description.lower()) if w and not any(c.isdigit() for c in w)]
    named = [w for w in words if w not in NOISE_WORDS and len(w) > 1]
    return " ".join(named[:3]) or " ".join(words[:3])


def _clusters(spends: list[Spend]) -> list[list[Spend]]:
    """One merchant's payments split by amount (two plans of one merchant are two series), then the clusters
    that follow one another in time joined again (a price change is one series)."""
    clusters: list[list[Spend]] = []
    for spend in sorted(spends, key=lambda s: s.day):
        home = next(
            (c for c in clusters if abs(spend.amount - _median(c)) <= Decimal(str(SAME_AMOUNT)) * _median(c)), None
        )
        if home is None:
            clusters.append([spend])
        else:
            home.append(spend)
    clusters.sort(key=lambda c: c[0].day)
    joined: list[list[Spend]] = []
    for cluster in clusters:
        before = next((j for j in joined if j[-1].day < cluster[0].day and _steady(j + cluster)), None)
        if before is not None:
            before.extend(cluster)
        else:
            joined.append(list(cluster))
    return joined


def _median(spends: list[Spend]) -> Decimal:
    return Decimal(statistics.median(s.amount for s in spends))


def _fit(days: list[date], frequency: Frequency) -> float:
    """How well the gaps fit the frequency: the share of regular gaps (one skipped occurrence allowed once), 0
    when any gap does not fit."""
    period, tolerance = PERIODS[frequency]
    gaps = [(b - a).days for a, b in pairwise(days)]
    if not gaps:
        return 0.0
    regular = skipped = 0
    for gap in gaps:
        steps = round(gap / period)
        if steps == 1 and abs(gap - period) <= tolerance:
            regular += 1
        elif steps == 2 and abs(gap - 2 * period) <= 2 * tolerance:
            skipped += 1
        else:
            return 0.0
    return regular / len(gaps) if skipped <= max(1, len(gaps) // 5) and regular >= 2 else 0.0


def _steady(spends: list[Spend]) -> bool:
    days = sorted(s.day for s in spends)
    return any(_fit(days, frequency) > 0 for frequency in PERIODS)


def _next(days: list[date], frequency: Frequency) -> tuple[date, int | None]:
    last = days[-1]
    if frequency == "weekly":
        return last + timedelta(days=7), None
    month_ends = sum(1 for d in days if (d + timedelta(days=1)).month != d.month or d.day >= 28)
    day_of_month = -1 if month_ends >= len(days) * 0.6 and last.day >= 28 else last.day
    schedule = Schedule(frequency, last, day_of_month=day_of_month)
    return upcoming(schedule, after=last, n=1)[0], day_of_month


def _series(merchant: str, spends: list[Spend], today: date) -> Suggestion | None:
    if len(spends) < MIN_OCCURRENCES:
        return None
    days = [s.day for s in spends]
    fits = {frequency: _fit(days, frequency) for frequency in PERIODS}
    frequency = max(fits, key=lambda f: fits[f])
    if fits[frequency] == 0:
        return None
    period, tolerance = PERIODS[frequency]
    if (today - days[-1]).days > period + 2 * tolerance:
        return None  # stopped: cancelled, or moved elsewhere
    latest = spends[-3:]
    typical = _median(latest)  # what it costs now (after a price change, the new price)
    if any(abs(s.amount - typical) > Decimal(str(SAME_AMOUNT)) * typical for s in latest):
        return None
    next_date, day_of_month = _next(days, frequency)
    category = Counter(s.category for s in spends).most_common(1)[0][0]
    confidence = round(fits[frequency] * min(1.0, len(spends) / 6) ** 0.5, 2)
    key = hashlib.sha256(f"{merchant}|{frequency}|{days[0].isoformat()}".encode()).hexdigest()[:16]
    return Suggestion(
        key=key,
        merchant=merchant,
        description=spends[-1].description,
        frequency=frequency,
        amount=spends[-1].amount,
        typical_amount=typical.quantize(Decimal("0.01")),
        category=category,
        occurrences=len(spends),
        last_date=days[-1],
        next_date=next_date,
        day_of_month=day_of_month if frequency != "weekly" else None,
        confidence=confidence,
    )


def detect(spends: list[Spend], today: date) -> list[Suggestion]:
    """The subscriptions still going in a history, most confident first."""
    by_merchant: dict[str, list[Spend]] = defaultdict(list)
    for spend in spends:
        if spend.amount > 0:
            by_merchant[merchant_key(spend.description)].append(spend)
    found = [
        suggestion
        for merchant, group in by_merchant.items()
        if len(group) >= MIN_OCCURRENCES
        for cluster in _clusters(group)
        if (suggestion := _series(merchant, cluster, today)) is not None
    ]
    return sorted(found, key=lambda s: (-s.confidence, s.merchant))
