#!/usr/bin/env python3
"""Build and self-check the subscription detector test corpus, histories.json.

Standard library only, fixed seed: running it again rewrites histories.json byte for byte.
This is NOT a detector. Every recurring series comes from an explicit plan below (merchant,
day, price, jitter, skips, start and stop), so the labels come from the plan; the self-check
then proves them against the generated rows:

- each `expected` entry's substring picks out exactly the transactions of its series (when two
  entries share a substring, a transaction belongs to the one with the nearest amount_about);
- every expected series has 3+ occurrences, every interval fits its frequency (at most one missed
  occurrence), its last occurrence is recent enough to be active, and its amount is stable;
- every decoy really is one (cancelled, only two charges, wildly varying amount, irregular gaps);
- no noise merchant happens to look recurring by chance (the noise is redrawn if it does).

Run:  python3 tests/data/subscriptions/make_histories.py          # rewrites histories.json, checks
      python3 tests/data/subscriptions/make_histories.py --check  # checks the committed file is current
"""

from __future__ import annotations

import argparse
import calendar
import datetime as dt
import json
import math
import random
import re
import statistics
import sys
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import pairwise
from pathlib import Path
from typing import Literal

HERE = Path(__file__).resolve().parent
OUT = HERE / "histories.json"
SEED = 20261130

Freq = Literal["weekly", "monthly", "yearly"]
Jitter = Literal["none", "post", "bizday", "user", "weekly"]
Decoy = Literal["", "cancelled", "two", "once", "wild", "irregular"]

CENT = Decimal("0.01")
UNIT = Decimal(1)

# Days between two occurrences: a regular interval, and one with a single missed occurrence.
BAND: dict[Freq, tuple[int, int]] = {"weekly": (5, 9), "monthly": (24, 38), "yearly": (355, 376)}
SKIP_BAND: dict[Freq, tuple[int, int]] = {"weekly": (12, 16), "monthly": (55, 66), "yearly": (720, 745)}
# Active: last occurrence at most this many days before "today". Cancelled: at least STOPPED_DAYS.
ACTIVE_DAYS: dict[Freq, int] = {"weekly": 10, "monthly": 38, "yearly": 376}
STOPPED_DAYS: dict[Freq, int] = {"weekly": 120, "monthly": 120, "yearly": 420}

# Bank holidays that push a business-day debit (rent, EMI, direct debit) to the next day.
HOLIDAYS: dict[str, frozenset[dt.date]] = {
    region: frozenset(dt.date.fromisoformat(day) for day in days.split())
    for region, days in {
        "IN": "2024-01-26 2024-08-15 2024-10-02 2024-11-01 2025-01-26 2025-03-14 2025-08-15 2025-10-02 "
        "2025-10-21 2026-01-26 2026-03-04 2026-08-15 2026-10-02 2026-11-09",
        "US": "2024-01-01 2024-05-27 2024-07-04 2024-09-02 2024-11-28 2024-12-25 2025-01-01 2025-05-26 "
        "2025-07-04 2025-09-01 2025-11-27 2025-12-25 2026-01-01 2026-05-25 2026-07-03 2026-09-07 2026-11-26",
        "DE": "2024-01-01 2024-03-29 2024-04-01 2024-05-01 2024-10-03 2024-12-25 2024-12-26 2025-01-01 "
        "2025-04-18 2025-04-21 2025-05-01 2025-05-29 2025-06-09 2025-10-03 2025-12-25 2025-12-26 "
        "2026-01-01 2026-04-03 2026-04-06 2026-05-01 2026-05-14 2026-05-25 2026-10-03",
        "FR": "2025-11-11 2025-12-25 2026-01-01 2026-04-06 2026-05-01 2026-05-08 2026-05-14 2026-07-14 "
        "2026-08-15 2026-11-11",
        "ES": "2025-12-08 2025-12-25 2026-01-01 2026-01-06 2026-04-03 2026-05-01 2026-08-15 2026-10-12",
        "NL": "2026-01-01 2026-04-06 2026-04-27 2026-05-05 2026-05-14 2026-05-25",
        "PT": "2025-12-08 2025-12-25 2026-01-01 2026-04-03 2026-04-25 2026-05-01 2026-06-10 2026-06-13",
        "UK": "2024-01-01 2024-03-29 2024-04-01 2024-05-06 2024-05-27 2024-08-26 2024-12-25 2024-12-26 "
        "2025-01-01 2025-04-18 2025-04-21 2025-05-05 2025-05-26 2025-08-25 2025-12-25 2025-12-26 "
        "2026-01-01 2026-04-03 2026-04-06 2026-05-04 2026-05-25 2026-08-31",
    }.items()
}

MONTHS = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"]
ALNUM = "ABCDEFGHJKLMNPQRSTUVWXYZ0123456789"
# {n12} 12 random digits, {a9} 9 random letters/digits, {dd} {mm} {yy} {yyyy} {MON} {Mon}: the row's date.
TOKEN = re.compile(r"\{(n|a|dd|mm|yyyy|yy|MON|Mon)(\d*)\}")


