"""The demo tells the study's story in figures: the scorecard of January-May 2022 is
computed from the demo's records (nothing stored as a result), and every KPI Sigap
computes has a value there."""

from __future__ import annotations

import datetime as dt

import pytest

from sigap.channels.models import Message
from sigap.comms.models import Broadcast, Survey
from sigap.kpi.choices import Source
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


@pytest.mark.django_db
def test_every_kpi_sigap_computes_has_a_value_for_the_period(demo, card):
    computed = [line for line in card.values() if line.kpi.source != Source.MANUAL]
    assert [line.kpi.code for line in computed if line.value is None] == []


@pytest.mark.django_db
def test_closed_tickets_were_surveyed_and_some_customers_answered(demo, card):
    surveys = Survey.objects.all()
    closed = Ticket.objects.filter(status="closed", contact__isnull=False)
    assert surveys.count() == closed.count()  # every demo contact can be written to
    answered = surveys.filter(score__isnull=False)
    assert 0.3 < answered.count() / surveys.count() < 0.55
    nps = card["nps"]
    assert nps.detail["count"] == answered.count()
    assert float(nps.value) == pytest.approx(
        sum(answered.values_list("score", flat=True)) / answered.count(), abs=0.005
    )
    # Each answer is on its ticket's timeline, after the closure.
    one = answered.select_related("ticket").first()
    entry = one.ticket.entries.get(action="survey", changes__has_key="survey_score")
    assert entry.at == one.answered_at > one.ticket.closed_at


@pytest.mark.django_db
def test_the_notices_of_the_period_reached_the_customers(demo, card):
    notices = Broadcast.objects.order_by("started_at")
    assert [b.kind for b in notices] == ["special", "regular", "emergency", "special"]
    assert all(b.status == "sent" and b.targeted > 0 for b in notices)
    messages = Message.objects.filter(broadcast_delivery__broadcast__in=notices)
    assert messages.count() == sum(b.targeted for b in notices)
    assert messages.filter(status="queued").count() == 0  # all reported back
    assert messages.filter(status="failed").exists()  # a few addresses no longer work
    line = card["notices"]
    assert len(line.detail["broadcasts"]) == 4 and line.value >= 99
