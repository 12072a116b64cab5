"""Customers who opted in hear of their ticket's progress by the channel they wrote in,
in their language; the others are not disturbed."""

from __future__ import annotations

import pytest
from django.utils import translation

from sigap.tickets.models import Cause
from sigap.tickets.services import ticket_resolve, ticket_start
from tests.channels.recording import sent
from tests.factories import ContactFactory, TicketFactory

# What the desk sent, kept by the recording transport instead of going out.
pytestmark = pytest.mark.usefixtures("recorded")


def work_and_resolve(ticket, agent, capture):
    with capture(execute=True):
        ticket = ticket_start(ticket=ticket, by=agent)
    with capture(execute=True):
        ticket_resolve(
            ticket=ticket,
            by=agent,
            resolution_code="resolved_remotely",
            summary="Unit direset dari jarak jauh.",
            cause=Cause.objects.get(code="old_device"),
        )


@pytest.mark.django_db
def test_an_opted_in_customer_hears_of_work_and_resolution_in_their_language(
    agent, django_capture_on_commit_callbacks
):
    contact = ContactFactory(email="budi@armada.test", status_updates=True, language="id")
    ticket = TicketFactory(channel="email", contact=contact)
    work_and_resolve(ticket, agent, django_capture_on_commit_callbacks)
    working, resolved = sent
    assert working.recipient == "budi@armada.test" and working.automatic
    with translation.override("id"):
        from sigap.channels.status import status_text

        ticket.refresh_from_db()
        assert resolved.body == status_text(ticket, "resolved")
    assert "Unit direset dari jarak jauh." in resolved.body
    assert working.body.startswith(f"Kami sedang menangani tiket Anda {ticket.number}")
    # They are Sigap's messages, not the desk's first response.
    assert ticket.first_response_at is None


@pytest.mark.django_db
def test_a_customer_who_did_not_opt_in_gets_no_status_messages(
    agent, django_capture_on_commit_callbacks
):
    ticket = TicketFactory(channel="email", contact=ContactFactory(email="sari@armada.test"))
    work_and_resolve(ticket, agent, django_capture_on_commit_callbacks)
    assert sent == []
