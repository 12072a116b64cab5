from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from sigap.accounts.choices import Role
from sigap.core.errors import Conflict, InvalidTransition, ValidationFailed
from sigap.routing.models import SupportGroup
from sigap.tickets import services
from sigap.tickets.choices import Status
from sigap.tickets.models import Category, Cause
from tests.factories import TicketFactory, UserFactory

T0 = dt.datetime(2022, 3, 14, 2, 0, tzinfo=dt.UTC)  # Monday 09:00 WIB


@pytest.fixture
def ticket(db):
    with time_machine.travel(T0, tick=False):
        return TicketFactory()


def cause(code: str = "old_device") -> Cause:
    return Cause.objects.get(code=code)


@pytest.mark.django_db
def test_a_ticket_is_logged_new_with_first_line_and_a_priority(ticket):
    assert ticket.status == Status.NEW
    assert ticket.support_group.code == "customer_support"
    assert ticket.support_level == "l1"
    # Proposed: one vehicle of a standard customer (low impact), a unit not updating
    # on a vehicle not said to be moving (medium urgency).
    assert (ticket.impact, ticket.urgency, ticket.priority) == ("low", "medium", 4)
    assert ticket.reported_at == T0


@pytest.mark.django_db
def test_working_a_ticket_through_its_life_stamps_each_step(ticket, agent):
    technician = UserFactory(role=Role.SPECIALIST)
    technicians = SupportGroup.objects.get(code="technicians")
    technicians.members.add(technician)
    with time_machine.travel(T0, tick=False) as clock:
        clock.shift(dt.timedelta(minutes=5))
        services.ticket_start(ticket=ticket, by=agent)
        clock.shift(dt.timedelta(minutes=5))
        services.ticket_comment(ticket=ticket, by=agent, body="Kami cek ya", public=True)
        clock.shift(dt.timedelta(minutes=20))
        services.ticket_escalate(ticket=ticket, by=agent, group=technicians, reason="needs a visit")
        clock.shift(dt.timedelta(minutes=10))
        services.ticket_assign(ticket=ticket, by=agent, assignee=technician)
        services.ticket_start(ticket=ticket, by=technician)
        services.ticket_pend(ticket=ticket, by=technician, reason="customer", note="waiting")
        services.ticket_resume(ticket=ticket, by=technician)
        clock.move_to(T0 + dt.timedelta(hours=5))
        services.ticket_resolve(
            ticket=ticket,
            by=technician,
            resolution_code="technician_visit",
            summary="Power cable reconnected",
            cause=cause("driver_disconnected"),
        )
        clock.move_to(T0 + dt.timedelta(hours=6))
        services.ticket_close(ticket=ticket, by=agent)

    ticket.refresh_from_db()
    assert ticket.status == Status.CLOSED
    assert ticket.first_response_at == T0 + dt.timedelta(minutes=10)
    assert ticket.escalated_at == T0 + dt.timedelta(minutes=30)
    assert ticket.resolved_at == T0 + dt.timedelta(hours=5)
    assert ticket.closed_at == T0 + dt.timedelta(hours=6)
    assert ticket.support_group == technicians and ticket.support_level == "l2"
    assert ticket.assignee == technician
    assert ticket.cause.code == "driver_disconnected"
    actions = [e.action for e in ticket.entries.filter(kind="transition")]
    assert actions == ["start", "escalate", "assign", "start", "pend", "resume", "resolve", "close"]


@pytest.mark.django_db
def test_an_action_the_map_forbids_names_the_status_and_what_is_allowed(ticket, agent):
    with pytest.raises(InvalidTransition) as refused:
        services.ticket_close(ticket=ticket, by=agent)
    message = refused.value.message
    assert ticket.number in message
    assert "new" in message
    for allowed in ("assign", "start", "escalate", "resolve", "cancel"):
        assert allowed in message
    ticket.refresh_from_db()
    assert ticket.status == Status.NEW
    assert ticket.entries.count() == 1  # only "created": a refused action writes nothing


@pytest.mark.django_db
def test_closed_and_cancelled_tickets_are_final(ticket, agent):
    services.ticket_cancel(ticket=ticket, by=agent, reason="sent twice")
    for act in (
        lambda: services.ticket_start(ticket=ticket, by=agent),
        lambda: services.ticket_reopen(ticket=ticket, by=agent, reason="x"),
        lambda: services.ticket_comment(ticket=ticket, by=agent, body="hello", public=True),
    ):
        with pytest.raises(InvalidTransition):
            act()


