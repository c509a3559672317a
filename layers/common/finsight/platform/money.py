"""Money is exact: stored as integer minor units (cents, paise), shown as a JSON number with <= 2 decimals."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated

from pydantic import PlainSerializer

CENTS = Decimal(100)


def _compact(value: float) -> int | float:
    return int(value) if value.is_integer() else value


# A money amount in a response: 1500 (not 1500.0), 45.5, 19.99.
MoneyAmount = Annotated[float, PlainSerializer(_compact, return_type=int | float)]


def to_minor_units(amount: Decimal) -> int:
    """Decimal amount (already validated to at most 2 decimals) -> integer minor units."""
    return int((amount * CENTS).to_integral_exact())


def from_minor_units(minor: int) -> float:
    """Integer minor units -> the JSON number clients read (450 -> 4.5, 1999 -> 19.99).

    The float of a 2-decimal value prints back exactly (shortest repr), and sums are always made on
    the integers, so nothing drifts.
    """
    return float(Decimal(minor) / CENTS)


def format_money(amount: float, currency: str) -> str:
    """INR 1,250.50 / INR 1,250 (an amount as a sentence shows it)."""
    minor = to_minor_units(Decimal(str(amount)))
    text = f"{Decimal(minor) / 100:,.2f}".removesuffix(".00")
    return f"{currency} {text}"