def iso(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def add_months(day: dt.date, months: int) -> dt.date:
    year, month0 = divmod(day.month - 1 + months, 12)
    year += day.year
    return dt.date(year, month0 + 1, min(day.day, calendar.monthrange(year, month0 + 1)[1]))


def render(template: str, rng: random.Random, day: dt.date) -> str:
    def one(match: re.Match[str]) -> str:
        name, size = match.group(1), int(match.group(2) or 0)
        if name == "n":
            return str(rng.randint(1, 9)) + "".join(str(rng.randint(0, 9)) for _ in range(size - 1))
        if name == "a":
            return "".join(rng.choice(ALNUM) for _ in range(size))
        return {
            "dd": f"{day.day:02d}",
            "mm": f"{day.month:02d}",
            "yy": f"{day.year % 100:02d}",
            "yyyy": str(day.year),
            "MON": MONTHS[day.month - 1],
            "Mon": MONTHS[day.month - 1].title(),
        }[name]

    return TOKEN.sub(one, template)


def price_at(plan: str, day: dt.date) -> Decimal:
    """'499.00; 2026-06-01=649.00' -> 499.00 before June 2026, 649.00 from then on."""
    parts = [part.strip() for part in plan.split(";")]
    amount = Decimal(parts[0])
    for part in parts[1:]:
        since, value = part.split("=")
        if day >= iso(since):
            amount = Decimal(value)
    return amount


@dataclass
class Tx:
    date: dt.date
    amount: Decimal
    description: str
    key: str  # series id or noise merchant; never written out


@dataclass
class Series:
    sid: str
    freq: Freq
    contains: str
    decoy: Decoy
    merchant: str
    vary: float
    every: int
    day31: bool = False
    skipped: int = 0
    shifted: int = 0
    price_steps: int = 0
    txs: list[Tx] = field(default_factory=list)
    amount_about: Decimal = Decimal(0)

    @property
    def expected(self) -> bool:
        return not self.decoy


@dataclass(frozen=True)
class Noise:
    key: str
    templates: tuple[str, ...]
    lo: float
    hi: float
    per_month: float
    whole: bool = False
    amounts: tuple[int, ...] = ()


class History:
    def __init__(self, name: str, currency: str, today: str, months: int, region: str, notes: str) -> None:
        self.name = name
        self.currency = currency
        self.notes = notes
        self.today = iso(today)
        self.months = months
        self.start = add_months(self.today, -months) + dt.timedelta(days=1)
        self.region = region
        self.rng = random.Random(f"{SEED}/{name}")  # noqa: S311 - reproducible test data, not security
        self.series: list[Series] = []
        self.noise_txs: list[Tx] = []

    # -- recurring series and decoys ------------------------------------------------------------

    def sub(
        self,
        sid: str,
        template: str | tuple[str, ...],
        freq: Freq,
        price: str,
        *,
        contains: str = "",
        day: int = 0,
        weekday: int = 0,
        month: int = 0,
        every: int = 0,
        first: str = "",
        last: str = "",
        jitter: Jitter = "post",
        skip: Sequence[str] = (),
        vary: float = 0.0,
        whole: bool = False,
        wild: tuple[float, float] | None = None,
        gaps: tuple[int, int] | None = None,
        merchant: str = "",
        decoy: Decoy = "",
    ) -> None:
        """Add one recurring series (or decoy). `price` is a plan for price_at; `skip` lists ISO
        date prefixes of planned occurrences that never happened."""
        begin = max(self.start, iso(first)) if first else self.start
        end = min(self.today, iso(last)) if last else self.today
        planned = self.plan(freq, begin, end, day=day, weekday=weekday, month=month, every=every, gaps=gaps)
        kept = [d for d in planned if not any(d.isoformat().startswith(s) for s in skip)]
        series = Series(sid, freq, contains.lower(), decoy, merchant, vary, every)
        series.skipped = len(planned) - len(kept)
        series.day31 = day == 31 and any(d.day < 31 for d in kept)
        series.price_steps = len({price_at(price, d) for d in kept}) - 1
        templates = (template,) if isinstance(template, str) else template
        previous: Decimal | None = None
        for planned_day in kept:
            when = self.shift(planned_day, jitter)
            if not self.start <= when <= self.today:
                continue
            series.shifted += when != planned_day
            if wild:
                amount = self.wild_amount(wild, previous)
            else:
                amount = price_at(price, planned_day)
                if vary:
                    amount *= Decimal(str(1 + self.rng.uniform(-vary, vary)))
                amount = amount.quantize(UNIT if whole else CENT)
            previous = amount = amount.quantize(CENT)
            series.txs.append(Tx(when, amount, render(self.rng.choice(templates), self.rng, when), sid))
        amounts = [t.amount for t in series.txs]
        if amounts:
            series.amount_about = (statistics.median(amounts) if vary else amounts[-1]).quantize(CENT)
        self.series.append(series)

    def plan(
        self,
        freq: Freq,
        begin: dt.date,
        end: dt.date,
        *,
        day: int,
        weekday: int,
        month: int,
        every: int,
        gaps: tuple[int, int] | None,
    ) -> list[dt.date]:
        out: list[dt.date] = []
        if gaps or every:
            current = begin
            while current <= end:
                out.append(current)
                current += dt.timedelta(days=self.rng.randint(*gaps) if gaps else every)
        elif freq == "weekly":
            current = begin + dt.timedelta(days=(weekday - begin.weekday()) % 7)
            while current <= end:
                out.append(current)
                current += dt.timedelta(days=7)
        elif freq == "monthly":
            year, mon = begin.year, begin.month
            while (year, mon) <= (end.year, end.month):
                current = dt.date(year, mon, min(day, calendar.monthrange(year, mon)[1]))
                if begin <= current <= end:
                    out.append(current)
                year, mon = (year + 1, 1) if mon == 12 else (year, mon + 1)
        else:
            for year in range(begin.year, end.year + 1):
                current = dt.date(year, month, min(day, calendar.monthrange(year, month)[1]))
                if begin <= current <= end:
                    out.append(current)
        return out

    def shift(self, day: dt.date, how: Jitter) -> dt.date:
        """Posting delay (card), next business day (bank debit), a user logging it late, a delivery day moved."""
        if how == "post":
            return day + dt.timedelta(days=self.rng.choices([0, 1, 2, 3], weights=[50, 30, 15, 5])[0])
        if how == "user":
            return day + dt.timedelta(days=self.rng.choice([-1, 0, 0, 0, 1, 1, 2, 3]))
        if how == "weekly":
            return day + dt.timedelta(days=self.rng.choices([0, 1, -1], weights=[80, 15, 5])[0])
        if how == "bizday":
            while day.weekday() >= 5 or day in HOLIDAYS[self.region]:
                day += dt.timedelta(days=1)
        return day

    def wild_amount(self, bounds: tuple[float, float], previous: Decimal | None) -> Decimal:
        """Log-uniform amount at least 1.5x away from the previous one."""
        while True:
            value = Decimal(str(math.exp(self.rng.uniform(math.log(bounds[0]), math.log(bounds[1]))))).quantize(CENT)
            if previous is None or max(value, previous) >= Decimal("1.5") * min(value, previous):
                return value

    # -- noise ---------------------------------------------------------------------------------

    def noise(self, table: Sequence[Noise], level: float = 1.0, busy: float = 3.3) -> None:
        """Irregular spending: uniformly random days, random amounts. Redrawn if it looks recurring."""
        span = (self.today - self.start).days + 1
        busiest = max(table, key=lambda spec: spec.per_month)
        for spec in table:
            # The busiest merchant (Swiggy, Starbucks, TfL...) stays at `busy` a month whatever the level.
            rate = max(spec.per_month * level, busy) if spec is busiest else spec.per_month * level
            mean = rate * span / 30.44
            for _attempt in range(200):
                count = int(mean) + (self.rng.random() < mean - int(mean))
                txs = [
                    self.noise_tx(spec, self.start + dt.timedelta(days=self.rng.randrange(span))) for _ in range(count)
                ]
                if not noise_looks_recurring(txs):
                    break
            else:
                raise SystemExit(f"{self.name}: noise {spec.key} keeps looking recurring")
            self.noise_txs.extend(txs)

    def noise_tx(self, spec: Noise, day: dt.date) -> Tx:
        if spec.amounts:
            amount = Decimal(self.rng.choice(spec.amounts))
        else:
            amount = Decimal(str(self.rng.uniform(spec.lo, spec.hi))).quantize(UNIT if spec.whole else CENT)
        return Tx(day, amount.quantize(CENT), render(self.rng.choice(spec.templates), self.rng, day), spec.key)

    # -- output --------------------------------------------------------------------------------

    def transactions(self) -> list[Tx]:
        rows = [t for s in self.series for t in s.txs] + self.noise_txs
        return sorted(rows, key=lambda t: (t.date, t.description, t.amount))

    def expected(self) -> list[Series]:
        return [s for s in self.series if s.expected]


# -- bank description styles ---------------------------------------------------------------------

UPI_IFSC = {
    "axisbank": "UTIB0000100",
    "hdfcbank": "HDFC0MERUPI",
    "icici": "ICIC0DC0099",
    "ybl": "YESB0YBLUPI",
    "paytm": "PYTM0123456",
    "okicici": "ICIC0000104",
    "oksbi": "SBIN0005943",
    "okaxis": "UTIB0000000",
    "apl": "UTIB0000553",
    "axb": "UTIB0000114",
    "sbi": "SBIN0000001",
}


def hdfc_upi(name: str, vpa: str, note: str = "UPI") -> str:
    return f"UPI-{name}-{vpa.upper()}-{UPI_IFSC[vpa.split('@')[1]]}-{{n12}}-{note}"


def hdfc_card(merchant: str) -> str:
    return f"POS 416021XXXXXX4821 {merchant}"


def icici_upi(name: str, vpa: str, note: str = "Payment from Ph") -> str:
    return f"UPI/{name}/{{n12}}/{vpa}/{note}"


def icici_card(merchant: str) -> str:
    return f"POS/{merchant}/{{n6}}"


def plain(merchant: str) -> str:
    return merchant


def boa_card(merchant: str) -> str:
    return f"CHECKCARD {{mm}}{{dd}} {merchant} {{n12}}"


def barclays_card(merchant: str) -> str:
    return f"CARD PAYMENT TO {merchant} ON {{dd}} {{MON}}"


def de_card(merchant: str) -> str:
    return f"KARTENZAHLUNG {merchant} Debitk.1 {{dd}}.{{mm}}"


def de_paypal(merchant: str) -> str:
    return f"LASTSCHRIFT PayPal Europe S.a.r.l. et Cie S.C.A PP.{{n4}}.PP . {merchant}, Ihr Einkauf bei {merchant}"


def fr_card(merchant: str) -> str:
    return f"CB {merchant} {{dd}}/{{mm}}"


def es_card(merchant: str) -> str:
    return f"COMPRA TARJ. 4940XXXXXXXX7731 {merchant}"


def nl_card(merchant: str) -> str:
    return f"BEA, Betaalpas {merchant},PAS012 {{dd}}.{{mm}}.{{yy}} AMSTERDAM"


# -- noise tables --------------------------------------------------------------------------------


def in_bank_noise(card: Callable[[str], str], upi: Callable[[str, str], str], atm: str) -> list[Noise]:
    return [
        Noise("swiggy", (upi("SWIGGY", "swiggy.rzp@axisbank"), upi("Swiggy Limited", "swiggyupi@axb")), 149, 940, 6),
        Noise("zomato", (upi("ZOMATO LTD", "zomato-order@paytm"),), 179, 1180, 3),
        Noise("uber", (upi("UBER INDIA SYSTEMS PVT", "uberindia@hdfcbank"),), 96, 640, 4),
        Noise("ola", (upi("OLA CABS", "olacabs.payu@hdfcbank"),), 85, 520, 1.5),
        Noise("blinkit", (upi("BLINKIT", "blinkit.payu@hdfcbank"),), 99, 1450, 3),
        Noise("zepto", (upi("ZEPTO MARKETPLACE", "zepto.rzp@icici"),), 89, 990, 1.5),
        Noise("starbucks", (card("TATA STARBUCKS PVT LTD"),), 245, 890, 2.5),
        Noise("thirdwave", (card("THIRD WAVE COFFEE ROASTERS"),), 180, 640, 1.5),
        Noise("bigbasket", (upi("BIGBASKET", "bigbasket@hdfcbank"),), 620, 3900, 1.2),
        Noise("dmart", (card("AVENUE SUPERMARTS LTD"),), 480, 4300, 1),
        Noise("fuel", (card("HPCL AUTO CARE CENTRE"), card("INDIAN OIL COCO OUTLET")), 500, 3000, 1.8, whole=True),
        Noise("atm", (atm,), 0, 0, 1.1, amounts=(2000, 3000, 5000, 10000)),
        Noise("amazon", (upi("AMAZON PAY INDIA PRIVATE", "amazonupi@apl"),), 119, 4800, 1.2),
        Noise("flipkart", (upi("FLIPKART INTERNET PVT LTD", "fkrt@ybl"),), 199, 6500, 0.5),
        Noise("decathlon", (card("DECATHLON SPORTS INDIA"),), 399, 5200, 0.2),
        Noise("bookmyshow", (upi("BOOKMYSHOW", "bookmyshow.rzp@axisbank"),), 250, 1400, 0.3),
        Noise("medplus", (card("MEDPLUS HEALTH SERVICES"),), 60, 1300, 0.6),
        Noise("kirana", (upi("SRI BALAJI PROVISION STORE", "q381726455@ybl"),), 40, 780, 2, whole=True),
        Noise("rahul", (upi("RAHUL SHARMA", "rahulsharma92@okicici"),), 100, 2500, 0.7, whole=True),
        Noise("priya", (upi("PRIYA NAIR", "priya.nair@oksbi"),), 150, 1800, 0.4, whole=True),
    ]


HDFC_ATM = "NWD-416021XXXXXX4821-{a8}-BANGALORE"
ICICI_ATM = "ATM/CASH WDL/{n6}/KORAMANGALA BLR"

IN_USER_NOISE = [
    Noise("swiggy", ("Swiggy", "Swiggy dinner", "swiggy lunch", "Swiggy - biryani"), 149, 940, 5),
    Noise("zomato", ("Zomato", "Zomato order"), 179, 1180, 2.5),
    Noise("uber", ("Uber to office", "Uber", "uber home"), 96, 640, 3.5),
    Noise("auto", ("Auto", "Auto rickshaw"), 40, 220, 3, whole=True),
    Noise("groceries", ("Groceries DMart", "Groceries"), 400, 3800, 2),
    Noise("veg", ("Vegetables", "Vegetables & fruits"), 60, 480, 3, whole=True),
    Noise("milkbread", ("Milk and bread", "Milk & eggs"), 60, 180, 1.5, whole=True),
    Noise("petrol", ("Petrol",), 500, 2500, 1.8, whole=True),
    Noise("chai", ("Chai", "Chai & samosa", "Tea stall"), 20, 120, 4, whole=True),
    Noise("cafe", ("Starbucks", "Third Wave Coffee"), 240, 700, 1.5),
    Noise("cash", ("Cash withdrawal", "ATM"), 0, 0, 0.8, amounts=(500, 1000, 2000, 3000)),
    Noise("amazon", ("Amazon order", "Amazon"), 150, 3500, 1),
    Noise("flipkart", ("Flipkart",), 199, 4200, 0.4),
    Noise("medicines", ("Medicines", "Pharmacy"), 80, 900, 0.7),
    Noise("movie", ("Movie tickets",), 300, 1200, 0.3),
]


def us_noise(card: Callable[[str], str], atm: str) -> list[Noise]:
    return [
        Noise("starbucks", (card("STARBUCKS STORE 10523 SEATTLE WA"),), 4.25, 11.80, 6),
        Noise("uber", (card("UBER *TRIP HELP.UBER.COM CA"),), 9.80, 48.60, 4),
        Noise("ubereats", (card("UBER *EATS HELP.UBER.COM CA"),), 18.40, 63.90, 1.5),
        Noise(
            "doordash",
            (card("DOORDASH*CHIPOTLE SAN FRANCISCO CA"), card("DOORDASH*SWEETGREEN"), card("DOORDASH*THAI BASIL")),
            21,
            71,
            2,
        ),
        Noise(
            "lyft", (card("LYFT *RIDE FRI 6PM"), card("LYFT *RIDE SAT 11PM"), card("LYFT *RIDE TUE 8AM")), 8, 39, 1.5
        ),
        Noise("traderjoes", (card("TRADER JOE S #552 QPS SAN FRANCISCO CA"),), 24, 140, 2.5),
        Noise("wholefoods", (card("WHOLEFDS MKT 10234 SAN FRANCISCO CA"),), 19, 160, 1.5),
        Noise("safeway", (card("SAFEWAY #1234 DALY CITY CA"),), 14, 95, 1),
        Noise("shell", (card("SHELL OIL 57442310 SAN MATEO CA"),), 31, 72, 1.5),
        Noise("chevron", (card("CHEVRON 0092345 DALY CITY CA"),), 28, 69, 1),
        Noise("atm", (atm,), 0, 0, 0.8, amounts=(40, 60, 80, 100, 200)),
        Noise(
            "amazon", (card("AMAZON MKTPL*{a9} Amzn.com/bill WA"), card("Amazon.com*{a9} Amzn.com/bill WA")), 8, 180, 2
        ),
        Noise("target", (card("TARGET 00012345 DALY CITY CA"),), 12, 160, 1),
        Noise("cvs", (card("CVS/PHARMACY #01234 SAN FRANCISCO CA"),), 6, 45, 1),
        Noise("bluebottle", (card("SQ *BLUE BOTTLE COFFEE San Francisco CA"),), 5.5, 9.75, 1.5),
        Noise("chipotle", (card("CHIPOTLE 2011 SAN FRANCISCO CA"),), 11, 16.5, 1),
        Noise("homedepot", (card("THE HOME DEPOT #0634 COLMA CA"),), 9, 240, 0.3),
        Noise("amc", (card("AMC 8802 ONLINE 888-440-4262 KS"),), 14, 48, 0.3),
        Noise("walgreens", (card("WALGREENS #1234 SAN FRANCISCO CA"),), 4, 38, 0.5),
    ]


US_USER_NOISE = [
    Noise("coffee", ("Starbucks", "Coffee", "coffee w/ Sam"), 4.25, 11.80, 5),
    Noise("uber", ("Uber", "Uber ride"), 9.80, 48.60, 3),
    Noise("lyft", ("Lyft",), 8, 39, 1.5),
    Noise("groceries", ("Groceries", "Trader Joe's", "Safeway groceries"), 18, 160, 4),
    Noise("gas", ("Gas",), 31, 72, 2),
    Noise("lunch", ("Lunch", "Lunch w/ team"), 9, 28, 3),
    Noise("delivery", ("DoorDash", "Dinner delivery"), 21, 71, 2),
    Noise("amazon", ("Amazon",), 8, 180, 1.5),
    Noise("target", ("Target run", "Target"), 12, 160, 1),
    Noise("movie", ("Movie",), 14, 48, 0.4),
    Noise("cash", ("ATM cash",), 0, 0, 0.6, amounts=(40, 60, 100)),
    Noise("pharmacy", ("Pharmacy", "CVS"), 6, 45, 0.7),
    Noise("dinner", ("Dinner out", "Dinner with Alex"), 35, 140, 1),
    Noise("parking", ("Parking",), 6, 32, 1),
]

DE_NOISE = [
    Noise("rewe", (de_card("REWE Markt GmbH"),), 6, 95, 3),
    Noise("lidl", (de_card("Lidl Dienstleistung GmbH"),), 5, 70, 2),
    Noise("edeka", (de_card("EDEKA Center Kaiser"),), 8, 80, 1),
    Noise("dm", (de_card("dm-drogerie markt"),), 4, 48, 1),
    Noise("lieferando", (de_paypal("Lieferando.de"),), 14, 48, 4),
    Noise("uber", (de_card("UBER *TRIP HELP.UBER.COM"),), 8, 35, 1.5),
    Noise("baecker", (de_card("Baeckerei Siebert"),), 2, 12, 3.5),
    Noise("aral", (de_card("ARAL Station 2841"),), 40, 90, 1.2),
    Noise("cash", ("Bargeldauszahlung GA Sparkasse Berlin {n6}",), 0, 0, 1, amounts=(50, 100, 150, 200)),
    Noise("amazon", ("LASTSCHRIFT AMAZON EU S.A R.L., NIEDERLASSUNG DEUTSCHLAND {n12}",), 7, 140, 1.2),
    Noise("mediamarkt", (de_card("MediaMarkt Berlin-Alexanderplatz"),), 15, 420, 0.2),
    Noise("zalando", (de_paypal("Zalando SE"),), 25, 160, 0.3),
    Noise("ebay", (de_paypal("eBay S.a.r.l."),), 6, 90, 0.4),
    Noise("db", ("DB Vertrieb GmbH Fahrkarte {n9}",), 19, 139, 0.5),
    Noise("rossmann", (de_card("Rossmann 2734"),), 3, 35, 0.7),
]

FR_NOISE = [
    Noise("monoprix", (fr_card("MONOPRIX PARIS 11"),), 6, 85, 3),
    Noise("carrefour", (fr_card("CARREFOUR CITY"),), 4, 48, 2),
    Noise("franprix", (fr_card("FRANPRIX 5123"),), 3, 36, 1.5),
    Noise("boulangerie", (fr_card("BOULANGERIE JULIEN"),), 1.2, 9.8, 5),
    Noise("uber", (fr_card("UBER *TRIP"),), 7, 32, 2),
    Noise("ubereats", (fr_card("UBER * EATS"),), 16, 45, 1.5),
    Noise("starbucks", (fr_card("STARBUCKS PARIS OPERA"),), 4.5, 9, 1.5),
    Noise("sncf", (fr_card("SNCF INTERNET"),), 19, 120, 0.5),
    Noise("cash", ("RETRAIT DAB {dd}/{mm} BNP PARIBAS",), 0, 0, 1, amounts=(20, 40, 50, 60, 100)),
    Noise("amazon", (fr_card("AMAZON PAYMENTS"),), 8, 95, 1),
    Noise("fnac", (fr_card("FNAC PARIS"),), 12, 230, 0.3),
    Noise("pharmacie", (fr_card("PHARMACIE DU MARCHE"),), 4, 38, 0.8),
    Noise("picard", (fr_card("PICARD SURGELES"),), 9, 54, 0.8),
]

ES_NOISE = [
    Noise("mercadona", (es_card("MERCADONA VALENCIA"),), 8, 95, 3),
    Noise("carrefour", (es_card("CARREFOUR EXPRESS"),), 3, 40, 2),
    Noise("glovo", (es_card("GLOVO APP"),), 12, 38, 4.5),
    Noise("cabify", (es_card("CABIFY"),), 7, 26, 2),
    Noise("starbucks", (es_card("STARBUCKS COLON"),), 3.5, 8, 1.5),
    Noise("bar", (es_card("BAR CASA PACO"),), 2, 18, 3),
    Noise("cash", ("DISPOSICION EN CAJERO {n4} VALENCIA",), 0, 0, 1, amounts=(20, 50, 100)),
    Noise("amazon", (es_card("AMZN MKTP ES*{n9}"),), 6, 120, 1.5),
    Noise("zara", (es_card("ZARA VALENCIA"),), 19, 89, 0.3),
    Noise("repsol", (es_card("E.S. REPSOL"),), 35, 75, 0.5),
    Noise("farmacia", (es_card("FARMACIA LDA. GARCIA"),), 3, 40, 0.8),
]

NL_NOISE = [
    Noise("ah", (nl_card("Albert Heijn 1234"),), 4, 75, 5),
    Noise("jumbo", (nl_card("Jumbo Amsterdam Oost"),), 6, 68, 1.5),
    Noise("thuisbezorgd", ("iDEAL Thuisbezorgd.nl {n10}",), 15, 45, 2.5),
    Noise("ns", (nl_card("NS GROEP IZ NS REIZIGERS"),), 3, 28, 3),
    Noise("uber", (nl_card("UBER *TRIP"),), 9, 34, 1),
    Noise("starbucks", (nl_card("Starbucks Centraal"),), 3.9, 8.5, 1.5),
    Noise("hema", (nl_card("HEMA Kalverstraat"),), 3, 40, 0.8),
    Noise("bol", ("iDEAL bol.com b.v. {n10}",), 9, 160, 0.7),
    Noise("cash", ("GEA, Betaalpas ING Geldautomaat {dd}.{mm}.{yy}",), 0, 0, 0.5, amounts=(50, 100)),
    Noise("etos", (nl_card("Etos 7731"),), 3, 29, 0.7),
]

PT_NOISE = [
    Noise("pingodoce", ("Pingo Doce",), 5, 65, 3),
    Noise("continente", ("Continente",), 8, 110, 1.5),
    Noise("bolt", ("Bolt",), 4, 19, 5),
    Noise("uber", ("Uber",), 5, 24, 1.5),
    Noise("wolt", ("Wolt",), 11, 32, 2.5),
    Noise("starbucks", ("Starbucks",), 3.5, 8, 1.5),
    Noise("padaria", ("Padaria Portuguesa",), 1.5, 9, 3),
    Noise("cash", ("Cash at Millennium BCP",), 0, 0, 0.8, amounts=(20, 40, 60)),
    Noise("fnac", ("Fnac",), 12, 180, 0.3),
    Noise("zara", ("Zara",), 19, 89, 0.4),
    Noise("timeout", ("Time Out Market",), 12, 40, 0.7),
    Noise("googleplay", ("Google Play",), 0.99, 14.99, 0.5),
    Noise("amazon", ("Amazon",), 6, 95, 0.8),
]


# Barclays prints the card descriptor; Monzo shows a cleaned-up merchant name.
UK_MERCHANTS = [
    ("tesco", "TESCO STORES 3214", "Tesco", 3, 48, 3),
    ("sainsburys", "SAINSBURYS S/MKTS", "Sainsbury's", 4, 72, 1.5),
    ("pret", "PRET A MANGER", "Pret A Manger", 3.5, 11, 5),
    ("costa", "COSTA COFFEE 43018", "Costa Coffee", 2.9, 7.5, 2),
    ("deliveroo", "DELIVEROO", "Deliveroo", 14, 38, 3),
    ("uber", "UBER *TRIP", "Uber", 6, 28, 1.5),
    ("tfl", "TFL TRAVEL CH", "TfL Travel Charge", 1.75, 8.1, 6),
    ("greggs", "GREGGS", "Greggs", 1.8, 7, 1.5),
    ("boots", "BOOTS 1234", "Boots", 2, 35, 1),
    ("amazon", "AMAZON.CO.UK*{n9}", "Amazon", 6, 90, 1.5),
    ("waterstones", "WATERSTONES", "Waterstones", 8, 40, 0.2),
    ("mands", "M&S SIMPLY FOOD", "M&S Simply Food", 4, 45, 0.8),
    ("wagamama", "WAGAMAMA", "Wagamama", 14, 48, 0.4),
    ("trainline", "TRAINLINE.COM", "Trainline", 9, 140, 0.4),
]


def uk_noise(*, monzo: bool) -> list[Noise]:
    atm = "Cash withdrawal" if monzo else "CASH WITHDRAWAL AT BARCLAYS BANK ANGEL ON {dd} {MON}"
    return [
        *(
            Noise(key, (name if monzo else barclays_card(descriptor),), lo, hi, rate)
            for key, descriptor, name, lo, hi, rate in UK_MERCHANTS
        ),
        Noise("atm", (atm,), 0, 0, 0.6, amounts=(20, 40, 50, 100)),
    ]


CHASE_ATM = "ATM WITHDRAWAL 003912 MARKET ST SAN FRANCISCO"
BOA_ATM = "BKOFAMERICA ATM {mm}/{dd} #{n6} WITHDRWL MARKET ST"


# -- the 30 histories ----------------------------------------------------------------------------


def h01() -> History:
    b = History(
        "in_hdfc_streaming",
        "INR",
        "2026-11-30",
        14,
        "IN",
        "HDFC UPI narrations with a new 12-digit reference every month. Netflix 499 -> 649 from June 2026 "
        "(amount_about is the new price); Spotify 119 -> 139; rent raised 28000 -> 29400 and paid on the next "
        "working day. JioHotstar stopped in June 2026 (cancelled, not expected). Swiggy several times a month, Uber "
        "and Blinkit a few times, at random amounts.",
    )
    b.sub(
        "netflix",
        hdfc_upi("NETFLIX COM", "netflixupi.payu@hdfcbank", "AUTOPAY MANDATE"),
        "monthly",
        "499.00; 2026-06-01=649.00",
        day=7,
        contains="netflix",
    )
    b.sub(
        "spotify",
        hdfc_upi("SPOTIFY INDIA", "spotify.bdsi@icici", "UPI Mandate"),
        "monthly",
        "119.00; 2026-03-01=139.00",
        day=19,
        contains="spotify",
    )
    b.sub("act", "ACT FIBERNET BILLDESK-{n10}", "monthly", "1178.82", day=3, jitter="bizday", contains="act fibernet")
    b.sub(
        "rent",
        "NEFT DR-SBIN0011223-K S RAMACHANDRAN-NETBANK, MUM-N{n9}-RENT {MON}",
        "monthly",
        "28000.00; 2026-04-01=29400.00",
        day=1,
        jitter="bizday",
        contains="ramachandran",
    )
    b.sub(
        "hotstar",
        hdfc_upi("JIOSTAR INDIA PVT LTD", "jiohotstar.rzp@icici", "AUTOPAY"),
        "monthly",
        "299.00",
        day=14,
        last="2026-06-20",
        contains="jiostar",
        decoy="cancelled",
    )
    b.noise(in_bank_noise(hdfc_card, hdfc_upi, HDFC_ATM), level=0.42)
    return b


def h02() -> History:
    b = History(
        "in_apple_pair_same_text",
        "INR",
        "2026-11-29",
        10,
        "IN",
        "Two Apple subscriptions with the same card text 'APPLE MEDIA SERVICES': iCloud 75 on the 2nd and Apple "
        "Music 99 (from March) on the 23rd. Both expected entries use the same substring; amount_about tells them "
        "apart. Jio Prepaid Recharge every 28 days (labelled monthly). BESCOM electricity varies +-15%. Apollo "
        "Pharmacy is paid almost exactly monthly but with wildly different amounts: not a subscription.",
    )
    b.sub(
        "icloud",
        icici_card("APPLE MEDIA SERVICES"),
        "monthly",
        "75.00",
        day=2,
        merchant="apple",
        contains="apple media",
    )
    b.sub(
        "applemusic",
        icici_card("APPLE MEDIA SERVICES"),
        "monthly",
        "99.00",
        day=23,
        first="2026-03-01",
        merchant="apple",
        contains="apple media",
    )
    b.sub(
        "jio",
        icici_upi("Jio Prepaid Recharge", "jio@citibank", "Recharge"),
        "monthly",
        "349.00",
        every=28,
        first="2026-02-03",
        contains="jio prepaid",
    )
    b.sub(
        "bescom",
        "BIL/BPAY/{n9}/BESCOM BANGALORE",
        "monthly",
        "1450",
        day=12,
        jitter="user",
        vary=0.15,
        whole=True,
        contains="bescom",
    )
    b.sub(
        "apollo",
        icici_upi("Apollo Pharmacy", "apollopharmacy@hdfcbank"),
        "monthly",
        "0",
        day=26,
        jitter="user",
        wild=(90, 2600),
        contains="apollo",
        decoy="wild",
    )
    b.noise(in_bank_noise(icici_card, icici_upi, ICICI_ATM), level=0.6)
    return b


def h03() -> History:
    b = History(
        "in_manual_entries",
        "INR",
        "2026-11-29",
        8,
        "IN",
        "Typed by the user, not a bank: short texts, varying case, logged a day or three late. Weekly 'Milk "
        "subscription' whose bill varies with extras (and unrelated 'Milk and bread' groceries); maid salary raised "
        "6000 -> 6500; newspaper bill varies; iCloud storage 75. 'Cable TV' appears only twice (new): not expected.",
    )
    b.sub(
        "milk",
        ("Milk subscription", "milk subscription", "Milk subscription - Country Delight"),
        "weekly",
        "440",
        weekday=6,
        jitter="weekly",
        vary=0.06,
        whole=True,
        contains="milk subscription",
    )
    b.sub(
        "maid",
        ("Maid salary", "maid salary", "Maid salary {Mon}"),
        "monthly",
        "6000.00; 2026-07-01=6500.00",
        day=1,
        jitter="user",
        contains="maid salary",
    )
    b.sub("gym", ("Gym membership", "gym membership"), "monthly", "2500.00", day=5, jitter="user", contains="gym")
    b.sub(
        "paper",
        ("Newspaper bill", "Newspaper bill {Mon}"),
        "monthly",
        "420",
        day=2,
        jitter="user",
        vary=0.1,
        whole=True,
        contains="newspaper",
    )
    b.sub("icloud", "iCloud storage", "monthly", "75.00", day=12, jitter="user", contains="icloud")
    b.sub("cable", "Cable TV", "monthly", "350.00", day=10, first="2026-10-01", contains="cable tv", decoy="two")
    b.noise(IN_USER_NOISE, level=0.7)
    return b


def h04() -> History:
    b = History(
        "in_yearly_long",
        "INR",
        "2026-11-30",
        37,
        "IN",
        "Three years of ICICI data (longer than the usual 24 months so that yearly payments occur 3 times): car "
        "insurance ICICI Lombard (premium changes every year), LIC premium, GoDaddy domain (1099 -> 1299) and "
        "Amazon Prime yearly, plus Amazon Kindle Unlimited monthly (two Amazon subscriptions, different "
        "substrings) among random Amazon Pay shopping. Times Prime was paid twice and not renewed in Dec 2025.",
    )
    b.sub(
        "lombard",
        "BIL/ONL/{n9}/ICICI Lombard GIC/Car insurance",
        "yearly",
        "14820.00; 2025-01-01=15640.00; 2026-01-01=16110.00",
        month=2,
        day=14,
        contains="icici lombard",
    )
    b.sub("lic", "BIL/ONL/{n9}/LIC OF INDIA/Premium", "yearly", "24000.00", month=3, day=28, contains="lic of india")
    b.sub(
        "godaddy",
        icici_card("GODADDY.COM"),
        "yearly",
        "1099.00; 2025-06-01=1299.00",
        month=9,
        day=5,
        contains="godaddy",
    )
    b.sub(
        "prime",
        icici_upi("Amazon Prime", "amazonprime@apl", "Prime Membership"),
        "yearly",
        "1499.00",
        month=7,
        day=11,
        merchant="amazon",
        contains="amazon prime",
    )
    b.sub(
        "kindle",
        icici_upi("Amazon Kindle Unltd", "amazonkindle@apl", "Autopay"),
        "monthly",
        "169.00",
        day=21,
        first="2025-08-01",
        merchant="amazon",
        contains="kindle",
    )
    b.sub(
        "airtel",
        "BIL/BPAY/{n9}/Airtel Postpaid",
        "monthly",
        "749.00",
        day=18,
        vary=0.12,
        contains="airtel",
    )
    b.sub(
        "timesprime",
        icici_upi("Times Prime", "timesprime@hdfcbank", "Membership"),
        "yearly",
        "999.00",
        month=12,
        day=9,
        last="2025-06-01",
        contains="times prime",
        decoy="two",
    )
    b.noise(in_bank_noise(icici_card, icici_upi, ICICI_ATM), level=0.1, busy=3.0)
    return b


def h05() -> History:
    b = History(
        "in_google_pair",
        "INR",
        "2026-11-28",
        12,
        "IN",
        "Two Google subscriptions on the card: 'GOOGLE*YOUTUBEPREMIUM' (129 -> 149 from May 2026) and "
        "'GOOGLE*GOOGLE ONE' 130, next to one-off 'GOOGLE*GOOGLE PLAY' app purchases. Spotify stopped in June "
        "2026 (cancelled); ZEE5 was paid only twice. Airtel postpaid bill varies +-15%.",
    )
    b.sub(
        "youtube",
        hdfc_card("GOOGLE*YOUTUBEPREMIUM"),
        "monthly",
        "129.00; 2026-05-01=149.00",
        day=9,
        merchant="google",
        contains="youtube",
    )
    b.sub(
        "googleone",
        hdfc_card("GOOGLE*GOOGLE ONE"),
        "monthly",
        "130.00",
        day=16,
        merchant="google",
        contains="google one",
    )
    b.sub("netflix", hdfc_card("NETFLIX.COM"), "monthly", "199.00", day=27, contains="netflix")
    b.sub(
        "airtel",
        "IB BILLPAY DR-HDFC4X-AIRTEL MOBILE-{n10}",
        "monthly",
        "799.00",
        day=22,
        jitter="user",
        vary=0.15,
        contains="airtel",
    )
    b.sub(
        "spotify",
        hdfc_upi("SPOTIFY INDIA", "spotify.bdsi@icici", "UPI Mandate"),
        "monthly",
        "119.00",
        day=4,
        last="2026-06-25",
        contains="spotify",
        decoy="cancelled",
    )
    b.sub(
        "zee5",
        hdfc_upi("ZEE5", "zee5.payu@hdfcbank"),
        "monthly",
        "99.00",
        day=4,
        first="2026-03-01",
        last="2026-04-30",
        contains="zee5",
        decoy="two",
    )
    b.noise(
        [
            *in_bank_noise(hdfc_card, hdfc_upi, HDFC_ATM),
            Noise("googleplay", (hdfc_card("GOOGLE*GOOGLE PLAY"),), 10, 499, 0.8),
        ],
        level=0.55,
    )
    return b


def h06() -> History:
    b = History(
        "in_emi_31st",
        "INR",
        "2026-11-30",
        16,
        "IN",
        "Home loan EMI on the 5th, moved to the next working day. cult.fit charged on the 31st, which falls on "
        "the 30th or 28th in short months. Tata Play recharge missed in May 2026 (one skipped month). BESCOM "
        "varies +-15%. Urban Company is booked about monthly at wildly different amounts: not a subscription.",
    )
    b.sub("emi", "ACH D- HDFC LTD HOME LOAN-{n10}", "monthly", "32418.00", day=5, jitter="bizday", contains="home loan")
    b.sub(
        "cultfit",
        hdfc_upi("CULTFIT", "cultfit.rzp@axisbank", "cult pass ELITE"),
        "monthly",
        "1999.00",
        day=31,
        contains="cultfit",
    )
    b.sub(
        "tataplay",
        hdfc_upi("TATA PLAY LIMITED", "tataplay.payu@hdfcbank", "Recharge"),
        "monthly",
        "420.00",
        day=10,
        jitter="user",
        skip=["2026-05"],
        contains="tata play",
    )
    b.sub(
        "bescom",
        "IB BILLPAY DR-HDFC4X-BESCOM-{n10}",
        "monthly",
        "1680",
        day=15,
        jitter="user",
        vary=0.15,
        whole=True,
        contains="bescom",
    )
    b.sub(
        "urban",
        hdfc_upi("URBAN COMPANY", "urbanclap.payu@hdfcbank"),
        "monthly",
        "0",
        day=20,
        jitter="user",
        wild=(399, 3600),
        contains="urban company",
        decoy="wild",
    )
    b.noise(in_bank_noise(hdfc_card, hdfc_upi, HDFC_ATM), level=0.33)
    return b


def h07() -> History:
    b = History(
        "in_swiggy_one_fx",
        "INR",
        "2026-11-30",
        12,
        "IN",
        "Swiggy One membership (149 monthly) hidden among several random Swiggy food orders a month. ChatGPT Plus is "
        "billed in USD, so the INR amount moves a little every month (FX). LinkedIn Premium missed February "
        "2026 (one skipped month).",
    )
    b.sub(
        "swiggyone",
        icici_upi("Swiggy One", "swiggyone.rzp@axisbank", "Membership"),
        "monthly",
        "149.00",
        day=3,
        contains="swiggy one",
    )
    b.sub("chatgpt", icici_card("OPENAI *CHATGPT SUBSCR"), "monthly", "1710.00", day=14, vary=0.02, contains="chatgpt")
    b.sub(
        "linkedin",
        icici_card("LINKEDIN PREMIUM"),
        "monthly",
        "1567.50",
        day=25,
        skip=["2026-02"],
        contains="linkedin",
    )
    b.sub(
        "spotify",
        icici_upi("Spotify India", "spotify.bdsi@icici", "UPI Mandate"),
        "monthly",
        "179.00",
        day=8,
        contains="spotify",
    )
    b.noise(in_bank_noise(icici_card, icici_upi, ICICI_ATM), level=0.6)
    return b


def h08() -> History:
    b = History(
        "in_no_active_subscriptions",
        "INR",
        "2026-11-27",
        9,
        "IN",
        "Nothing to list. Netflix stopped after June 2026 (cancelled); 'Gym membership' started in October "
        "(only 2 payments); Nykaa is bought almost exactly monthly at wildly different amounts; haircuts come "
        "every 5-8 weeks at similar prices (irregular interval).",
    )
    b.sub("netflix", ("Netflix", "netflix"), "monthly", "649.00", day=12, last="2026-06-30", decoy="cancelled")
    b.sub("gym", "Gym membership", "monthly", "1800.00", day=2, first="2026-10-01", decoy="two")
    b.sub("nykaa", "Nykaa", "monthly", "0", day=17, jitter="user", wild=(299, 3400), decoy="wild")
    b.sub(
        "haircut",
        ("Haircut", "haircut"),
        "monthly",
        "350",
        gaps=(36, 58),
        first="2026-03-06",
        vary=0.1,
        decoy="irregular",
    )
    b.noise(IN_USER_NOISE, level=0.8)
    return b


def h09() -> History:
    b = History(
        "in_short_6m",
        "INR",
        "2026-11-30",
        6,
        "IN",
        "Only 6 months. SonyLIV started in September: exactly 3 payments, expected. JioHotstar started in "
        "October: 2 payments, not expected, and its text contains 'JIO' like the Jio recharge (every 28 days).",
    )
    b.sub(
        "netflix",
        hdfc_upi("NETFLIX COM", "netflixupi.payu@hdfcbank", "AUTOPAY MANDATE"),
        "monthly",
        "649.00",
        day=11,
        contains="netflix",
    )
    b.sub(
        "jio",
        hdfc_upi("RELIANCE JIO INFOCOMM", "jio@sbi", "Jio Prepaid Recharge"),
        "monthly",
        "349.00",
        every=28,
        first="2026-06-04",
        contains="reliance jio",
    )
    b.sub(
        "sonyliv",
        hdfc_upi("SONY PICTURES NETWORKS", "sonyliv.payu@hdfcbank"),
        "monthly",
        "299.00",
        day=2,
        first="2026-09-01",
        contains="sonyliv",
    )
    b.sub(
        "jiohotstar",
        hdfc_upi("JIOSTAR INDIA", "jiohotstar.rzp@icici"),
        "monthly",
        "149.00",
        day=18,
        first="2026-10-01",
        contains="jiostar",
        decoy="two",
    )
    b.noise(in_bank_noise(hdfc_card, hdfc_upi, HDFC_ATM), level=0.3)
    return b


def h10() -> History:
    b = History(
        "in_weekly_carwash_31st",
        "INR",
        "2026-11-29",
        10,
        "IN",
        "Weekly car wash every Saturday (350 -> 400 from July). Rent paid by IMPS on the last day of the month "
        "(31st, 30th or 28th). Tata Power bill varies +-15%. Petrol at random times and amounts.",
    )
    b.sub(
        "carwash",
        hdfc_upi("SPARKLE CAR CARE", "sparklecarcare@okaxis", "weekly wash"),
        "weekly",
        "350.00; 2026-07-01=400.00",
        weekday=5,
        jitter="weekly",
        contains="sparkle car care",
    )
    b.sub(
        "rent",
        "IMPS-{n12}-MRS LATHA NAIR-HDFC-XXXXXXX4410-RENT",
        "monthly",
        "24000.00",
        day=31,
        jitter="none",
        contains="latha nair",
    )
    b.sub(
        "tatapower",
        "IB BILLPAY DR-HDFC4X-TATA POWER MUMBAI-{n10}",
        "monthly",
        "2200",
        day=8,
        jitter="user",
        vary=0.15,
        whole=True,
        contains="tata power",
    )
    b.noise(in_bank_noise(hdfc_card, hdfc_upi, HDFC_ATM), level=0.55)
    return b


def h11() -> History:
    b = History(
        "us_chase_streaming",
        "USD",
        "2026-11-30",
        18,
        "US",
        "Chase card descriptors. Netflix 15.49 -> 17.99 (Jan 2026), Hulu 7.99 -> 9.99 (Oct 2025). Uber One "
        "membership hidden among irregular Uber trips and Uber Eats orders. Disney+ stopped in June 2026 (cancelled). "
        "Starbucks several times a month.",
    )
    b.sub(
        "netflix",
        "NETFLIX.COM 866-579-7172 CA",
        "monthly",
        "15.49; 2026-01-12=17.99",
        day=12,
        contains="netflix",
    )
    b.sub("hulu", "HULU 877-8244858 CA", "monthly", "7.99; 2025-10-01=9.99", day=3, contains="hulu")
    b.sub("spotify", "Spotify USA", "monthly", "11.99", day=22, contains="spotify")
    b.sub("uberone", "UBER *ONE MEMBERSHIP HELP.UBER.COM CA", "monthly", "9.99", day=7, contains="uber *one")
    b.sub(
        "disney",
        "DISNEY PLUS 888-905-7888 CA",
        "monthly",
        "13.99",
        day=26,
        last="2026-06-30",
        contains="disney",
        decoy="cancelled",
    )
    b.noise(us_noise(plain, CHASE_ATM), level=0.32)
    return b


def h12() -> History:
    b = History(
        "us_apple_same_text",
        "USD",
        "2026-11-30",
        12,
        "US",
        "Two Apple subscriptions with the identical descriptor 'APPLE.COM/BILL 866-712-7753 CA': iCloud+ 2.99 on "
        "the 4th and Apple Music 10.99 on the 17th (from January). Same substring in both expected entries, told "
        "apart by amount_about. Verizon and PG&E bills vary. Rent by Zelle on the 1st. Nordstrom bought about "
        "monthly at wildly different amounts; Paramount+ only twice.",
    )
    b.sub(
        "icloud",
        "APPLE.COM/BILL 866-712-7753 CA",
        "monthly",
        "2.99",
        day=4,
        merchant="apple",
        contains="apple.com/bill",
    )
    b.sub(
        "applemusic",
        "APPLE.COM/BILL 866-712-7753 CA",
        "monthly",
        "10.99",
        day=17,
        first="2026-01-01",
        merchant="apple",
        contains="apple.com/bill",
    )
    b.sub("verizon", "VZWRLSS*APOCC VISB 800-922-0204 FL", "monthly", "88.40", day=24, vary=0.12, contains="vzwrlss")
    b.sub(
        "pge",
        "PGANDE WEB ONLINE {MON} {yy} {n10}",
        "monthly",
        "142.00",
        day=19,
        jitter="bizday",
        vary=0.15,
        contains="pgande",
    )
    b.sub(
        "rent",
        "Zelle payment to SUNSET PROPERTIES LLC JPM99{a7}",
        "monthly",
        "2450.00",
        day=1,
        jitter="bizday",
        contains="sunset properties",
    )
    b.sub("nordstrom", "NORDSTROM #0427 SAN FRANCISCO CA", "monthly", "0", day=9, wild=(35, 420), decoy="wild")
    b.sub(
        "paramount",
        "PARAMOUNT+ 888-274-5343 CA",
        "monthly",
        "7.99",
        day=5,
        first="2026-02-01",
        last="2026-03-31",
        decoy="two",
    )
    b.noise(us_noise(plain, CHASE_ATM), level=0.55)
    return b


def h13() -> History:
    b = History(
        "us_boa_bills_31st",
        "USD",
        "2026-11-30",
        12,
        "US",
        "Bank of America: CHECKCARD lines carry the card date and a reference that changes every time, ACH lines "
        "an ID. GEICO is debited on the 31st (30th/28th in short months, next business day on weekends). Comcast "
        "89.99 -> 94.99; Verizon and Con Ed vary. DoorDash DashPass hidden among DoorDash orders. NYTimes missed "
        "July 2026 (one skipped month). Sephora about monthly at wildly different amounts.",
    )
    b.sub(
        "comcast",
        "COMCAST CALIFORNIA DES:CABLE ID:XXXXX{n5} INDN:JORDAN LEE CO ID:XXXXX28531 WEB",
        "monthly",
        "89.99; 2026-03-01=94.99",
        day=15,
        jitter="bizday",
        contains="comcast",
    )
    b.sub(
        "verizon",
        "VERIZON WIRELESS DES:PAYMENTS ID:XXXXX{n5} INDN:JORDAN LEE CO ID:XXXXX37104 WEB",
        "monthly",
        "96.00",
        day=21,
        jitter="bizday",
        vary=0.12,
        contains="verizon wireless",
    )
    b.sub(
        "coned",
        "CON ED OF NY DES:INTELL CK ID:XXXXX{n5} INDN:JORDAN LEE CO ID:XXXXX64102 PPD",
        "monthly",
        "118.00",
        day=9,
        jitter="bizday",
        vary=0.15,
        contains="con ed of ny",
    )
    b.sub(
        "geico",
        "GEICO DES:AUTOPAY ID:XXXXX{n5} INDN:JORDAN LEE CO ID:XXXXX50003 PPD",
        "monthly",
        "142.30",
        day=31,
        jitter="bizday",
        contains="geico",
    )
    b.sub("dashpass", boa_card("DOORDASH DASHPASS SAN FRANCISCO CA"), "monthly", "9.99", day=6, contains="dashpass")
    b.sub(
        "nyt",
        boa_card("NYTIMES*NYTIMES SUB 800-698-4637 NY"),
        "monthly",
        "25.00",
        day=28,
        skip=["2026-07"],
        contains="nytimes",
    )
    b.sub("sephora", boa_card("SEPHORA.COM 877-737-4672 CA"), "monthly", "0", day=13, wild=(18, 240), decoy="wild")
    b.noise(us_noise(boa_card, BOA_ATM), level=0.5)
    return b


def h14() -> History:
    b = History(
        "us_yearly_long",
        "USD",
        "2026-11-30",
        38,
        "US",
        "Three years of Chase data (longer than 24 months so yearly payments occur 3-4 times). Amazon Prime "
        "yearly plus Kindle Unlimited monthly (two Amazon subscriptions) among Amazon shopping; Costco annual "
        "renewal 60 -> 65 among Costco warehouse shopping; Microsoft 365 yearly 69.99 -> 99.99. Planet Fitness "
        "charges a monthly fee (24.99 -> 29.99) and a 49.00 annual fee with the same descriptor: both expected "
        "with the same substring, told apart by amount_about.",
    )
    b.sub(
        "prime",
        "Amazon Prime*{a9} Amzn.com/bill WA",
        "yearly",
        "139.00",
        month=4,
        day=18,
        merchant="amazon",
        contains="amazon prime",
    )
    b.sub(
        "kindle",
        "Kindle Unltd*{a9} 888-802-3080 WA",
        "monthly",
        "11.99",
        day=2,
        first="2025-01-01",
        merchant="amazon",
        contains="kindle unltd",
    )
    b.sub(
        "costco",
        "COSTCO *ANNUAL RENEW 800-774-2678 WA",
        "yearly",
        "60.00; 2024-09-01=65.00",
        month=2,
        day=9,
        contains="annual renew",
    )
    b.sub(
        "pf_month",
        "PLANET FITNESS 844-880-7180 NH",
        "monthly",
        "24.99; 2025-07-01=29.99",
        day=17,
        merchant="planet fitness",
        contains="planet fitness",
    )
    b.sub(
        "pf_year",
        "PLANET FITNESS 844-880-7180 NH",
        "yearly",
        "49.00",
        month=10,
        day=2,
        merchant="planet fitness",
        contains="planet fitness",
    )
    b.sub(
        "m365",
        "MICROSOFT*MICROSOFT 365 P MSBILL.INFO WA",
        "yearly",
        "69.99; 2025-02-01=99.99",
        month=11,
        day=21,
        contains="microsoft 365",
    )
    b.noise(
        [*us_noise(plain, CHASE_ATM), Noise("costcowhse", ("COSTCO WHSE #0144 SAN FRANCISCO CA",), 45, 380, 0.8)],
        level=0.1,
        busy=3.0,
    )
    return b


def h15() -> History:
    b = History(
        "us_google_microsoft",
        "USD",
        "2026-11-30",
        14,
        "US",
        "'GOOGLE *Google One' and 'GOOGLE *YouTubePremium' (13.99 -> 15.99) next to one-off 'GOOGLE *Google Play' "
        "purchases. Xbox Game Pass missed March 2026 (one skipped month). Peloton stopped in April 2026 "
        "(cancelled); Paramount+ paid only twice.",
    )
    b.sub(
        "googleone",
        "GOOGLE *Google One g.co/helppay#",
        "monthly",
        "1.99",
        day=3,
        merchant="google",
        contains="google one",
    )
    b.sub(
        "youtube",
        "GOOGLE *YouTubePremium g.co/helppay#",
        "monthly",
        "13.99; 2026-02-01=15.99",
        day=26,
        merchant="google",
        contains="youtube",
    )
    b.sub(
        "xbox", "MICROSOFT*XBOX GAME PASS MSBILL.INFO WA", "monthly", "19.99", day=8, skip=["2026-03"], contains="xbox"
    )
    b.sub("adobe", "ADOBE *CREATIVE CLOUD 800-833-6687 CA", "monthly", "59.99", day=11, contains="adobe")
    b.sub("openai", "OPENAI *CHATGPT SUBSCR OPENAI.COM CA", "monthly", "20.00", day=15, contains="openai")
    b.sub(
        "peloton",
        "PELOTON* MEMBERSHIP 866-679-9129 NY",
        "monthly",
        "44.00",
        day=20,
        last="2026-04-30",
        contains="peloton",
        decoy="cancelled",
    )
    b.sub(
        "paramount",
        "PARAMOUNT+ 888-274-5343 CA",
        "monthly",
        "7.99",
        day=5,
        first="2025-12-01",
        last="2026-01-31",
        decoy="two",
    )
    b.noise(
        [*us_noise(plain, CHASE_ATM), Noise("googleplay", ("GOOGLE *Google Play g.co/helppay#",), 0.99, 29.99, 0.8)],
        level=0.42,
    )
    return b


def h16() -> History:
    b = History(
        "us_weekly_dogwalk_csa",
        "USD",
        "2026-11-30",
        9,
        "US",
        "Two weekly payments: Rover dog walking every Monday and a farm CSA box every Thursday (35.00 -> 38.00 "
        "from June). Starbucks several times a month at similar amounts and fuel at random times and amounts are "
        "not subscriptions.",
    )
    b.sub(
        "rover", "ROVER.COM* DOG WALKING SEATTLE WA", "weekly", "100.00", weekday=0, jitter="weekly", contains="rover"
    )
    b.sub(
        "csa",
        "SQ *TILTH FARM CSA Seattle WA",
        "weekly",
        "35.00; 2026-06-01=38.00",
        weekday=3,
        jitter="weekly",
        contains="tilth farm",
    )
    b.sub("netflix", "NETFLIX.COM 866-579-7172 CA", "monthly", "17.99", day=9, contains="netflix")
    b.sub("spotify", "Spotify USA", "monthly", "11.99", day=28, contains="spotify")
    b.noise(us_noise(plain, CHASE_ATM), level=0.45)
    return b


def h17() -> History:
    b = History(
        "us_manual_entries",
        "USD",
        "2026-11-30",
        11,
        "US",
        "Typed by the user. Rent (raised 1850 -> 1925 in August), gym, car payment, a phone bill that varies, and "
        "a weekly piano lesson. Haircuts every 5-8 weeks at similar prices are irregular (not expected); 'Max "
        "streaming' appears only twice.",
    )
    b.sub(
        "rent",
        ("Rent transfer", "Rent {Mon}", "rent transfer {Mon} {yyyy}"),
        "monthly",
        "1850.00; 2026-08-01=1925.00",
        day=1,
        jitter="user",
        contains="rent",
    )
    b.sub("gym", ("Gym", "gym"), "monthly", "40.00", day=15, jitter="user", contains="gym")
    b.sub(
        "piano",
        ("Piano lesson - Maya", "piano lesson"),
        "weekly",
        "45.00",
        weekday=3,
        jitter="weekly",
        contains="piano lesson",
    )
    b.sub("phone", "Phone bill", "monthly", "65.00", day=20, jitter="user", vary=0.1, contains="phone bill")
    b.sub("car", "Car payment", "monthly", "389.27", day=28, jitter="user", contains="car payment")
    b.sub("haircut", "Haircut", "monthly", "40.00", gaps=(35, 55), first="2026-01-09", vary=0.08, decoy="irregular")
    b.sub("max", "Max streaming", "monthly", "16.99", day=3, first="2026-04-01", last="2026-05-31", decoy="two")
    b.noise(US_USER_NOISE, level=0.6)
    return b


def h18() -> History:
    b = History(
        "us_boa_short_cancelled",
        "USD",
        "2026-12-01",
        7,
        "US",
        "Seven months of Bank of America. Hulu was paid 3 times (May-July) and then cancelled: not expected. "
        "Best Buy is bought about monthly at wildly different amounts: not expected.",
    )
    b.sub(
        "hulu",
        boa_card("HULU 877-8244858 CA"),
        "monthly",
        "17.99",
        day=10,
        last="2026-07-31",
        contains="hulu",
        decoy="cancelled",
    )
    b.sub("spotify", boa_card("SPOTIFY USA 877-7781161 NY"), "monthly", "11.99", day=19, contains="spotify")
    b.sub("audible", boa_card("AUDIBLE*{a9} AMZN.COM/BILL NJ"), "monthly", "14.95", day=7, contains="audible")
    b.sub("bestbuy", boa_card("BEST BUY 00001234 SEATTLE WA"), "monthly", "0", day=22, wild=(25, 900), decoy="wild")
    b.noise(us_noise(boa_card, BOA_ATM), level=0.3)
    return b


def h19() -> History:
    b = History(
        "de_sparkasse_bills",
        "EUR",
        "2026-11-30",
        24,
        "DE",
        "German Sparkasse texts. Rent standing order (950 -> 985) and direct debits on the next working day. "
        "Deutschlandticket 49 -> 58 (2025) -> 63 (2026): two price changes. Stadtwerke electricity instalment "
        "78 -> 85. McFit 24.90 -> 29.90. Vodafone varies. Lieferando orders (through PayPal) and bakery visits "
        "several times a month.",
    )
    b.sub(
        "miete",
        "DAUERAUFTRAG Hausverwaltung Krueger GmbH Miete {mm}/{yyyy} Whg 3 OG links",
        "monthly",
        "950.00; 2026-01-01=985.00",
        day=1,
        jitter="bizday",
        contains="miete",
    )
    b.sub(
        "dticket",
        "FOLGELASTSCHRIFT BVG Deutschlandticket Abo-Nr 48213377 {mm}/{yyyy}",
        "monthly",
        "49.00; 2025-01-01=58.00; 2026-01-01=63.00",
        day=1,
        jitter="bizday",
        contains="deutschlandticket",
    )
    b.sub(
        "strom",
        "FOLGELASTSCHRIFT Stadtwerke Berlin GmbH Abschlag Strom VK 200417735",
        "monthly",
        "78.00; 2026-03-01=85.00",
        day=15,
        jitter="bizday",
        contains="stadtwerke",
    )
    b.sub(
        "vodafone",
        "FOLGELASTSCHRIFT Vodafone GmbH Kd-Nr 123456789 Rg-Nr {n10}",
        "monthly",
        "39.99",
        day=25,
        jitter="bizday",
        vary=0.12,
        contains="vodafone",
    )
    b.sub(
        "mcfit",
        "FOLGELASTSCHRIFT RSG Group GmbH McFit Mitgliedsbeitrag M-Nr 7781203",
        "monthly",
        "24.90; 2025-07-01=29.90",
        day=20,
        jitter="bizday",
        contains="mcfit",
    )
    b.noise(DE_NOISE, level=0.2)
    return b


def h20() -> History:
    b = History(
        "de_yearly_long",
        "EUR",
        "2026-11-30",
        36,
        "DE",
        "Three years (longer than 24 months so yearly payments occur 3 times). HUK-COBURG debits two yearly "
        "insurances on 2 January: liability ('Haftpflicht') and car ('Kfz'), with different substrings and "
        "amounts that change each year. ADAC membership and Amazon Prime yearly. Spotify monthly is paid through "
        "PayPal (12.99 from October 2025) like random eBay and Lieferando purchases. Zeit Online yearly was "
        "paid twice and not renewed in 2026.",
    )
    b.sub(
        "haftpflicht",
        "FOLGELASTSCHRIFT HUK-COBURG Haftpflichtversicherung Vers-Nr 815/123456-K",
        "yearly",
        "59.87; 2025-01-01=64.31",
        month=1,
        day=2,
        jitter="bizday",
        merchant="huk",
        contains="haftpflicht",
    )
    b.sub(
        "kfz",
        "FOLGELASTSCHRIFT HUK-COBURG Kfz-Versicherung Vers-Nr 815/654321-X",
        "yearly",
        "412.18; 2025-01-01=438.60; 2026-01-01=471.05",
        month=1,
        day=2,
        jitter="bizday",
        merchant="huk",
        contains="kfz-versicherung",
    )
    b.sub(
        "adac",
        "FOLGELASTSCHRIFT ADAC e.V. Mitgliedsbeitrag Mitgl-Nr 123456789",
        "yearly",
        "94.00",
        month=3,
        day=15,
        jitter="bizday",
        contains="adac",
    )
    b.sub(
        "prime",
        "LASTSCHRIFT AMAZON PAYMENTS EUROPE S.C.A. Prime Mitgliedschaft {n12}",
        "yearly",
        "89.90",
        month=6,
        day=8,
        contains="prime mitgliedschaft",
    )
    b.sub("spotify", de_paypal("Spotify AB"), "monthly", "10.99; 2025-10-01=12.99", day=23, contains="spotify")
    b.sub(
        "zeit",
        "LASTSCHRIFT Zeitverlag Gerd Bucerius ZEIT ONLINE Abo {n8}",
        "yearly",
        "119.00",
        month=2,
        day=10,
        last="2025-12-31",
        contains="zeit online",
        decoy="two",
    )
    b.noise(DE_NOISE, level=0.12, busy=3.0)
    return b


def h21() -> History:
    b = History(
        "fr_prelevements",
        "EUR",
        "2026-11-30",
        14,
        "FR",
        "French bank texts (PRLV SEPA, CB ... dd/mm). Navigo annual pass is debited monthly except in August "
        "(one skipped month), 86.40 -> 88.80 in January. Basic-Fit charges every 4 weeks (labelled monthly). EDF "
        "instalment 64 -> 71; Netflix 13.49 -> 14.99. Canal+ stopped in June (cancelled); Deezer only twice.",
    )
    b.sub("free", "PRLV SEPA FREE MOBILE REF {n10}", "monthly", "19.99", day=5, jitter="bizday", contains="free mobile")
    b.sub(
        "edf",
        "PRLV SEPA EDF clients particuliers ECHEANCE {mm}/{yyyy}",
        "monthly",
        "64.00; 2026-02-01=71.00",
        day=10,
        jitter="bizday",
        contains="edf clients",
    )
    b.sub("netflix", fr_card("NETFLIX.COM"), "monthly", "13.49; 2026-04-01=14.99", day=22, contains="netflix")
    b.sub(
        "navigo",
        "PRLV SEPA COMUTITRES NAVIGO ANNUEL {n8}",
        "monthly",
        "86.40; 2026-01-01=88.80",
        day=6,
        jitter="bizday",
        skip=["2026-08"],
        contains="navigo",
    )
    b.sub(
        "basicfit",
        "PRLV SEPA BASIC FIT FRANCE {n8}",
        "monthly",
        "29.99",
        every=28,
        first="2025-10-09",
        jitter="bizday",
        contains="basic fit",
    )
    b.sub(
        "loyer", "VIR PERMANENT LOYER SCI LES TILLEULS", "monthly", "1120.00", day=2, jitter="bizday", contains="loyer"
    )
    b.sub(
        "canal",
        "PRLV SEPA CANAL+ INTERNATIONAL {n8}",
        "monthly",
        "24.99",
        day=15,
        last="2026-06-30",
        jitter="bizday",
        contains="canal+",
        decoy="cancelled",
    )
    b.sub(
        "deezer",
        fr_card("DEEZER"),
        "monthly",
        "11.99",
        day=3,
        first="2026-09-01",
        last="2026-10-31",
        contains="deezer",
        decoy="two",
    )
    b.noise(FR_NOISE, level=0.55)
    return b


def h22() -> History:
    b = History(
        "nl_weekly_hellofresh",
        "EUR",
        "2026-11-30",
        10,
        "NL",
        "ING texts. HelloFresh box every Friday (59.99 -> 62.99 from May). Eneco monthly instalment goes down "
        "145 -> 132. Disney+ 8.99 -> 9.99. Albert Heijn several times a month and irregular NS train trips are not "
        "subscriptions.",
    )
    b.sub(
        "hellofresh",
        "SEPA Incasso HelloFresh B.V. Box {n8}",
        "weekly",
        "59.99; 2026-05-01=62.99",
        weekday=4,
        jitter="weekly",
        contains="hellofresh",
    )
    b.sub(
        "ziggo",
        "SEPA Incasso Ziggo Services BV Klantnr 12345678",
        "monthly",
        "58.50",
        day=27,
        jitter="bizday",
        contains="ziggo",
    )
    b.sub("disney", nl_card("DISNEY PLUS"), "monthly", "8.99; 2026-02-01=9.99", day=13, contains="disney")
    b.sub(
        "eneco",
        "SEPA Incasso Eneco Services BV Termijnbedrag {n8}",
        "monthly",
        "145.00; 2026-06-01=132.00",
        day=20,
        jitter="bizday",
        contains="eneco",
    )
    b.noise(NL_NOISE, level=0.6)
    return b


def h23() -> History:
    b = History(
        "es_alquiler_31st",
        "EUR",
        "2026-11-30",
        12,
        "ES",
        "Spanish texts. Rent (alquiler) transferred on the last day of each month: 31st, 30th or 28th. Club DiR "
        "gym paused in August (one skipped month). Iberdrola varies +-15%. Amazon Prime monthly among AMZN MKTP "
        "purchases. El Corte Ingles about monthly at wildly different amounts.",
    )
    b.sub(
        "alquiler",
        "TRANSFERENCIA A FAVOR DE INMOBILIARIA SOL S.L. CONCEPTO ALQUILER {MON}",
        "monthly",
        "900.00",
        day=31,
        jitter="none",
        contains="alquiler",
    )
    b.sub(
        "iberdrola",
        "RECIBO IBERDROLA CLIENTES S.A.U. N {n10}",
        "monthly",
        "68.00",
        day=12,
        jitter="bizday",
        vary=0.15,
        contains="iberdrola",
    )
    b.sub(
        "movistar",
        "RECIBO TELEFONICA DE ESPANA S.A.U. {n10}",
        "monthly",
        "55.00; 2026-01-01=58.00",
        day=3,
        jitter="bizday",
        contains="telefonica",
    )
    b.sub(
        "gym",
        "RECIBO CLUB DIR SA CUOTA {MON}",
        "monthly",
        "49.90",
        day=1,
        jitter="bizday",
        skip=["2026-08"],
        contains="club dir",
    )
    b.sub("prime", es_card("AMAZON PRIME*{n9}"), "monthly", "4.99", day=19, contains="amazon prime")
    b.sub("corteingles", es_card("EL CORTE INGLES"), "monthly", "0", day=24, wild=(15, 320), decoy="wild")
    b.noise(ES_NOISE, level=0.6)
    return b


def h24() -> History:
    b = History(
        "pt_revolut_google",
        "EUR",
        "2026-11-28",
        11,
        "PT",
        "Revolut shows plain merchant names. 'Google One' and 'YouTube Premium' (11.99 -> 12.99) next to 'Google "
        "Play' one-offs. Notion is billed in USD, so the EUR amount moves a little. Vodafone varies. Headspace "
        "stopped in June (cancelled); Babbel only twice; Ryanair about monthly at wildly different amounts. Bolt "
        "rides several times a month.",
    )
    b.sub("googleone", "Google One", "monthly", "1.99", day=6, merchant="google", contains="google one")
    b.sub(
        "youtube",
        "YouTube Premium",
        "monthly",
        "11.99; 2026-04-01=12.99",
        day=20,
        merchant="google",
        contains="youtube",
    )
    b.sub("netflix", "Netflix", "monthly", "11.99", day=2, contains="netflix")
    b.sub("notion", "Notion Labs", "monthly", "9.40", day=14, vary=0.02, contains="notion")
    b.sub("vodafone", "Vodafone Portugal", "monthly", "32.00", day=8, jitter="bizday", vary=0.1, contains="vodafone")
    b.sub(
        "headspace", "Headspace", "monthly", "12.99", day=11, last="2026-06-15", contains="headspace", decoy="cancelled"
    )
    b.sub("babbel", "Babbel", "monthly", "12.95", day=25, first="2026-01-01", last="2026-02-28", decoy="two")
    b.sub("ryanair", "Ryanair", "monthly", "0", day=16, jitter="user", wild=(19, 260), decoy="wild")
    b.noise(PT_NOISE, level=0.6)
    return b


def h25() -> History:
    b = History(
        "uk_monzo_core",
        "GBP",
        "2026-11-30",
        13,
        "UK",
        "Monzo merchant names. Vodafone and TV Licence rise in April; Netflix 10.99 -> 12.99. PureGym charges on "
        "the 31st (30th/28th in short months). Octopus Energy varies +-15%. TfL travel and Pret several times a "
        "month are not subscriptions.",
    )
    b.sub("vodafone", "Vodafone UK", "monthly", "32.00; 2026-04-01=33.88", day=12, jitter="bizday", contains="vodafone")
    b.sub("netflix", "Netflix", "monthly", "10.99; 2026-05-01=12.99", day=19, contains="netflix")
    b.sub("octopus", "Octopus Energy", "monthly", "96.00", day=4, jitter="bizday", vary=0.15, contains="octopus")
    b.sub("puregym", "PureGym", "monthly", "24.99", day=31, contains="puregym")
    b.sub(
        "tvlicence",
        "TV Licence MBP",
        "monthly",
        "14.13; 2026-04-01=14.54",
        day=1,
        jitter="bizday",
        contains="tv licence",
    )
    b.noise(uk_noise(monzo=True), level=0.45)
    return b


def h26() -> History:
    b = History(
        "uk_weekly_paper_milk",
        "GBP",
        "2026-11-29",
        8,
        "UK",
        "Two weekly payments: the Sunday newspaper (3.50 -> 3.80 from August) and a Milk & More delivery whose "
        "amount varies a little. Gousto weekly boxes stopped in June (cancelled weekly). The big Tesco Extra shop "
        "is every Saturday but at wildly different amounts: not a subscription.",
    )
    b.sub(
        "paper",
        "Sunday newspaper - Patel's News",
        "weekly",
        "3.50; 2026-08-01=3.80",
        weekday=6,
        jitter="weekly",
        contains="sunday newspaper",
    )
    b.sub("milk", "Milk & More", "weekly", "9.20", weekday=1, jitter="weekly", vary=0.08, contains="milk & more")
    b.sub("thames", "Thames Water", "monthly", "38.00", day=15, jitter="bizday", contains="thames water")
    b.sub("sky", "Sky Digital", "monthly", "46.00; 2026-04-01=48.50", day=26, jitter="bizday", contains="sky digital")
    b.sub(
        "gousto",
        "Gousto",
        "weekly",
        "42.99",
        weekday=2,
        last="2026-06-20",
        jitter="weekly",
        contains="gousto",
        decoy="cancelled",
    )
    b.sub("tesco", "Tesco Extra", "weekly", "0", weekday=5, jitter="weekly", wild=(22, 140), decoy="wild")
    b.noise(uk_noise(monzo=True), level=0.35)
    return b


def h27() -> History:
    b = History(
        "uk_yearly_long",
        "GBP",
        "2026-11-30",
        36,
        "UK",
        "Three years of Barclays (longer than 24 months so yearly payments occur 3 times): The Economist annual "
        "(179 -> 199), GoDaddy domain renewal (17.99 -> 21.99), Amazon Prime yearly among Amazon shopping, "
        "Admiral car insurance (premium changes every year). Audible annual paid twice and not renewed in Dec "
        "2025.",
    )
    b.sub(
        "economist",
        barclays_card("THE ECONOMIST ANNUAL SUBS"),
        "yearly",
        "179.00; 2025-01-01=199.00",
        month=2,
        day=27,
        contains="economist",
    )
    b.sub(
        "godaddy",
        barclays_card("DNH*GODADDY#{n9}"),
        "yearly",
        "17.99; 2026-01-01=21.99",
        month=6,
        day=3,
        contains="godaddy",
    )
    b.sub("prime", barclays_card("AMAZON PRIME*{n9}"), "yearly", "95.00", month=9, day=30, contains="amazon prime")
    b.sub(
        "admiral",
        "DIRECT DEBIT TO ADMIRAL INSURANCE REF P81123456",
        "yearly",
        "612.40; 2025-01-01=655.10; 2026-01-01=698.35",
        month=8,
        day=14,
        jitter="bizday",
        contains="admiral",
    )
    b.sub("spotify", barclays_card("SPOTIFY"), "monthly", "11.99; 2025-06-01=12.99", day=9, contains="spotify")
    b.sub("icloud", barclays_card("APPLE.COM/BILL"), "monthly", "2.99", day=21, contains="apple.com/bill")
    b.sub(
        "audible",
        barclays_card("AUDIBLE UK ANNUAL"),
        "yearly",
        "89.00",
        month=12,
        day=20,
        last="2025-06-01",
        contains="audible",
        decoy="two",
    )
    b.noise(uk_noise(monzo=False), level=0.12, busy=3.0)
    return b


def h28() -> History:
    b = History(
        "uk_barclays_apple_31st",
        "GBP",
        "2026-11-30",
        12,
        "UK",
        "Two Apple subscriptions with the identical text 'APPLE.COM/BILL': iCloud 2.99 and Apple Music 10.99, "
        "same substring in both expected entries, told apart by amount_about. Rent standing order on the 31st "
        "(30th/28th, next working day at weekends). Guardian membership missed June 2026 (one skipped month). "
        "ASOS bought about monthly at wildly different amounts; NOW only twice.",
    )
    b.sub(
        "icloud", barclays_card("APPLE.COM/BILL"), "monthly", "2.99", day=8, merchant="apple", contains="apple.com/bill"
    )
    b.sub(
        "applemusic",
        barclays_card("APPLE.COM/BILL"),
        "monthly",
        "10.99",
        day=21,
        merchant="apple",
        contains="apple.com/bill",
    )
    b.sub(
        "carfinance",
        "DIRECT DEBIT TO BLACK HORSE LTD REF 00451237781",
        "monthly",
        "289.40",
        day=28,
        jitter="bizday",
        contains="black horse",
    )
    b.sub("o2", "DIRECT DEBIT TO O2 UK REF 7738291", "monthly", "26.00", day=17, jitter="bizday", contains="o2 uk")
    b.sub(
        "rent",
        "STANDING ORDER TO MR J HARRIS REF FLAT 2 RENT",
        "monthly",
        "1350.00",
        day=31,
        jitter="bizday",
        contains="j harris",
    )
    b.sub(
        "guardian",
        "DIRECT DEBIT TO GUARDIAN NEWS & MEDIA REF GNM118204",
        "monthly",
        "12.00",
        day=3,
        jitter="bizday",
        skip=["2026-06"],
        contains="guardian",
    )
    b.sub("asos", barclays_card("ASOS.COM"), "monthly", "0", day=11, wild=(18, 210), decoy="wild")
    b.sub(
        "nowtv", barclays_card("NOW TV"), "monthly", "9.99", day=26, first="2026-02-01", last="2026-03-31", decoy="two"
    )
    b.noise(uk_noise(monzo=False), level=0.4)
    return b


def h29() -> History:
    b = History(
        "uk_monzo_cancellations",
        "GBP",
        "2026-11-30",
        15,
        "UK",
        "Several cancellations: Disney+ stopped in March, Deliveroo Plus in July (Deliveroo orders go on), "
        "Paramount+ paid only twice. Amazon Prime monthly among Amazon orders and 'Prime Video' film rentals. "
        "Spotify 11.99 -> 12.99; Octopus Energy varies.",
    )
    b.sub("spotify", "Spotify", "monthly", "11.99; 2026-05-01=12.99", day=5, contains="spotify")
    b.sub("gym", "The Gym Group", "monthly", "22.99", day=14, contains="gym group")
    b.sub("prime", "Amazon Prime", "monthly", "8.99", day=3, contains="amazon prime")
    b.sub("octopus", "Octopus Energy", "monthly", "88.00", day=22, jitter="bizday", vary=0.15, contains="octopus")
    b.sub("disney", "Disney+", "monthly", "7.99", day=20, last="2026-03-31", contains="disney", decoy="cancelled")
    b.sub(
        "deliveroo_plus",
        "Deliveroo Plus",
        "monthly",
        "3.49",
        day=10,
        last="2026-07-20",
        contains="deliveroo plus",
        decoy="cancelled",
    )
    b.sub("paramount", "Paramount+", "monthly", "6.99", day=12, first="2025-11-01", last="2025-12-31", decoy="two")
    b.noise([*uk_noise(monzo=True), Noise("primevideo", ("Prime Video",), 3.49, 5.99, 0.5)], level=0.35)
    return b


def h30() -> History:
    b = History(
        "us_edge_cases",
        "USD",
        "2026-11-30",
        9,
        "US",
        "Spotify started in September: exactly 3 payments, expected. YouTube TV 72.99 -> 82.99. ChatGPT missed "
        "June 2026 (one skipped month). Patreon on the 1st. Peacock paid only twice; Costco annual renewal seen "
        "once (not enough history for a yearly).",
    )
    b.sub("spotify", "Spotify USA", "monthly", "11.99", day=14, first="2026-09-01", contains="spotify")
    b.sub(
        "youtubetv",
        "GOOGLE *YouTube TV g.co/helppay#",
        "monthly",
        "72.99; 2026-08-01=82.99",
        day=5,
        contains="youtube tv",
    )
    b.sub(
        "openai",
        "OPENAI *CHATGPT SUBSCR OPENAI.COM CA",
        "monthly",
        "20.00",
        day=2,
        skip=["2026-06"],
        contains="chatgpt",
    )
    b.sub("patreon", "PATREON* MEMBERSHIP INTERNET CA", "monthly", "5.00", day=1, contains="patreon")
    b.sub(
        "peacock",
        "PEACOCK 8557677070 NY",
        "monthly",
        "7.99",
        day=21,
        first="2026-04-01",
        last="2026-05-31",
        decoy="two",
    )
    b.sub("costco", "COSTCO *ANNUAL RENEW 800-774-2678 WA", "yearly", "65.00", month=7, day=12, decoy="once")
    b.noise(us_noise(plain, CHASE_ATM), level=0.35)
    return b


BUILDERS: list[Callable[[], History]] = [
    h01, h02, h03, h04, h05, h06, h07, h08, h09, h10,
    h11, h12, h13, h14, h15, h16, h17, h18, h19, h20,
    h21, h22, h23, h24, h25, h26, h27, h28, h29, h30,
]  # fmt: skip


# -- self-check ----------------------------------------------------------------------------------


def gaps_of(txs: Sequence[Tx]) -> list[int]:
    dates = sorted(t.date for t in txs)
    return [(later - earlier).days for earlier, later in pairwise(dates)]


def looks_recurring(txs: Sequence[Tx], *, lenient: bool = False) -> bool:
    """A deliberately simple reference rule: 3+ rows, amounts within 1.5x, 75% of gaps in one band.
    `lenient` also accepts gaps of two periods (as a detector that tolerates missed payments might)."""
    if len(txs) < 3:
        return False
    amounts = [t.amount for t in txs]
    if max(amounts) > min(amounts) * Decimal("1.5"):
        return False
    gaps = gaps_of(txs)
    for freq, (lo, hi) in BAND.items():
        slo, shi = SKIP_BAND[freq] if lenient else (lo, hi)
        if sum(lo <= g <= hi or slo <= g <= shi for g in gaps) >= 0.75 * len(gaps):
            return True
    return False


def noise_looks_recurring(txs: Sequence[Tx]) -> bool:
    """The whole merchant, or its rows of one exact amount (ATM 2000.00, say), must not look recurring."""
    by_amount: defaultdict[Decimal, list[Tx]] = defaultdict(list)
    for tx in txs:
        by_amount[tx.amount].append(tx)
    return looks_recurring(txs, lenient=True) or any(looks_recurring(g, lenient=True) for g in by_amount.values())


def assign(h: History) -> dict[str, list[Tx]]:
    """Which transactions each expected entry picks out: substring, then nearest amount_about on a tie."""
    expected = h.expected()
    picked: dict[str, list[Tx]] = {s.sid: [] for s in expected}
    for tx in h.transactions():
        hits = [s for s in expected if s.contains in tx.description.lower()]
        if hits:
            picked[min(hits, key=lambda s: abs(s.amount_about - tx.amount)).sid].append(tx)
    return picked


def in_band(gaps: Sequence[int], freq: Freq) -> tuple[int, int, int]:
    """(regular gaps, gaps with one missed occurrence, other gaps)."""
    lo, hi = BAND[freq]
    slo, shi = SKIP_BAND[freq]
    regular = sum(lo <= g <= hi for g in gaps)
    skipped = sum(slo <= g <= shi for g in gaps)
    return regular, skipped, len(gaps) - regular - skipped


def check_expected(h: History, s: Series, picked: list[Tx]) -> list[str]:
    where = f"{h.name}/{s.sid}"
    errs: list[str] = []
    if not s.contains:
        return [f"{where}: no description_contains"]
    if {id(t) for t in picked} != {id(t) for t in s.txs}:
        strays = sorted({t.description for t in picked if t.key != s.sid})[:3]
        errs.append(f"{where}: {s.contains!r} picks {len(picked)} rows, the series has {len(s.txs)}; e.g. {strays}")
    if len(s.txs) < 3:
        return [*errs, f"{where}: only {len(s.txs)} occurrences"]
    gaps = gaps_of(s.txs)
    _regular, skipped, other = in_band(gaps, s.freq)
    if other or skipped > 1:
        errs.append(f"{where}: gaps {gaps} do not fit {s.freq}")
    if (h.today - s.txs[-1].date).days > ACTIVE_DAYS[s.freq]:
        errs.append(f"{where}: last occurrence {s.txs[-1].date} is too old to be active")
    amounts = [t.amount for t in s.txs]
    if s.vary:
        if any(abs(a - s.amount_about) > s.amount_about * Decimal("0.25") for a in amounts):
            errs.append(f"{where}: a varying amount strays over 25% from {s.amount_about}")
    else:
        steps = [(a, b) for a, b in pairwise(amounts) if a != b]
        if amounts[-1] != s.amount_about or len(steps) > 2 or any(max(p) > min(p) * Decimal("1.5") for p in steps):
            errs.append(f"{where}: amounts {sorted(set(amounts))} are not a stable price (with up to 2 changes)")
    if not looks_recurring(s.txs):
        errs.append(f"{where}: the reference rule does not see it as recurring")
    return errs


def check_decoy(h: History, s: Series) -> list[str]:
    where = f"{h.name}/{s.sid} ({s.decoy})"
    n = len(s.txs)
    gaps = gaps_of(s.txs)
    regular, _skipped, _other = in_band(gaps, s.freq)
    amounts = [t.amount for t in s.txs]
    ok = {
        "cancelled": n >= 3
        and regular == len(gaps)
        and (h.today - s.txs[-1].date).days >= STOPPED_DAYS[s.freq]
        and looks_recurring(s.txs),
        "two": n == 2,
        "once": n == 1,
        "wild": n >= 3
        and regular == len(gaps)
        and max(amounts) >= min(amounts) * Decimal("2.5")
        and all(max(p) >= min(p) * Decimal("1.5") for p in pairwise(amounts)),
        "irregular": n >= 4 and regular < 0.5 * len(gaps) and max(amounts) <= min(amounts) * Decimal("1.3"),
    }[s.decoy]
    if s.decoy != "cancelled" and looks_recurring(s.txs):
        ok = False
    return [] if ok else [f"{where}: not a valid decoy: {n} rows, gaps {gaps}, amounts {amounts}"]


def check_history(h: History) -> list[str]:
    errs: list[str] = []
    rows = h.transactions()
    long_ok = h.months <= 38 and any(s.freq == "yearly" for s in h.expected())
    if not (6 <= h.months <= 24 or long_ok):
        errs.append(f"{h.name}: spans {h.months} months")
    if not 40 <= len(rows) <= 300:
        errs.append(f"{h.name}: {len(rows)} transactions")
    if any(not h.start <= t.date <= h.today or t.amount <= 0 for t in rows):
        errs.append(f"{h.name}: a row outside [{h.start}, {h.today}] or not positive")
    if rows and (h.today - rows[-1].date).days > 7:
        errs.append(f"{h.name}: the history does not reach today")
    picked = assign(h)
    for s in h.series:
        errs += check_expected(h, s, picked[s.sid]) if s.expected else check_decoy(h, s)
    labels = Counter((s.contains, s.freq, s.amount_about) for s in h.expected())
    errs += [f"{h.name}: duplicate expected entry {label}" for label, k in labels.items() if k > 1]
    by_key: defaultdict[str, list[Tx]] = defaultdict(list)
    for tx in h.noise_txs:
        by_key[tx.key].append(tx)
    errs += [f"{h.name}: noise {key} looks recurring" for key, txs in by_key.items() if noise_looks_recurring(txs)]
    return errs


def features(h: History) -> set[str]:
    """The difficulties a history exercises, read off its series (for the coverage table)."""
    exp = h.expected()
    out = {f"{s.freq} expected" for s in exp}
    out |= {s.decoy for s in h.series if s.decoy}
    merchants = Counter(s.merchant for s in exp if s.merchant)
    substrings = Counter(s.contains for s in exp)
    checks = {
        "jitter 1-3 days": any(s.shifted for s in exp),
        "monthly on the 31st": any(s.day31 for s in exp),
        "price change": any(s.price_steps for s in exp),
        "varying bill": any(s.vary >= 0.05 for s in exp),
        "FX wobble": any(0 < s.vary < 0.05 for s in exp),
        "skipped occurrence": any(s.skipped for s in exp),
        "4-week cycle": any(s.every for s in exp),
        "two subs of one merchant": any(k > 1 for k in merchants.values()),
        "shared substring": any(k > 1 for k in substrings.values()),
        "exactly 3 occurrences": any(len(s.txs) == 3 for s in exp),
        "nothing expected": not exp,
        "frequent irregular merchant": any(
            sum(t.key == key for t in h.noise_txs) >= 2.8 * h.months for key in {t.key for t in h.noise_txs}
        ),
    }
    return out | {name for name, hit in checks.items() if hit}


REQUIRED = [
    "jitter 1-3 days",
    "monthly on the 31st",
    "price change",
    "varying bill",
    "skipped occurrence",
    "two subs of one merchant",
    "cancelled",
    "two",
    "wild",
    "yearly expected",
    "weekly expected",
    "frequent irregular merchant",
]


def check_corpus(histories: Sequence[History]) -> list[str]:
    errs: list[str] = []
    if len(histories) != 30:
        errs.append(f"{len(histories)} histories, not 30")
    names = Counter(h.name for h in histories)
    errs += [f"duplicate name {name}" for name, k in names.items() if k > 1]
    cover = Counter(f for h in histories for f in features(h))
    errs += [f"only {cover[f]} histories cover {f!r}" for f in REQUIRED if cover[f] < 3]
    errs += [
        f"{h.name}: no frequent irregular merchant"
        for h in histories
        if "frequent irregular merchant" not in features(h)
    ]
    return errs


# -- output --------------------------------------------------------------------------------------


def corpus_json(histories: Sequence[History]) -> str:
    """One transaction per line, so the file diffs and greps well."""

    def q(value: str) -> str:
        return json.dumps(value, ensure_ascii=False)

    blocks = []
    for h in histories:
        rows = ",\n".join(
            f'      {{"date": {q(t.date.isoformat())}, "amount": {q(str(t.amount))}, '
            f'"description": {q(t.description)}}}'
            for t in h.transactions()
        )
        expected = ",\n".join(
            f'      {{"description_contains": {q(s.contains)}, "frequency": {q(s.freq)}, '
            f'"amount_about": {q(str(s.amount_about))}}}'
            for s in h.expected()
        )
        blocks.append(
            "  {\n"
            f'    "name": {q(h.name)},\n'
            f'    "notes": {q(h.notes)},\n'
            f'    "currency": {q(h.currency)},\n'
            f'    "today": {q(h.today.isoformat())},\n'
            f'    "transactions": [\n{rows}\n    ],\n'
            + (f'    "expected": [\n{expected}\n    ]\n' if expected else '    "expected": []\n')
            + "  }"
        )
    return "[\n" + ",\n".join(blocks) + "\n]\n"


def check_schema(text: str, histories: Sequence[History]) -> list[str]:
    """The written JSON says what the objects say, in the documented shape."""
    data = json.loads(text)
    errs: list[str] = []
    for item, h in zip(data, histories, strict=True):
        if list(item) != ["name", "notes", "currency", "today", "transactions", "expected"]:
            errs.append(f"{h.name}: keys {list(item)}")
        if item["currency"] not in {"INR", "USD", "EUR", "GBP"}:
            errs.append(f"{h.name}: currency {item['currency']}")
        rows = [(t.date.isoformat(), str(t.amount), t.description) for t in h.transactions()]
        if [(r["date"], r["amount"], r["description"]) for r in item["transactions"]] != rows:
            errs.append(f"{h.name}: transactions differ from the objects")
        if any(not re.fullmatch(r"\d+\.\d\d", r["amount"]) for r in item["transactions"]):
            errs.append(f"{h.name}: an amount is not a plain 2-decimal string")
        dates = [r["date"] for r in item["transactions"]]
        if dates != sorted(dates):
            errs.append(f"{h.name}: transactions not in date order")
    return errs


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--check", action="store_true", help="do not write; fail if histories.json is stale")
    args = parser.parse_args(argv)
    histories = [build() for build in BUILDERS]
    errors = [err for h in histories for err in check_history(h)] + check_corpus(histories)
    text = corpus_json(histories)
    errors += check_schema(text, histories)
    if args.check:
        if not OUT.exists() or OUT.read_text(encoding="utf-8") != text:
            errors.append("histories.json differs from what this script generates: rerun it")
    elif not errors:
        OUT.write_text(text, encoding="utf-8")

    by_freq = Counter(s.freq for h in histories for s in h.expected())
    rows = sum(len(h.transactions()) for h in histories)
    for h in histories:
        print(f"  {h.name:28} {h.months:2} months {len(h.transactions()):3} rows {len(h.expected()):2} expected")
    print(f"{len(histories)} histories, {rows} transactions, expected: {dict(sorted(by_freq.items()))}")
    cover: defaultdict[str, list[str]] = defaultdict(list)
    for h in histories:
        for feature in sorted(features(h)):
            cover[feature].append(h.name)
    for feature, names in sorted(cover.items()):
        print(f"  {feature:28} {len(names):2}  {', '.join(names)}")
    for err in errors:
        print("ERROR", err, file=sys.stderr)
    if errors:
        return 1
    print("OK")
    return 0


if __name__ == "__main__":
    sys.exit(main())
