"""KPI scores: the study's rule (1 when the target is met) and the proportional one,
at and around their thresholds, for "higher" and "lower is better"; the seeded
Table 5 as printed."""

from __future__ import annotations

from decimal import Decimal

import pytest

from sigap.kpi.models import Kpi
from sigap.kpi.scoring import kpi_score

D = Decimal


def kpi(**fields) -> Kpi:
    defaults = {"weight": D(10), "target": D(80), "direction": "higher", "scoring": "met"}
    return Kpi(**(defaults | fields))


@pytest.mark.parametrize(
    ("direction", "value", "expected"),
    [
        ("higher", "80", 1),
        ("higher", "79.99", 0),
        ("higher", "95", 1),
        ("lower", "80", 1),
        ("lower", "80.01", 0),
        ("lower", "12", 1),
    ],
)
def test_the_studys_rule_scores_1_exactly_when_the_target_is_met(direction, value, expected):
    assert kpi_score(kpi(direction=direction), D(value)) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [("80", "1"), ("70", "0.5"), ("60", "0"), ("55", "0"), ("75", "0.75")],
)
def test_proportional_higher_is_better_rises_from_the_threshold_to_the_target(value, expected):
    rule = kpi(scoring="proportional", threshold=D(60))
    assert kpi_score(rule, D(value)) == D(expected)


@pytest.mark.parametrize(
    ("value", "expected"),
    [("15", "1"), ("22.5", "0.5"), ("30", "0"), ("45", "0"), ("18", "0.8")],
)
def test_proportional_lower_is_better_falls_to_zero_at_twice_the_target(value, expected):
    # First response: 15 minutes; no threshold set, so 30 minutes scores 0.
    rule = kpi(scoring="proportional", direction="lower", target=D(15))
    assert kpi_score(rule, D(value)) == D(expected)


def test_nothing_measured_is_not_scored():
    assert kpi_score(kpi(), None) is None


@pytest.mark.django_db
def test_the_seeded_table_5_has_its_ten_kpis_and_weights():
    seeded = Kpi.objects.filter(is_active=True)
    assert seeded.count() == 10
    # As printed in the study (it says 100; the final score is scaled to 100).
    assert sum(k.weight for k in seeded) == 90
    first_response = seeded.get(code="first_response")
    assert (first_response.target, first_response.unit, first_response.direction) == (
        D(15),
        "minutes",
        "lower",
    )
