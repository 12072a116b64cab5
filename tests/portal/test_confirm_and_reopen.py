"""A resolved ticket waits for the customer: they confirm the resolution or reopen it."""

from __future__ import annotations

import pytest

from sigap.accounts.choices import Role
from sigap.tickets.models import Cause
from sigap.tickets.services import ticket_resolve, ticket_start
from tests.factories import TicketFactory, UserFactory


@pytest.fixture
def agent_user(db):
    return UserFactory(role=Role.AGENT)


@pytest.fixture
def ticket(customer, agent_user):
    ticket = ticket_start(ticket=TicketFactory(contact=customer.contact), by=agent_user)
    cause = Cause.objects.filter(categories=ticket.category).first()
    return ticket_resolve(
        ticket=ticket,
        by=agent_user,
        resolution_code="resolved_remotely",
        summary="Unit di-restart dari jarak jauh.",
        cause=cause,
    )


CONFIRM = "Yes, confirm the resolution"
REOPEN = "No, reopen the ticket"


@pytest.mark.django_db
def test_a_resolved_ticket_offers_both_choices_and_an_open_one_neither(portal, customer, ticket):
    page = portal.get(f"/portal/tickets/{ticket.number}/").content.decode()
    assert CONFIRM in page and REOPEN in page
    assert "Unit di-restart dari jarak jauh." in page

    open_ticket = TicketFactory(contact=customer.contact)
    page = portal.get(f"/portal/tickets/{open_ticket.number}/").content.decode()
    assert CONFIRM not in page and REOPEN not in page


@pytest.mark.django_db
def test_confirming_the_resolution_closes_the_ticket(portal, customer, ticket):
    answer = portal.post(f"/portal/tickets/{ticket.number}/confirm/", {"version": ticket.version})
    assert answer.status_code == 302
    ticket.refresh_from_db()
    assert ticket.status == "closed" and ticket.closed_at is not None
    closing = ticket.entries.get(action="close")
    assert closing.actor == customer and closing.via == "portal"
    page = portal.get(answer["Location"]).content.decode()
    assert "Thank you for confirming. The ticket is closed." in page
    assert CONFIRM not in page


@pytest.mark.django_db
def test_reopening_needs_a_reason_next_to_the_field(portal, ticket):
    answer = portal.post(
        f"/portal/tickets/{ticket.number}/reopen/", {"version": ticket.version, "reason": " "}
    )
    assert answer.status_code == 200
    assert "Tell us why you reopen the ticket." in answer.content.decode()
    ticket.refresh_from_db()
    assert ticket.status == "resolved"


@pytest.mark.django_db
def test_reopening_with_a_reason_sends_the_ticket_back_to_work(portal, customer, ticket):
    answer = portal.post(
        f"/portal/tickets/{ticket.number}/reopen/",
        {"version": ticket.version, "reason": "Masih tidak update."},
    )
    assert answer.status_code == 302
    ticket.refresh_from_db()
    assert ticket.status == "in_progress" and ticket.resolved_at is None
    reopening = ticket.entries.get(action="reopen")
    assert reopening.body == "Masih tidak update." and reopening.actor == customer
    assert reopening.via == "portal"


@pytest.mark.django_db
def test_acting_on_a_ticket_changed_in_the_meantime_is_refused(portal, customer, ticket):
    stale = ticket.version
    portal.post(f"/portal/tickets/{ticket.number}/confirm/", {"version": stale})
    again = portal.post(
        f"/portal/tickets/{ticket.number}/reopen/", {"version": stale, "reason": "eh"}
    )
    assert again.status_code == 409
    assert "was changed by someone else in the meantime" in again.content.decode()
    ticket.refresh_from_db()
    assert ticket.status == "closed"


@pytest.mark.django_db
def test_confirming_a_ticket_that_is_not_resolved_is_refused(portal, customer):
    open_ticket = TicketFactory(contact=customer.contact)
    answer = portal.post(
        f"/portal/tickets/{open_ticket.number}/confirm/", {"version": open_ticket.version}
    )
    assert answer.status_code == 409
    assert "is not possible now" in answer.content.decode()
    open_ticket.refresh_from_db()
    assert open_ticket.status == "new"