@pytest.mark.django_db
def test_an_incident_is_resolved_only_with_code_summary_and_cause(ticket, agent):
    with pytest.raises(ValidationFailed) as refused:
        services.ticket_resolve(ticket=ticket, by=agent, resolution_code="", summary=" ")
    assert set(refused.value.fields) == {"resolution_code", "summary", "cause"}
    ticket.refresh_from_db()
    assert ticket.status == Status.NEW


@pytest.mark.django_db
def test_a_request_is_resolved_without_a_cause(agent):
    request = TicketFactory(
        kind="request", category=Category.objects.get(code="account.credentials")
    )
    services.ticket_resolve(
        ticket=request, by=agent, resolution_code="request_fulfilled", summary="Password reset"
    )
    request.refresh_from_db()
    assert request.status == Status.RESOLVED and request.cause is None


@pytest.mark.django_db
def test_a_cause_from_another_category_is_refused(ticket, agent):
    with pytest.raises(ValidationFailed) as refused:
        services.ticket_resolve(
            ticket=ticket,
            by=agent,
            resolution_code="data_updated",
            summary="x",
            cause=cause("plate_changed"),
        )
    assert "cause" in refused.value.fields


@pytest.mark.django_db
def test_reopening_clears_the_resolution_and_keeps_it_on_the_timeline(ticket, agent):
    services.ticket_resolve(
        ticket=ticket,
        by=agent,
        resolution_code="resolved_remotely",
        summary="Reset remotely",
        cause=cause(),
    )
    services.ticket_reopen(ticket=ticket, by=agent, reason="Still not updating")
    ticket.refresh_from_db()
    assert ticket.status == Status.IN_PROGRESS
    assert ticket.resolved_at is None and ticket.resolution_summary == ""
    reopen = ticket.entries.get(action="reopen")
    assert reopen.changes["resolution_summary"] == ["Reset remotely", ""]
    assert reopen.body == "Still not updating"


@pytest.mark.django_db
def test_pending_needs_a_reason_from_the_list(ticket, agent):
    services.ticket_start(ticket=ticket, by=agent)
    with pytest.raises(ValidationFailed):
        services.ticket_pend(ticket=ticket, by=agent, reason="lunch")
    services.ticket_pend(ticket=ticket, by=agent, reason="vendor")
    ticket.refresh_from_db()
    assert ticket.status == Status.PENDING and ticket.pending_reason == "vendor"


@pytest.mark.django_db
def test_first_response_is_the_first_public_reply_by_staff(ticket, agent):
    customer = UserFactory(role=Role.CUSTOMER, organisation=ticket.organisation)
    services.ticket_comment(ticket=ticket, by=agent, body="internal: check the SIM", public=False)
    services.ticket_comment(ticket=ticket, by=customer, body="any news?", public=True)
    ticket.refresh_from_db()
    assert ticket.first_response_at is None
    with time_machine.travel(T0 + dt.timedelta(minutes=12), tick=False):
        services.ticket_comment(ticket=ticket, by=agent, body="Sedang kami cek", public=True)
    with time_machine.travel(T0 + dt.timedelta(minutes=40), tick=False):
        services.ticket_comment(ticket=ticket, by=agent, body="Sudah normal", public=True)
    ticket.refresh_from_db()
    assert ticket.first_response_at == T0 + dt.timedelta(minutes=12)


@pytest.mark.django_db
def test_a_stale_version_is_refused_so_concurrent_edits_do_not_overwrite(ticket, agent):
    other = UserFactory(role=Role.AGENT)
    seen = ticket.version
    services.ticket_start(ticket=ticket, by=other, expected_version=seen)
    with pytest.raises(Conflict) as refused:
        services.ticket_cancel(ticket=ticket, by=agent, reason="dup", expected_version=seen)
    assert "changed by someone else" in str(refused.value)
    ticket.refresh_from_db()
    assert ticket.status == Status.IN_PROGRESS


@pytest.mark.django_db
def test_customers_cannot_be_assigned(ticket, agent):
    customer = UserFactory(role=Role.CUSTOMER)
    with pytest.raises(ValidationFailed):
        services.ticket_assign(ticket=ticket, by=agent, assignee=customer)
