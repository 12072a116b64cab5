"""The KPI scorecard on the desk: a period's scores with what each was computed from,
and the tickets behind a figure; for support staff only."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from sigap.tickets.models import Category
from tests.desk.helpers import at, signed_in
from tests.factories import TicketFactory, UserFactory

WIB = ZoneInfo("Asia/Jakarta")
NOVEMBER = {"start": "2026-11-01", "end": "2026-11-30"}


@pytest.fixture
def manager(db):
    return UserFactory(role="manager")


@pytest.mark.django_db
def test_the_scorecard_shows_each_kpi_and_opens_to_the_tickets_behind_it(manager):
    support = Category.objects.get(code="other.support_service")
    with at(datetime(2026, 11, 10, 9, 0, tzinfo=WIB)):
        complaint = TicketFactory(category=support, title="CS tidak membalas")
        other = TicketFactory(title="Unit mati")
    client = signed_in(manager)
    with at(datetime(2026, 12, 1, 9, 0, tzinfo=WIB)):
        page = client.get("/desk/kpi/", NOVEMBER).content.decode()
        assert "Complaints about the support service per day" in page
        assert "Complaints about the support service reported in the period: 1, over 30" in page
        assert "/ 100" in page and "not measured" in page  # no surveys yet
        tickets = client.get("/desk/kpi/support_complaints/tickets/", NOVEMBER)
    assert tickets.status_code == 200
    listed = tickets.content.decode()
    assert complaint.number in listed and other.number not in listed


@pytest.mark.django_db
def test_a_period_that_ends_before_it_starts_is_refused_with_a_message(manager):
    answer = signed_in(manager).get("/desk/kpi/", {"start": "2026-11-30", "end": "2026-11-01"})
    assert answer.status_code == 200
    assert "The period ends before it starts." in answer.content.decode()


@pytest.mark.django_db
def test_vendors_have_no_scorecard_and_a_kpi_without_tickets_has_no_list(manager):
    assert signed_in(UserFactory(role="vendor")).get("/desk/kpi/").status_code == 404
    assert signed_in(manager).get("/desk/kpi/retention/tickets/", NOVEMBER).status_code == 404
