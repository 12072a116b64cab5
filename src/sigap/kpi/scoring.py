"""A realisation becomes a score between 0 and 1, by the KPI's rule."""

from __future__ import annotations

from decimal import Decimal

from sigap.kpi.choices import Direction, Scoring
from sigap.kpi.models import Kpi

ONE, ZERO = Decimal(1), Decimal(0)
PLACES = Decimal("0.0001")


def target_met(kpi: Kpi, value: Decimal) -> bool:
    return value >= kpi.target if kpi.direction == Direction.HIGHER else value <= kpi.target


def kpi_score(kpi: Kpi, value: Decimal | None) -> Decimal | None:
    """The study's rule: 1 when the target is met, else 0. Proportional: 1 at the
    target, 0 at the threshold (by default nothing for "higher is better", twice the
    target for "lower is better"), in proportion between. None when there is nothing
    to score."""
    if value is None:
        return None
    if target_met(kpi, value):
        return ONE
    if kpi.scoring == Scoring.MET:
        return ZERO
    target = kpi.target
    if kpi.direction == Direction.HIGHER:
        floor = kpi.threshold if kpi.threshold is not None else ZERO
        share = (value - floor) / (target - floor) if target != floor else ZERO
    else:
        ceiling = kpi.threshold if kpi.threshold is not None else 2 * target
        share = (ceiling - value) / (ceiling - target) if ceiling != target else ZERO
    return min(ONE, max(ZERO, share)).quantize(PLACES)
