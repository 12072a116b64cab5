"""The demo tells the study's story in figures: the scorecard of January-May 2022 is
computed from the demo's records (nothing stored as a result), and every KPI Sigap
computes has a value there."""

from __future__ import annotations

import datetime as dt

import pytest

from sigap.kpi.scorecard import scorecard
from sigap.tickets.models import Attachment, Ticket

PERIOD = {"start": dt.date(2022, 1, 1), "end": dt.date(2022, 5, 31)}


@pytest.fixture
def card(demo):
    return {line.kpi.code: line for line in scorecard(**PERIOD).lines}


@pytest.mark.django_db
def test_data_change_requests_carry_the_registration_the_customer_sent(demo, card):
    requests = Ticket.objects.filter(category__code="account.data_change")
    assert requests.count() == card["documents_stored"].detail["count"] > 0
    documents = Attachment.objects.filter(ticket__in=requests, content_type="application/pdf")
    assert set(documents.values_list("ticket_id", flat=True)) == set(
        requests.values_list("pk", flat=True)
    )
    assert card["documents_stored"].value == 100
    first = documents.order_by("pk").first()
    assert first.file.read().startswith(b"%PDF")
    assert first.entry.public and first.entry.actor_id is None  # the customer sent it


@pytest.mark.django_db
def test_times_are_scored_in_working_time_with_calendar_time_beside(demo, card):
    for code in ("resolution_time", "first_response"):
        line = card[code]
        assert line.detail["time_basis"] == "working"
        assert float(line.value) == line.detail["working_average"]
        # The desk works office hours: nights and weekends make calendar time longer.
        assert line.detail["calendar_average"] > line.detail["working_average"]
    assert card["first_response"].value <= 15 and card["first_response"].score == 1
    assert card["resolution_time"].value <= 10 and card["resolution_time"].score == 1


@pytest.mark.django_db
def test_the_manager_entered_each_months_product_knowledge(demo, card):
    line = card["product_knowledge"]
    assert line.value == 85  # (81 + 83 + 84 + 87 + 90) / 5
    assert len(line.detail["entries"]) == 5 and "mgr.siti" in line.basis
    march = scorecard(start=dt.date(2022, 3, 1), end=dt.date(2022, 3, 31)).lines
    assert next(x for x in march if x.kpi.code == "product_knowledge").value == 84
