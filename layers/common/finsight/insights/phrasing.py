"""The words of a spending summary: a writer turns the facts into a short summary and up to three tips.
Gemini phrases them when configured (in the AI worker); the templates here are the default and its fallback."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Literal, Protocol

from finsight.insights.models import CategoryTrend, SpendingFacts
from finsight.platform.money import format_money

MAX_TIPS = 3


@dataclass(frozen=True)
class Phrasing:
    summary: str
    tips: list[str] = field(default_factory=list)
    phrased_by: Literal["gemini", "template"] = "template"


class SummaryWriter(Protocol):
    name: str

    def write(self, facts: SpendingFacts) -> Phrasing:
        """A short summary and up to three tips from `facts`; raises `finsight.jobs.lifecycle.AiUnavailableError`."""
        ...


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


class TemplateWriter:
    """Sentences from the facts alone: the default without Gemini, and its fallback."""

    name = "template"

    def write(self, facts: SpendingFacts) -> Phrasing:
        if not facts.has_spending:
            return Phrasing(
                summary="You have no spending recorded in the last 60 days, so there is nothing to summarise yet.",
                tips=["Add expenses as they happen: typing 'lunch 250' or 'uber 12 yesterday' is enough."],
            )
        cur = facts.currency
        opening = (
            f"You spent {format_money(facts.total_spend, cur)} in the last 30 days "
            f"({facts.period_start} to {facts.period_end}) across {_plural(facts.transaction_count, 'transaction')}"
        )
        if facts.change_percent is None:
            opening += ", with nothing recorded in the 30 days before."
        elif facts.change_percent == 0:
            opening += ", the same as in the 30 days before."
        else:
            direction = "more" if facts.change_percent > 0 else "less"
            opening += f", {abs(facts.change_percent):g}% {direction} than in the 30 days before."
        sentences = [opening]
        top = facts.by_category[0] if facts.by_category and facts.by_category[0].amount > 0 else None
        if top is not None:
            share = Decimal(str(top.amount)) * 100 / Decimal(str(facts.total_spend))
            sentences.append(
                f"{top.category} was your largest category at {format_money(top.amount, cur)} "
                f"({share.quantize(Decimal('1'), ROUND_HALF_UP)}% of the total)."
            )
        if facts.budgets_at_risk:
            names = ", ".join(str(risk.category) for risk in facts.budgets_at_risk)
            sentences.append(f"This month, {_plural(len(facts.budgets_at_risk), 'budget')} at risk: {names}.")
        return Phrasing(summary=" ".join(sentences), tips=self._tips(facts, top))

    @staticmethod
    def _tips(facts: SpendingFacts, top: CategoryTrend | None) -> list[str]:
        cur = facts.currency
        tips = []
        for risk in facts.budgets_at_risk:
            category, limit = str(risk.category), format_money(risk.limit, cur)
            if risk.current_spend > risk.limit:
                over = Decimal(str(risk.current_spend)) - Decimal(str(risk.limit))
                tips.append(
                    f"{category} is already {format_money(float(over), cur)} over its {limit} budget this month."
                )
            else:
                left = Decimal(str(risk.limit)) - Decimal(str(risk.current_spend))
                tips.append(
                    f"At this pace {category} will reach {format_money(risk.projected_spend, cur)} this month, "
                    f"over its {limit} budget: keep the rest of the month under {format_money(float(left), cur)} "
                    "to stay within it."
                )
        rising = [t for t in facts.by_category if t.change_percent is not None and t.change_percent >= 20]
        if rising:
            trend = max(rising, key=lambda t: Decimal(str(t.amount)) - Decimal(str(t.previous_amount)))
            tips.append(
                f"{trend.category} rose {trend.change_percent:g}% to {format_money(trend.amount, cur)} "
                f"against the 30 days before ({format_money(trend.previous_amount, cur)}): worth a look."
            )
        if top is not None and facts.budgets_this_month == 0:
            tips.append(f"A monthly budget for {top.category}, your largest category, shows how the month is going.")
        return tips[:MAX_TIPS]


TEMPLATES = TemplateWriter()
