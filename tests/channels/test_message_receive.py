"""What any channel's message does to the desk, whatever channel brought it."""

from __future__ import annotations

import pytest

from sigap.channels.models import Message
from sigap.channels.services import Inbound, message_receive
from sigap.tickets.attachments import AttachmentIn
from sigap.tickets.choices import Status
from sigap.tickets.services import (
    ticket_close,
    ticket_pend,
    ticket_resolve,
    ticket_start,
)
from tests.factories import ContactFactory, TicketFactory, UserFactory


def inbound(contact, external_id="<1@armada.test>", **fields) -> Inbound:
    values = {
        "channel": "email",
        "mailbox": "support@sigap.localhost",
        "external_id": external_id,
        "contact": contact,
        "subject": "Unit B 1234 XYZ tidak update",
        "body": "Sejak pagi posisi tidak berubah.",
        "sender": contact.email,
    }
    return Inbound(**{**values, **fields})


@pytest.fixture
def agent_user(db):
    return UserFactory(role="agent")


@pytest.mark.django_db
def test_a_first_message_opens_a_ticket_for_its_sender():
    contact = ContactFactory()
    received = message_receive(inbound(contact), ticket=None)
    ticket = received.ticket
    assert not received.duplicate
    assert ticket.number == "INC-000001"
    assert ticket.title == "Unit B 1234 XYZ tidak update"
    assert ticket.contact == contact and ticket.organisation == contact.organisation
    assert ticket.channel == "email"
    assert received.message.entry.body == "Sejak pagi posisi tidak berubah."


@pytest.mark.django_db
def test_the_same_message_delivered_twice_is_stored_once():
    contact = ContactFactory()
    first = message_receive(inbound(contact), ticket=None)
    again = message_receive(inbound(contact), ticket=None)
    assert again.duplicate and again.message == first.message
    assert Message.objects.count() == 1
    assert first.ticket.entries.count() == 1


@pytest.mark.django_db
def test_the_same_id_at_another_mailbox_is_another_message():
    contact = ContactFactory()
    message_receive(inbound(contact), ticket=None)
    other = message_receive(inbound(contact, mailbox="sales@sigap.localhost"), ticket=None)
    assert not other.duplicate
    assert Message.objects.count() == 2


@pytest.mark.django_db
def test_a_reply_lands_on_the_ticket_it_threads_onto():
    contact = ContactFactory()
    ticket = TicketFactory(contact=contact)
    received = message_receive(inbound(contact, body="Masih belum update."), ticket=ticket)
    assert received.ticket == ticket
    assert [e.body for e in ticket.entries.filter(kind="comment")] == ["Masih belum update."]


@pytest.mark.django_db
def test_a_reply_to_a_resolved_ticket_reopens_it(agent_user):
    contact = ContactFactory()
    ticket = TicketFactory(contact=contact)
    ticket = _resolve(ticket_start(ticket=ticket, by=agent_user), agent_user)
    received = message_receive(inbound(contact, body="Masih mati."), ticket=ticket)
    ticket.refresh_from_db()
    assert received.ticket == ticket
    assert ticket.status == Status.IN_PROGRESS
    assert ticket.resolved_at is None


@pytest.mark.django_db
def test_a_reply_to_a_closed_ticket_opens_a_follow_up(agent_user):
    contact = ContactFactory()
    ticket = _resolve(
        ticket_start(ticket=TicketFactory(contact=contact), by=agent_user), agent_user
    )
    ticket = ticket_close(ticket=ticket, by=agent_user)
    received = message_receive(inbound(contact, body="Mati lagi."), ticket=ticket)
    ticket.refresh_from_db()
    assert ticket.status == Status.CLOSED
    follow_up = received.ticket
    assert follow_up != ticket and follow_up.follow_up_of == ticket
    assert follow_up.category == ticket.category and follow_up.status == Status.NEW


@pytest.mark.django_db
def test_a_reply_while_waiting_for_the_customer_resumes_the_ticket(agent_user):
    contact = ContactFactory()
    ticket = ticket_start(ticket=TicketFactory(contact=contact), by=agent_user)
    ticket = ticket_pend(ticket=ticket, by=agent_user, reason="customer", note="Nopol baru?")
    message_receive(inbound(contact, body="B 9999 ZZ"), ticket=ticket)
    ticket.refresh_from_db()
    assert ticket.status == Status.IN_PROGRESS and ticket.pending_reason == ""


@pytest.mark.django_db
def test_attachments_are_stored_and_an_oversized_one_is_recorded_as_refused(settings):
    settings.SIGAP_ATTACHMENT_MAX_BYTES = 10
    contact = ContactFactory()
    files = [
        AttachmentIn("../../stnk baru.pdf", "application/pdf", b"%PDF-1"),
        AttachmentIn("foto.jpg", "image/jpeg", b"x" * 11),
    ]
    received = message_receive(inbound(contact, attachments=files), ticket=None)
    small, big = received.ticket.attachments.order_by("id")
    assert small.filename == "stnk baru.pdf" and small.file.read() == b"%PDF-1"
    assert small.entry == received.message.entry
    assert big.filename == "foto.jpg" and big.refused and not big.file


def _resolve(ticket, by):
    from sigap.tickets.models import Cause

    cause = Cause.objects.filter(categories=ticket.category).first()
    return ticket_resolve(
        ticket=ticket,
        by=by,
        resolution_code="resolved_remotely",
        summary="Unit restarted",
        cause=cause,
    )
