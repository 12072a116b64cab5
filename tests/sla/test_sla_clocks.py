"""Deadlines set at logging, paused while waiting for the customer, breaches kept."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from sigap.sla.business_time import add
from sigap.sla.models import SlaBreach
from sigap.sla.selectors import calendar_get
from sigap.tickets.models import Cause
from sigap.tickets.services import (
    ticket_comment,
    ticket_pend,
    ticket_resolve,
    ticket_resume,
    ticket_start,
)
from tests.conftest import api_client
from tests.factories import TicketFactory, UserFactory

WIB = ZoneInfo("Asia/Jakarta")


def wib(*args) -> datetime:
    return datetime(*args, tzinfo=WIB)


def at(moment: datetime):
    return time_machine.travel(moment, tick=False)


@pytest.fixture
def agent(db):
    return UserFactory(role="agent")


def resolve(ticket, by):
    cause = Cause.objects.filter(categories=ticket.category).first()
    return ticket_resolve(
        ticket=ticket, by=by, resolution_code="resolved_remotely", summary="Reset", cause=cause
    )


@pytest.mark.django_db
def test_a_ticket_logged_friday_before_lebaran_2022_is_due_after_the_holidays():
    with at(wib(2022, 4, 29, 16, 30)):  # a joint leave day, before Eid al-Fitr
        ticket = TicketFactory(impact="medium", urgency="medium")  # priority 3
    # First response within 1 working hour: Saturday 30 April opens at 08:00.
    assert ticket.response_due_at == wib(2022, 4, 30, 9, 0)
    # 24 working hours: Sat 30 Apr 4 h, Sat 7 May 4 h, Mon 9 May 9 h, Tue 10 May 7 h.
    assert ticket.resolve_due_at == wib(2022, 5, 10, 15, 0)


@pytest.mark.django_db
def test_a_priority_one_incident_is_held_to_fifteen_minutes_round_the_clock():
    with at(wib(2026, 11, 28, 23, 0)):  # Saturday night
        ticket = TicketFactory(impact="high", urgency="high")
    assert ticket.priority == 1
    assert ticket.response_due_at == wib(2026, 11, 28, 23, 15)
    assert ticket.resolve_due_at == wib(2026, 11, 29, 23, 0)


@pytest.mark.django_db
def test_waiting_for_the_customer_over_a_weekend_pushes_the_deadline(agent):
    with at(wib(2026, 11, 26, 9, 0)):  # Thursday
        ticket = ticket_start(ticket=TicketFactory(), by=agent)
    due = ticket.resolve_due_at
    with at(wib(2026, 11, 27, 15, 0)):  # Friday 15:00
        ticket = ticket_pend(ticket=ticket, by=agent, reason="customer", note="Kirim foto unit")
    assert ticket.sla_paused_at == wib(2026, 11, 27, 15, 0)
    with at(wib(2026, 11, 30, 10, 0)):  # Monday 10:00
        ticket = ticket_resume(ticket=ticket, by=agent)
    # Friday 15-17, Saturday 8-12, Monday 8-10: 8 working hours paused.
    assert ticket.resolve_due_at == add(calendar_get("office"), due, timedelta(hours=8))
    assert ticket.sla_paused_at is None
    change = ticket.entries.filter(action="resume").get().changes
    assert "resolve_due_at" in change


@pytest.mark.django_db
def test_time_spent_waiting_for_the_customer_is_not_a_breach(agent):
    with at(wib(2026, 11, 23, 9, 0)):  # Monday
        ticket = ticket_start(ticket=TicketFactory(), by=agent)  # due Wednesday 15:00
    with at(wib(2026, 11, 23, 10, 0)):
        ticket = ticket_pend(ticket=ticket, by=agent, reason="customer", note="Tunggu pelanggan")
    with at(wib(2026, 11, 30, 10, 0)):  # a week later, past the original deadline
        ticket = ticket_resume(ticket=ticket, by=agent)
        assert ticket.resolve_due_at > wib(2026, 11, 30, 10, 0)
        ticket = resolve(ticket, agent)
    assert not ticket.resolve_breached and not SlaBreach.objects.exists()


@pytest.mark.django_db
def test_a_late_first_response_is_recorded_and_stays_after_resolution(agent):
    with at(wib(2026, 11, 26, 9, 0)):
        ticket = TicketFactory(impact="medium", urgency="medium")  # response due 10:00
    with at(wib(2026, 11, 26, 11, 30)):
        ticket_comment(ticket=ticket, by=agent, body="Kami cek.", public=True)
        ticket = ticket_start(ticket=ticket, by=agent)
        ticket = resolve(ticket, agent)
    ticket.refresh_from_db()
    assert ticket.response_breached and not ticket.resolve_breached
    breach = SlaBreach.objects.get(ticket=ticket)
    assert breach.clock == "response" and breach.due_at == wib(2026, 11, 26, 10, 0)
    assert breach.late_by == timedelta(minutes=90)


@pytest.mark.django_db
def test_a_late_resolution_is_recorded_in_working_time_and_shown_by_the_api(agent):
    # Thursday 09:00 plus 24 working hours: Thursday 8 h, Friday 9 h, Saturday 4 h and
    # Monday 08:00-11:00.
    with at(wib(2026, 11, 26, 9, 0)):
        ticket = ticket_start(ticket=TicketFactory(impact="medium", urgency="medium"), by=agent)
    assert ticket.resolve_due_at == wib(2026, 11, 30, 11, 0)
    with at(wib(2026, 11, 30, 13, 0)):
        ticket = resolve(ticket, agent)
    assert ticket.resolve_breached
    detail = api_client(agent).get(f"/api/v1/tickets/{ticket.number}").json()
    assert detail["resolve_due_at"].startswith("2026-11-30T04:00:00")  # 11:00 WIB in UTC
    assert [(b["clock"], b["late_by_minutes"]) for b in detail["breaches"]] == [("resolution", 120)]


@pytest.mark.django_db
def test_a_priority_raised_half_way_brings_the_deadline_forward_and_says_why(agent):
    with at(wib(2026, 11, 23, 9, 0)):  # Monday; priority 4: resolution in 72 working hours
        ticket = ticket_start(ticket=TicketFactory(impact="low", urgency="medium"), by=agent)
    assert ticket.priority == 4
    office = calendar_get("office")
    assert ticket.resolve_due_at == add(office, wib(2026, 11, 23, 9, 0), timedelta(hours=72))
    with at(wib(2026, 11, 24, 10, 0)):
        answer = api_client(agent).post(
            f"/api/v1/tickets/{ticket.number}/priority",
            {"impact": "medium", "urgency": "high", "reason": "Armada berhenti beroperasi"},
            content_type="application/json",
        )
    assert answer.status_code == 200, answer.content
    detail = answer.json()
    assert detail["priority"] == 2 and detail["impact"] == "medium"
    ticket.refresh_from_db()
    # Priority 2: 24 working hours, counted on the same calendar from the logging.
    assert ticket.resolve_due_at == add(office, wib(2026, 11, 23, 9, 0), timedelta(hours=24))
    entry = ticket.entries.get(kind="change")
    assert entry.body == "Armada berhenti beroperasi" and entry.actor == agent
    assert entry.changes["priority"] == [4, 2] and "resolve_due_at" in entry.changes


@pytest.mark.django_db
def test_only_staff_change_a_priority_and_always_with_a_reason(agent):
    ticket = TicketFactory(impact="medium", urgency="medium")
    staff = api_client(agent)
    no_reason = staff.post(
        f"/api/v1/tickets/{ticket.number}/priority",
        {"impact": "high", "urgency": "high", "reason": ""},
        content_type="application/json",
    )
    assert no_reason.status_code == 422
    customer = UserFactory(role="customer", organisation=ticket.organisation)
    refused = api_client(customer).post(
        f"/api/v1/tickets/{ticket.number}/priority",
        {"impact": "high", "urgency": "high", "reason": "urgent"},
        content_type="application/json",
    )
    assert refused.status_code == 403
    ticket.refresh_from_db()
    assert ticket.priority == 3
