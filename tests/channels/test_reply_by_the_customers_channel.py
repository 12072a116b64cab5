"""A reply from the desk goes back the way the customer wrote."""

from __future__ import annotations

import pytest

from sigap.channels.models import Message
from tests.channels.recording import sent
from tests.factories import ContactFactory, MessageFactory, TicketFactory

# What the desk sent, kept by the recording transport instead of going out.
pytestmark = pytest.mark.usefixtures("recorded")


@pytest.fixture
def reply(api, django_capture_on_commit_callbacks):
    def post(ticket, body="Unit sudah update kembali."):
        with django_capture_on_commit_callbacks(execute=True):
            return api.post(
                f"/api/v1/tickets/{ticket.number}/comments",
                {"body": body, "public": True},
                content_type="application/json",
            )

    return post


@pytest.mark.django_db
def test_an_email_customer_gets_the_reply_by_email(reply):
    ticket = TicketFactory(channel="email", contact=ContactFactory(email="budi@armada.test"))
    assert reply(ticket).status_code == 201
    (message,) = sent
    assert message.channel == "email" and message.recipient == "budi@armada.test"
    assert message.subject == f"[{ticket.number}] {ticket.title}"
    assert message.body == "Unit sudah update kembali."


@pytest.mark.django_db
def test_the_reply_follows_the_channel_of_the_customers_last_message(reply):
    contact = ContactFactory(whatsapp_id="6281234567890")
    ticket = TicketFactory(channel="email", contact=contact)
    MessageFactory(
        ticket=ticket, channel="whatsapp", external_id="wamid.1", created_at=ticket.reported_at
    )
    reply(ticket)
    (message,) = sent
    assert message.channel == "whatsapp" and message.recipient == "6281234567890"


@pytest.mark.django_db
def test_a_portal_customer_reads_the_reply_on_the_ticket(reply):
    ticket = TicketFactory(channel="portal")
    answer = reply(ticket)
    assert answer.status_code == 201 and answer.json()["public"] is True
    assert sent == [] and not Message.objects.exists()


@pytest.mark.django_db
def test_a_call_in_between_does_not_stop_the_reply_going_by_email(api, reply):
    ticket = TicketFactory(channel="email", contact=ContactFactory(email="budi@armada.test"))
    MessageFactory(ticket=ticket, external_id="<1@armada.test>", created_at=ticket.reported_at)
    api.post(
        "/api/v1/calls",
        {"phone": ticket.contact.phone, "ticket": ticket.number, "summary": "Sudah dicek."},
        content_type="application/json",
    )
    reply(ticket)
    (message,) = sent
    assert message.channel == "email" and message.recipient == "budi@armada.test"
