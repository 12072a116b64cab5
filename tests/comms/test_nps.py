"""The NPS realisation against figures worked out by hand, for January 2022 in
Jakarta (UTC+7): the average score on the study's 1-5 scale, and the standard
promoters-minus-detractors form beside it."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from sigap.kpi.choices import Source
from sigap.kpi.realisations import realisation
from tests.comms.factories import SurveyFactory
from tests.kpi.test_realisations import DAY_AFTER, DAY_BEFORE, FIRST_MOMENT, JAN, LAST_MINUTE, wib

pytestmark = pytest.mark.django_db


def answered(score: int, at: dt.datetime):
    return SurveyFactory(score=score, answered_at=at)


def test_the_average_score_and_the_net_promoter_score(django_assert_num_queries):
    counted = [
        answered(5, FIRST_MOMENT),  # 00:00 on 1 January in Jakarta: still 2021 in UTC
        answered(5, wib(10)),
        answered(5, wib(11)),
        answered(4, wib(12)),
        answered(2, wib(20)),
        answered(1, LAST_MINUTE),
    ]
    answered(1, DAY_BEFORE)
    answered(5, DAY_AFTER)
    SurveyFactory()  # sent, never answered
    with django_assert_num_queries(1):
        found = realisation(Source.NPS, **JAN)
    # (5 + 5 + 5 + 4 + 2 + 1) / 6 = 22 / 6 = 3.666... -> 3.67
    assert found.value == Decimal("3.67")
    # 3 promoters, 1 passive, 2 detractors of 6: (3 - 2) / 6 = 16.666...% -> 16.67
    assert found.detail == {
        "count": 6,
        "average": 3.67,
        "promoters": 3,
        "passives": 1,
        "detractors": 2,
        "nps": 16.67,
        "scores": {"1": 1, "2": 1, "3": 0, "4": 1, "5": 3},
    }
    assert found.basis == (
        "Surveys answered in the period: 6; the average score from 1 to 5. "
        "As a Net Promoter Score (5 promotes, 1 to 3 detract): 16.67."
    )
    # The surveyed tickets behind it, the lowest scores first.
    assert list(found.tickets) == [
        s.ticket for s in sorted(counted, key=lambda s: (s.score, -s.ticket.pk))
    ]


def test_all_detractors_is_minus_100():
    for day in (3, 4):
        answered(3, wib(day))
    found = realisation(Source.NPS, **JAN)
    assert str(found.value) == "3.00"
    assert found.detail["nps"] == -100.0


def test_a_period_without_answers_is_not_measured():
    SurveyFactory()
    found = realisation(Source.NPS, **JAN)
    assert (found.value, found.basis, found.tickets) == (
        None,
        "No surveys are recorded for the period.",
        None,
    )
