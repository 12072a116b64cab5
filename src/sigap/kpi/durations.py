"""How a report measures time: durations in hours or minutes rounded as the
scorecard prints them, percentiles, and a duration on both clocks (calendar time,
and working time on the SLA calendar as stamped on the ticket when it happened).

Percentiles are the continuous kind (PostgreSQL's percentile_cont). PostgreSQL
computes them itself; SQLite reads the two neighbouring values with ORDER BY ...
OFFSET.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db import connection
from django.db.models import Aggregate, Count, F, FloatField, Q, QuerySet, Sum
from django.db.models.expressions import CombinedExpression
from django.utils.translation import gettext as _

from sigap.kpi.choices import TimeBasis
from sigap.tickets.models import Ticket

PLACES = Decimal("0.01")


def rounded(value: Decimal) -> Decimal:
    return value.quantize(PLACES, rounding=ROUND_HALF_UP)


def hours(d: timedelta) -> Decimal:
    return Decimal(d // timedelta(microseconds=1)) / Decimal(3_600_000_000)


def minutes(d: timedelta) -> Decimal:
    return Decimal(d // timedelta(microseconds=1)) / Decimal(60_000_000)


def duration(later: str, earlier: str) -> CombinedExpression:
    return F(later) - F(earlier)


class Percentile(Aggregate):
    """PostgreSQL's continuous percentile of a duration, in seconds. Several of them
    over the same duration in one query share one sort."""

    function = "percentile_cont"
    template = "%(function)s(%(share)s) WITHIN GROUP (ORDER BY date_part('epoch', %(expressions)s))"
    output_field = FloatField()


SHARES = (0.5, 0.9)


def percentiles(
    tickets: QuerySet[Ticket], duration: CombinedExpression | F, count: int
) -> dict[float, timedelta | None]:
    """The SHARES percentiles of `duration` over the `count` tickets, interpolated
    between the two neighbouring values as percentile_cont does. PostgreSQL computes
    them in one query of their own (kept apart from the figure's sums, which it can
    then run in parallel, which it cannot with an ordered-set aggregate); elsewhere each
    is read with ORDER BY ... OFFSET. None where the row is gone meanwhile."""
    if connection.vendor == "postgresql":
        found = tickets.aggregate(
            **{f"p{i}": Percentile(duration, share=share) for i, share in enumerate(SHARES)}
        )
        return {
            share: None if found[f"p{i}"] is None else timedelta(seconds=found[f"p{i}"])
            for i, share in enumerate(SHARES)
        }
    return {share: percentile(tickets, duration, count, share) for share in SHARES}


def percentile(
    tickets: QuerySet[Ticket], duration: CombinedExpression | F, count: int, share: float
) -> timedelta | None:
    position = share * (count - 1)
    below = math.floor(position)
    values = list(
        tickets.annotate(kpi_duration=duration)
        .order_by("kpi_duration")
        .values_list("kpi_duration", flat=True)[below : below + 2]
    )
    if len(values) < 2:
        return values[0] if values else None
    return values[0] + (values[1] - values[0]) * (position - below)


def spread(
    tickets: QuerySet[Ticket],
    duration: CombinedExpression | F,
    count: int,
    unit: Callable[[timedelta], Decimal],
    suffix: str,
) -> dict[str, float]:
    """The median and 90th percentile of `duration` over the `count` tickets."""
    return {
        f"p{round(share * 100)}_{suffix}": float(rounded(unit(found)))
        for share, found in percentiles(tickets, duration, count).items()
        if found is not None
    }


@dataclass(frozen=True)
class Durations:
    """A duration measured on both clocks: the calendar one computed from two moments,
    the working one stamped on the ticket (`working`, a field name) when it happened.
    `basis` is the one scored; tickets without a stamp (imported history) count on
    the calendar only."""

    calendar: CombinedExpression
    working: str
    basis: TimeBasis

    @property
    def scored(self) -> CombinedExpression | F:
        return self.calendar if self.basis == TimeBasis.CALENDAR else F(self.working)

    def stamped(self) -> Q:
        return Q(**{f"{self.working}__isnull": False})

    def scored_among(self, among: Q) -> Q:
        """The tickets `among` that the scored clock measures."""
        return among if self.basis == TimeBasis.CALENDAR else among & self.stamped()

    def aggregates(self, among: Q) -> dict[str, Aggregate]:
        """count and total of the scored clock, then of each clock, over the tickets
        `among`."""
        scored = self.scored_among(among)
        working = among & self.stamped()
        return {
            "count": Count("id", filter=scored),
            "total": Sum(self.scored, filter=scored),
            "calendar_count": Count("id", filter=among),
            "calendar_total": Sum(self.calendar, filter=among),
            "working_count": Count("id", filter=working),
            "working_total": Sum(self.working, filter=working),
        }

    def averages(self, totals: dict[str, Any], unit: Callable[[timedelta], Decimal]) -> dict:
        """Both clocks' averages, for the detail."""
        return {
            f"{clock}_average": float(
                rounded(unit(totals[f"{clock}_total"]) / totals[f"{clock}_count"])
            )
            for clock in TimeBasis.values
            if totals[f"{clock}_count"]
        }

    def scored_tickets(self, tickets: QuerySet[Ticket]) -> QuerySet[Ticket]:
        return tickets.filter(self.scored_among(Q()))

    def described(self) -> str:
        if self.basis == TimeBasis.WORKING:
            return _("working time on the SLA calendar")
        return _("calendar time")
