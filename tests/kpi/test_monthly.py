"""Each section of the monthly report against figures worked out by hand, for March
2022 in Jakarta (UTC+7). Tickets are logged through the factory, then their clocks
and timestamps are set exactly, so every edge of a bucket or a period is tested."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from sigap.kpi.monthly import (
    backlog_ageing,
    cause_pareto,
    complaints_trend,
    escalations_by_kind,
    first_response_times,
    month_report,
    resolution_times,
    sla_compliance,
)
from sigap.kpi.realisations import Period
from sigap.routing.models import Escalation, SupportGroup
from sigap.tickets.models import Cause, Ticket
from tests.desk.helpers import at
from tests.kpi.helpers import WIB, log, ticket, wib

MARCH = Period(dt.date(2022, 3, 1), dt.date(2022, 3, 31))
END_OF_MARCH = dt.datetime(2022, 4, 1, 0, 0, tzinfo=WIB)


# The trend of Figure 3


@pytest.mark.django_db
def test_the_trend_counts_twelve_months_from_the_first_recorded_and_names_what_falls():
    for _ in range(3):
        log(wib(1, 10), "gps_unit.not_updating")
    log(wib(1, 11), "payment.invoice", "request")
    log(wib(2, 10), "gps_unit.not_updating")
    log(wib(2, 11), "gps_unit.removal", "request")
    log(wib(3, 10), "gps_unit.not_updating")
    log(wib(3, 11), "account.data_change", "request")
    log(wib(4, 1), "gps_unit.not_updating")  # after the month

    trend = complaints_trend(last_month=dt.date(2022, 3, 1))

    assert trend["months"][0] == "2021-04" and trend["months"][-1] == "2022-03"
    assert trend["total"] == [0] * 9 + [4, 2, 2]
    assert trend["by_category"]["gps_unit"][-3:] == [3, 2, 1]
    assert trend["since"] == "2022-01"
    verdict = trend["verdict"]
    assert verdict["direction"] == "falling"
    assert verdict["first"] == {"month": "2022-01", "count": 4}
    assert verdict["vs_previous"] == {"change": 0, "percent": 0.0}
    assert verdict["vs_first"] == {"change": -2, "percent": -50.0}
    # GPS unit 3 -> 1 falls most, payment 1 -> 0; account 0 -> 1 rises from nothing.
    assert trend["falling"] == ["gps_unit", "payment"]
    assert trend["rising"] == ["account"]
    assert trend["category_verdicts"]["gps_unit"]["vs_first"] == {
        "change": -2,
        "percent": -66.67,
    }
    assert trend["category_verdicts"]["account"]["vs_first"] == {"change": 1, "percent": None}


# SLA compliance by priority


@pytest.mark.django_db
def test_sla_compliance_counts_each_clock_in_the_month_its_deadline_falls_in():
    # Response clocks
    ticket(priority=2, response_due_at=wib(3, 10, 10), first_response_at=wib(3, 10, 9, 50))
    ticket(
        priority=2,
        response_due_at=wib(3, 11),
        first_response_at=wib(3, 11, 12),
        response_breached=True,
    )
    ticket(priority=3, response_due_at=wib(3, 12))  # unanswered and past due: breached
    ticket(priority=3, response_due_at=wib(3, 25))  # not due yet on the 20th: running
    ticket(priority=2, response_due_at=wib(4, 2), first_response_at=wib(4, 1))  # April
    ticket(priority=2, response_due_at=wib(3, 5), status="cancelled")  # cancelled
    # Resolution clocks
    ticket(priority=4, resolve_due_at=wib(3, 15), resolved_at=wib(3, 14), status="resolved")
    ticket(
        priority=4,
        resolve_due_at=wib(3, 15),
        resolved_at=wib(3, 16),
        resolve_breached=True,
        status="closed",
    )
    # Past due while waiting for the customer: the clock is paused, no breach.
    ticket(priority=4, resolve_due_at=wib(3, 10), sla_paused_at=wib(3, 9), status="pending")
    ticket(priority=4, resolve_due_at=wib(3, 10))  # past due, running: breached

    found = sla_compliance(MARCH, as_of=wib(3, 20))

    response = {row["priority"]: row for row in found["response"]["priorities"]}
    assert response[2] == {
        "priority": 2,
        "count": 2,
        "met": 1,
        "breached": 1,
        "running": 0,
        "percent_met": 50.0,
    }
    assert response[3] == {
        "priority": 3,
        "count": 2,
        "met": 0,
        "breached": 1,
        "running": 1,
        "percent_met": 0.0,
    }
    assert response[1]["count"] == 0 and response[1]["percent_met"] is None
    assert found["response"]["total"] == {
        "count": 4,
        "met": 1,
        "breached": 2,
        "running": 1,
        "percent_met": 33.33,
    }
    resolution = {row["priority"]: row for row in found["resolution"]["priorities"]}
    assert resolution[4] == {
        "priority": 4,
        "count": 4,
        "met": 1,
        "breached": 2,
        "running": 1,
        "percent_met": 33.33,
    }
    assert found["resolution"]["total"]["count"] == 4
    assert [row["priority"] for row in found["resolution"]["priorities"]] == [1, 2, 3, 4, 5]


# First-response and resolution times


@pytest.mark.django_db
def test_first_response_times_fall_in_buckets_that_include_their_lower_edge():
    reported = wib(3, 10)
    minutes = dt.timedelta(minutes=1)
    ticket(reported_at=reported, first_response_at=reported + 10 * minutes)
    ticket(
        reported_at=reported,
        first_response_at=reported + 15 * minutes,  # 15 min: the second bucket
        first_response_working_time=15 * minutes,
    )
    ticket(reported_at=reported, first_response_at=reported + 59 * minutes)
    ticket(
        reported_at=reported,
        first_response_at=reported + 60 * minutes,  # 1 h: "1 to 4 h"
        first_response_working_time=10 * minutes,
    )
    ticket(
        "account.data_change",
        "request",
        reported_at=reported,
        first_response_at=reported + dt.timedelta(hours=30),
    )
    ticket(reported_at=reported)  # not answered yet
    ticket(reported_at=reported, status="cancelled")  # cancelled unanswered: not waiting
    ticket(reported_at=wib(2, 28), first_response_at=wib(3, 1))  # reported in February

    found = first_response_times(MARCH)

    calendar = {b["bucket"]: (b["incident"], b["request"], b["total"]) for b in found["buckets"]}
    assert calendar == {
        "lt_15m": (1, 0, 1),
        "15m_1h": (2, 0, 2),
        "1h_4h": (1, 0, 1),
        "4h_8h": (0, 0, 0),
        "8h_24h": (0, 0, 0),
        "gt_24h": (0, 1, 1),
    }
    working = {b["bucket"]: b["working"] for b in found["buckets"]}
    assert working["lt_15m"] == 1 and working["15m_1h"] == 1 and sum(working.values()) == 2
    assert found["count"] == {"incident": 4, "request": 1, "total": 5, "working": 2}
    assert found["unanswered"] == 1


@pytest.mark.django_db
def test_resolution_times_count_the_tickets_resolved_in_the_month():
    hours = dt.timedelta(hours=1)
    resolved = wib(3, 20)
    ticket(reported_at=resolved - hours / 2, resolved_at=resolved, status="resolved")
    ticket(
        reported_at=resolved - 4 * hours,
        resolved_at=resolved,
        status="resolved",
        resolution_working_time=4 * hours,
    )
    ticket(reported_at=resolved - 48 * hours, resolved_at=resolved, status="closed")
    ticket(reported_at=resolved - 72 * hours, resolved_at=resolved, status="closed")
    ticket(
        "gps_unit.removal",
        "request",
        reported_at=resolved - 5 * hours,
        resolved_at=resolved,
        status="resolved",
    )
    ticket(reported_at=wib(3, 30), resolved_at=wib(4, 1, 8), status="resolved")  # April

    found = resolution_times(MARCH)

    calendar = {b["bucket"]: (b["incident"], b["request"]) for b in found["buckets"]}
    assert calendar == {
        "lt_1h": (1, 0),
        "1h_4h": (0, 0),
        "4h_8h": (1, 1),
        "8h_24h": (0, 0),
        "1d_3d": (1, 0),
        "gt_3d": (1, 0),
    }
    assert found["count"] == {"incident": 4, "request": 1, "total": 5, "working": 1}
    assert {b["bucket"]: b["working"] for b in found["buckets"]}["4h_8h"] == 1


# The causes as a Pareto


@pytest.mark.django_db
def test_causes_of_incidents_resolved_in_the_month_most_frequent_first_with_cumulative_share():
    cause = {c.code: c for c in Cause.objects.all()}
    done = {"resolved_at": wib(3, 15), "status": "resolved"}
    for _ in range(3):
        ticket(cause=cause["old_device"], **done)
    ticket(cause=cause["firmware_upgrade"], **done)
    ticket(cause=cause["blank_spot"], **done)
    ticket(cause=None, **done)  # imported history without a cause
    ticket("gps_unit.removal", "request", cause=cause["vehicle_sold"], **done)  # a request
    ticket(cause=cause["old_device"], resolved_at=wib(4, 2), status="resolved")  # April
    ticket(cause=cause["old_device"])  # still open

    found = cause_pareto(MARCH)

    assert [
        (c["cause"], c["count"], c["percent"], c["cumulative_percent"]) for c in found["causes"]
    ] == [
        ("old_device", 3, 60.0, 60.0),
        # A tie goes by code.
        ("blank_spot", 1, 20.0, 80.0),
        ("firmware_upgrade", 1, 20.0, 100.0),
    ]
    assert found["causes"][0]["name"] == cause["old_device"].name
    assert found["total"] == 5 and found["without_cause"] == 1


# Backlog ageing


@pytest.mark.django_db
def test_the_backlog_is_what_was_open_at_the_end_of_the_month_by_age():
    ticket(reported_at=wib(3, 31, 12))  # 12 hours
    ticket(reported_at=wib(3, 31, 0))  # exactly 1 day: "1 to 3 days"
    ticket(reported_at=wib(3, 28, 10), resolved_at=wib(4, 2), status="resolved")  # open then
    ticket("gps_unit.removal", "request", reported_at=wib(3, 25, 0))  # exactly 7 days
    ticket(
        "gps_unit.removal",
        "request",
        reported_at=wib(3, 20),
        cancelled_at=wib(4, 3),
        status="cancelled",
    )  # cancelled after the month: open at its end
    ticket(reported_at=wib(1, 1))  # months old
    ticket(reported_at=wib(3, 20), resolved_at=wib(3, 30), status="closed")
    ticket(reported_at=wib(3, 20), cancelled_at=wib(3, 30), status="cancelled")
    ticket(reported_at=wib(4, 2))  # reported after the month

    found = backlog_ageing(END_OF_MARCH)

    ages = {b["bucket"]: (b["incident"], b["request"], b["total"]) for b in found["buckets"]}
    assert ages == {
        "lt_1d": (1, 0, 1),
        "1d_3d": (1, 0, 1),
        "3d_7d": (1, 0, 1),
        "7d_30d": (0, 2, 2),
        "gt_30d": (1, 0, 1),
    }
    assert found["count"] == {"incident": 4, "request": 2, "total": 6}


# Escalations


@pytest.mark.django_db
def test_escalations_made_in_the_month_by_kind_with_tickets_acknowledgements_and_reasons():
    first_line = SupportGroup.objects.get(code="customer_support")
    group = {g.code: g for g in SupportGroup.objects.all()}
    one, two = ticket(), ticket()

    def escalate(t: Ticket, kind: str, to: str, reason: str, when: dt.datetime, **fields):
        Escalation.objects.create(
            ticket=t,
            kind=kind,
            reason=reason,
            from_group=first_line,
            from_level="l1",
            to_group=group[to],
            to_level=group[to].level,
            at=when,
            **fields,
        )

    escalate(one, "functional", "technicians", "manual", wib(3, 1, 0), acknowledged_at=wib(3, 1, 1))
    escalate(one, "functional", "it", "sla", wib(3, 31, 23, 59))
    escalate(two, "vendor", "vendor", "manual", wib(3, 5))
    escalate(two, "management", "head_of_infrastructure", "critical", wib(3, 6))
    escalate(two, "functional", "it", "manual", wib(4, 1, 0))  # April

    found = escalations_by_kind(MARCH)

    kinds = {k["kind"]: k for k in found["kinds"]}
    assert [k["kind"] for k in found["kinds"]] == ["functional", "management", "vendor"]
    assert kinds["functional"]["count"] == 2 and kinds["functional"]["tickets"] == 1
    assert kinds["functional"]["acknowledged"] == 1
    assert kinds["functional"]["reasons"] == {
        "manual": 1,
        "sla": 1,
        "breach": 0,
        "critical": 0,
        "unacknowledged": 0,
    }
    assert kinds["management"]["count"] == 1 and kinds["management"]["reasons"]["critical"] == 1
    assert kinds["vendor"]["count"] == 1 and kinds["vendor"]["acknowledged"] == 0
    assert found["total"] == 4


# The whole report


def _busy_march(n: int) -> None:
    cause = Cause.objects.get(code="old_device")
    for i in range(n):
        log(wib(3, 1 + i % 28), "gps_unit.not_updating")
        ticket(
            reported_at=wib(3, 2),
            first_response_at=wib(3, 2, 10),
            resolved_at=wib(3, 3),
            cause=cause,
            status="resolved",
            response_due_at=wib(3, 2, 9, 15),
            resolve_due_at=wib(3, 3, 9),
            priority=1 + i % 5,
        )


@pytest.mark.django_db
def test_the_month_report_is_plain_json_and_its_queries_do_not_grow_with_the_tickets():
    _busy_march(3)
    with at(wib(4, 5)), CaptureQueriesContext(connection) as few:
        report = month_report(dt.date(2022, 3, 17))  # any day of the month
    _busy_march(12)
    with at(wib(4, 5)), CaptureQueriesContext(connection) as many:
        again = month_report(dt.date(2022, 3, 1))

    assert len(many) == len(few)
    json.dumps(again)  # nothing but JSON's own types
    assert report["period"] == {"start": "2022-03-01", "end": "2022-03-31", "days": 31}
    assert report["as_of"] == END_OF_MARCH.isoformat()
    assert [m["month"] for m in report["complaints"]["months"]] == ["2022-03"]
    assert report["complaints"]["total"] == 6  # both kinds of ticket above
    assert again["causes"]["causes"][0]["count"] == 15
    # The logged tickets' first responses fall due in March too.
    assert again["sla"]["response"]["total"]["count"] == 30
    assert report["scorecard"]["start"] == "2022-03-01"
    assert isinstance(report["scorecard"]["final_score"], float)
    assert set(report) >= {
        "complaints",
        "trend",
        "scorecard",
        "sla",
        "first_response",
        "resolution",
        "causes",
        "backlog",
        "escalations",
    }
