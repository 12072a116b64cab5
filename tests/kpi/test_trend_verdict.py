"""The verdict on a monthly trend, which the report and the dashboard share."""

from __future__ import annotations

from django.utils import translation

from sigap.kpi.trend import recorded_since, trend_sentence, trend_verdict

STUDY = [("2022-01", 225), ("2022-02", 174), ("2022-03", 279), ("2022-04", 95), ("2022-05", 76)]


def test_the_studys_months_are_falling_by_two_thirds():
    verdict = trend_verdict(STUDY)
    assert verdict["direction"] == "falling"
    assert verdict["months"] == 5
    assert verdict["first"] == {"month": "2022-01", "count": 225}
    assert verdict["previous"] == {"month": "2022-04", "count": 95}
    assert verdict["vs_previous"] == {"change": -19, "percent": -20.0}
    assert verdict["vs_first"] == {"change": -149, "percent": -66.22}


def test_a_change_within_the_tolerance_is_steady_and_from_nothing_is_rising():
    assert trend_verdict([("2022-01", 100), ("2022-02", 104)])["direction"] == "steady"
    assert trend_verdict([("2022-01", 100), ("2022-02", 95)])["direction"] == "falling"
    from_nothing = trend_verdict([("2022-01", 0), ("2022-02", 3)])
    assert from_nothing["direction"] == "rising"
    assert from_nothing["vs_first"] == {"change": 3, "percent": None}
    assert trend_verdict([("2022-01", 0), ("2022-02", 0)])["direction"] == "steady"


def test_no_months_no_verdict_and_one_month_is_steady():
    assert trend_verdict([])["direction"] == "none"
    one = trend_verdict([("2022-01", 7)])
    assert one["direction"] == "steady" and one["previous"] is None and one["vs_previous"] is None


def test_records_start_at_the_first_month_that_counts_anything():
    assert recorded_since([0, 0, 5, 0, 3]) == 2
    assert recorded_since([0, 0]) == 2
    assert recorded_since([1]) == 0


def test_the_verdict_in_a_sentence():
    with translation.override("en"):
        sentence = trend_sentence(trend_verdict(STUDY))
        assert sentence == (
            "Falling: 76 in May 2022, -19 (-20.0%) against April 2022 "
            "and -149 (-66.2%) against January 2022."
        )
        assert trend_sentence(trend_verdict([])) == "Nothing was recorded in these months."
        assert "the first month with records" in trend_sentence(trend_verdict([("2022-01", 7)]))
