"""The sweep: warnings at a share of the target, breaches found while the clock still
runs, tickets handed to second line, escalations chased until acknowledged.

A priority-3 ticket logged Monday 23 November 2026 at 09:00 WIB on the office
calendar (weekdays 08-17, Saturday 08-12): first response due 10:00 (warned at
09:45), resolution due Wednesday 15:00 (warned Wednesday 09:00); at half its
resolution target (Tuesday 12:00) it goes to its category's second line.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail

from sigap.routing.escalation import escalation_acknowledge
from sigap.routing.models import Escalation, SupportGroup
from sigap.sla.models import SlaBreach
from sigap.sla.sweep import sweep
from sigap.tickets.changes import ticket_reprioritise
from sigap.tickets.services import (
    ticket_assign,
    ticket_cancel,
    ticket_comment,
    ticket_escalate,
    ticket_pend,
    ticket_resume,
    ticket_start,
)
from tests.conftest import api_client
from tests.factories import TicketFactory, UserFactory
from tests.sla.test_sla_clocks import at, wib

LOGGED = wib(2026, 11, 23, 9, 0)


@pytest.fixture
def desk(db):
    """An agent in first line and a technician in second line, both with e-mail."""
    agent = UserFactory(role="agent", email="rina@provider.test")
    technician = UserFactory(role="specialist", email="teknisi@provider.test", language="id")
    SupportGroup.objects.get(code="customer_support").members.add(agent)
    SupportGroup.objects.get(code="technicians").members.add(technician)
    return agent, technician


@pytest.fixture
def ticket(desk):
    with at(LOGGED):
        return TicketFactory(impact="medium", urgency="medium")


def to_technicians(ticket, agent):
    technicians = SupportGroup.objects.get(code="technicians")
    return ticket_escalate(ticket=ticket, by=agent, group=technicians, reason="Unit mati total")


def run(moment):
    with at(moment):
        return sweep()


@pytest.fixture
def told(django_capture_on_commit_callbacks):
    """Sweeps that also run what they queue after commit (the notifications), as the
    worker would; returns the sweep and the e-mails sent."""

    def sweep_and_tell(moment):
        with django_capture_on_commit_callbacks(execute=True):
            return run(moment)

    return sweep_and_tell


@pytest.mark.django_db
def test_a_warning_goes_out_at_three_quarters_of_the_target_once(ticket, told):
    assert ticket.response_warn_at == wib(2026, 11, 23, 9, 45)
    assert ticket.resolve_warn_at == wib(2026, 11, 25, 9, 0)
    assert told(wib(2026, 11, 23, 9, 44)).counts()["response_warnings"] == 0
    assert told(wib(2026, 11, 23, 9, 45)).counts()["response_warnings"] == 1
    assert told(wib(2026, 11, 23, 9, 46)).counts()["response_warnings"] == 0
    warning = ticket.entries.get(kind="sla")
    assert warning.changes == {"warning": [None, "response"]} and warning.via == "system"
    (message,) = mail.outbox  # nobody has the ticket yet: first line's members are told
    assert message.to == ["rina@provider.test"]
    assert f"[{ticket.number}] First response due soon" == message.subject
    assert "23-11-2026 10:00" in message.body


@pytest.mark.django_db
def test_a_first_response_in_time_cancels_its_warning(ticket, desk):
    agent, _technician = desk
    with at(wib(2026, 11, 23, 9, 30)):
        ticket_comment(ticket=ticket, by=agent, body="Kami cek.", public=True)
    assert run(wib(2026, 11, 23, 10, 30)).counts()["response_warnings"] == 0
    assert run(wib(2026, 11, 23, 10, 30)).counts()["response_breaches"] == 0


@pytest.mark.django_db
def test_a_breach_is_recorded_while_the_clock_runs_and_completed_when_it_stops(ticket, desk):
    agent, _technician = desk
    assert run(wib(2026, 11, 23, 10, 1)).counts()["response_breaches"] == 1
    ticket.refresh_from_db()
    assert ticket.response_breached
    breach = SlaBreach.objects.get(ticket=ticket)
    assert breach.due_at == wib(2026, 11, 23, 10, 0) and breach.stopped_at is None
    assert run(wib(2026, 11, 23, 10, 2)).counts()["response_breaches"] == 0
    with at(wib(2026, 11, 23, 10, 30)):
        ticket_comment(ticket=ticket, by=agent, body="Maaf, kami cek.", public=True)
    breach.refresh_from_db()
    assert breach.stopped_at == wib(2026, 11, 23, 10, 30)
    assert breach.late_by == timedelta(minutes=30)
    assert SlaBreach.objects.count() == 1


@pytest.mark.django_db
def test_time_waiting_for_the_customer_past_the_deadline_is_not_a_breach(ticket, desk):
    agent, _technician = desk
    with at(wib(2026, 11, 23, 9, 10)):
        ticket_comment(ticket=ticket, by=agent, body="Mohon kirim foto unit.", public=True)
        ticket = ticket_start(ticket=ticket, by=agent)
        ticket = ticket_pend(ticket=ticket, by=agent, reason="customer")
    # Past the original deadline (Wednesday 15:00) while waiting: nothing is due.
    done = run(wib(2026, 11, 26, 9, 0))
    assert done.counts()["resolution_breaches"] == 0
    assert done.counts()["escalated_to_second_line"] == 0
    with at(wib(2026, 11, 26, 9, 0)):  # the customer answers on Thursday
        ticket = ticket_resume(ticket=ticket, by=agent)
    # 26 h 50 min of working time were spent waiting (Monday 09:10 to Thursday 09:00):
    # Wednesday 15:00 moves to Monday 30 November 10:50.
    assert ticket.resolve_due_at == wib(2026, 11, 30, 10, 50)
    assert run(wib(2026, 11, 26, 16, 0)).counts()["resolution_breaches"] == 0


@pytest.mark.django_db
def test_at_half_its_target_a_ticket_goes_to_its_second_line_and_is_chased(ticket, desk, told):
    _agent, technician = desk
    technicians = SupportGroup.objects.get(code="technicians")
    assert ticket.escalate_at == wib(2026, 11, 24, 12, 0)
    assert told(wib(2026, 11, 24, 12, 0)).counts()["escalated_to_second_line"] == 1
    ticket.refresh_from_db()
    assert ticket.support_group == technicians and ticket.support_level == "l2"
    assert ticket.entries.filter(action="escalate", via="system").exists()
    escalation = Escalation.objects.get(ticket=ticket)
    assert (escalation.kind, escalation.reason, escalation.by) == ("functional", "sla", None)
    assert escalation.from_level == "l1" and escalation.to_level == "l2"
    assert escalation.next_reminder_at == wib(2026, 11, 24, 13, 0)
    # The response clock ran out on Monday too; the technician reads both, in Indonesian.
    subjects = sorted(m.subject for m in mail.outbox if m.to == [technician.email])
    assert subjects == [
        f"[{ticket.number}] Dieskalasi ke Teknisi: {ticket.title}",
        f"[{ticket.number}] Respons pertama terlambat",
    ]
    mail.outbox.clear()

    assert run(wib(2026, 11, 24, 12, 59)).counts()["reminders"] == 0
    assert told(wib(2026, 11, 24, 13, 0)).counts()["reminders"] == 1
    (reminder,) = mail.outbox
    assert reminder.to == [technician.email] and "Pengingat 1" in reminder.subject
    second = run(wib(2026, 11, 24, 14, 0))
    # Two reminders unanswered: the head of infrastructure is brought in.
    assert second.counts()["reminders"] == 1 and second.counts()["raised_to_management"] == 1
    management = Escalation.objects.get(ticket=ticket, kind="management")
    assert management.reason == "unacknowledged"
    ticket.refresh_from_db()
    assert ticket.support_group == technicians  # still theirs to work

    escalation_acknowledge(escalation=Escalation.objects.get(pk=escalation.pk), by=technician)
    assert run(wib(2026, 11, 24, 16, 0)).counts()["reminders"] == 1  # only the head's
    escalation.refresh_from_db()
    assert escalation.reminders_sent == 2 and escalation.acknowledged_by == technician


@pytest.mark.django_db
def test_no_reminder_at_night_at_weekends_or_on_holidays(desk):
    agent, _technician = desk
    technicians = SupportGroup.objects.get(code="technicians")
    with at(wib(2026, 12, 23, 16, 30)):  # Wednesday before Christmas
        ticket = TicketFactory(impact="medium", urgency="medium")
        ticket_escalate(ticket=ticket, by=agent, group=technicians, reason="Perlu teknisi")
    escalation = Escalation.objects.get(ticket=ticket)
    # 30 minutes on Wednesday; Thursday 24 December is joint leave, Friday Christmas
    # Day: the next half hour is on Saturday morning.
    assert escalation.next_reminder_at == wib(2026, 12, 26, 8, 30)
    assert escalation.reason == "manual" and escalation.by == agent
    assert run(wib(2026, 12, 25, 10, 0)).counts()["reminders"] == 0


@pytest.mark.django_db
def test_a_member_starting_work_acknowledges_and_resolution_ends_the_chase(ticket, desk):
    agent, technician = desk
    with at(wib(2026, 11, 23, 9, 30)):
        ticket = to_technicians(ticket, agent)
    with at(wib(2026, 11, 23, 9, 50)):
        ticket_start(ticket=ticket, by=technician)
    escalation = Escalation.objects.get(ticket=ticket)
    assert escalation.acknowledged_by == technician
    assert escalation.acknowledged_at == wib(2026, 11, 23, 9, 50)
    assert escalation.next_reminder_at is None
    assert run(wib(2026, 11, 23, 12, 0)).counts()["reminders"] == 0


@pytest.mark.django_db
def test_a_second_line_breach_brings_in_the_head_of_infrastructure(ticket, desk):
    agent, _technician = desk
    with at(wib(2026, 11, 23, 9, 30)):
        to_technicians(ticket, agent)
    done = run(wib(2026, 11, 25, 15, 1))
    assert done.counts()["resolution_breaches"] == 1
    raised = Escalation.objects.get(ticket=ticket, kind="management")
    assert raised.reason == "breach" and raised.to_group.code == "head_of_infrastructure"
    assert ticket.entries.filter(kind="escalation", changes__reason=[None, "breach"]).exists()


@pytest.mark.django_db
def test_a_priority_one_incident_involves_management_at_logging(desk):
    with at(LOGGED):
        ticket = TicketFactory(impact="high", urgency="high")
    raised = Escalation.objects.get(ticket=ticket)
    assert (raised.kind, raised.reason) == ("management", "critical")
    assert ticket.support_group.code == "customer_support"  # first line still works it


@pytest.mark.django_db
def test_two_sweeps_at_the_same_moment_act_once(ticket):
    first = run(wib(2026, 11, 25, 15, 1))
    again = run(wib(2026, 11, 25, 15, 1))
    assert first.counts()["resolution_breaches"] == 1
    assert not any(again.counts().values())
    assert ticket.entries.filter(kind="sla", action="breach").count() == 2  # response, resolution


@pytest.mark.django_db
def test_the_api_shows_a_running_breach_and_escalations_and_takes_acknowledgement(ticket, desk):
    agent, technician = desk
    with at(wib(2026, 11, 23, 9, 30)):
        to_technicians(ticket, agent)
    run(wib(2026, 11, 23, 10, 5))
    url = f"/api/v1/tickets/{ticket.number}"
    detail = api_client(technician).get(url).json()
    assert detail["breaches"] == [
        {
            "clock": "response",
            "due_at": "2026-11-23T03:00:00Z",
            "stopped_at": None,
            "late_by_minutes": None,
        }
    ]
    (escalation,) = detail["escalations"]
    assert escalation["to_group"] == "technicians" and escalation["reminders_sent"] == 0
    assert escalation["by"] == agent.username and escalation["acknowledged_at"] is None
    ack = f"{url}/escalations/{escalation['id']}/acknowledge"
    assert api_client(agent).post(ack).status_code == 422  # not in the group
    answer = api_client(technician).post(ack)
    assert answer.status_code == 200, answer.content
    assert answer.json()["escalations"][0]["acknowledged_by"] == technician.username
    assert api_client(technician).post(f"{url}/escalations/999/acknowledge").status_code == 404


@pytest.mark.django_db
def test_a_breach_stays_and_is_completed_even_if_the_deadline_later_moves_away(ticket, desk):
    agent, _technician = desk
    with at(wib(2026, 11, 23, 9, 5)):
        ticket_comment(ticket=ticket, by=agent, body="Kami cek.", public=True)
        ticket = ticket_start(ticket=ticket, by=agent)
    assert run(wib(2026, 11, 25, 15, 1)).counts()["resolution_breaches"] == 1
    with at(wib(2026, 11, 25, 15, 30)):  # lowered to planning: 240 working hours
        ticket = ticket_reprioritise(
            ticket=ticket, by=agent, impact="low", urgency="low", reason="Kendaraan tidak dipakai"
        )
    assert ticket.resolve_due_at > wib(2026, 12, 1, 0, 0)
    with at(wib(2026, 11, 25, 16, 0)):
        ticket_cancel(ticket=ticket, by=agent, reason="Pelanggan berhenti berlangganan")
    ticket.refresh_from_db()
    assert ticket.resolve_breached
    breach = SlaBreach.objects.get(ticket=ticket, clock="resolution")
    assert breach.due_at == wib(2026, 11, 25, 15, 0) and breach.stopped_at == wib(2026, 11, 25, 16)
    assert breach.late_by == timedelta(hours=1)


@pytest.mark.django_db
def test_a_ticket_handed_back_leaves_the_group_and_its_reminders_stop(ticket, desk):
    agent, _technician = desk
    technicians = SupportGroup.objects.get(code="technicians")
    with at(wib(2026, 11, 23, 9, 30)):
        ticket = ticket_escalate(ticket=ticket, by=agent, group=technicians, reason="Cek unit")
    with at(wib(2026, 11, 23, 10, 0)):
        ticket_assign(
            ticket=ticket, by=agent, group=SupportGroup.objects.get(code="customer_support")
        )
    escalation = Escalation.objects.get(ticket=ticket)
    assert escalation.ended_at == wib(2026, 11, 23, 10, 0) and escalation.next_reminder_at is None
    assert run(wib(2026, 11, 23, 12, 0)).counts()["reminders"] == 0
