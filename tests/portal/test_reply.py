"""A customer's reply on a ticket: a public entry, stored once, that moves the ticket on."""

from __future__ import annotations

import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from sigap.accounts.choices import Role
from sigap.channels.models import Message
from sigap.tickets.models import Cause, Ticket
from sigap.tickets.services import ticket_close, ticket_pend, ticket_resolve, ticket_start
from tests.factories import TicketFactory, UserFactory


@pytest.fixture
def agent_user(db):
    return UserFactory(role=Role.AGENT)


@pytest.fixture
def ticket(customer):
    return TicketFactory(contact=customer.contact)


def reply(client, ticket, body="Sudah saya restart, masih mati.", submission=None, **fields):
    return client.post(
        f"/portal/tickets/{ticket.number}/reply/",
        {"submission": submission or str(uuid.uuid4()), "body": body, **fields},
    )


def resolved(ticket, agent):
    ticket = ticket_start(ticket=ticket, by=agent)
    cause = Cause.objects.filter(categories=ticket.category).first()
    return ticket_resolve(
        ticket=ticket, by=agent, resolution_code="resolved_remotely", summary="Restart", cause=cause
    )


@pytest.mark.django_db
def test_a_reply_is_a_public_entry_by_the_customer_through_the_portal(portal, customer, ticket):
    submission = str(uuid.uuid4())
    answer = reply(portal, ticket, submission=submission)
    assert answer.status_code == 302
    assert answer["Location"] == f"/portal/tickets/{ticket.number}/"
    entry = ticket.entries.get(kind="comment")
    assert entry.public and entry.via == "portal" and entry.actor == customer
    assert entry.body == "Sudah saya restart, masih mati."
    message = Message.objects.get()
    assert (message.channel, message.mailbox, message.external_id) == (
        "portal",
        "portal",
        submission,
    )
    assert message.direction == "in" and message.contact == customer.contact

    page = portal.get(answer["Location"]).content.decode()
    assert "Your reply was added." in page
    assert "Sudah saya restart, masih mati." in page
    assert "Budi Santoso" in page


@pytest.mark.django_db
def test_a_reply_submitted_twice_is_stored_once(portal, ticket):
    submission = str(uuid.uuid4())
    reply(portal, ticket, submission=submission)
    again = reply(portal, ticket, submission=submission)
    assert again.status_code == 302
    assert ticket.entries.filter(kind="comment").count() == 1
    assert Message.objects.count() == 1


@pytest.mark.django_db
def test_an_empty_reply_or_an_oversized_file_is_shown_on_the_form(portal, ticket, settings):
    empty = reply(portal, ticket, body="   ")
    assert empty.status_code == 200
    assert "Write your reply first." in empty.content.decode()

    settings.SIGAP_ATTACHMENT_MAX_BYTES = 10
    photo = SimpleUploadedFile("foto.jpg", b"x" * 20, content_type="image/jpeg")
    big = reply(portal, ticket, documents=[photo])
    assert "foto.jpg is 20 bytes; files may be at most 10 bytes." in big.content.decode()
    assert ticket.entries.filter(kind="comment").count() == 0
    assert Message.objects.count() == 0


@pytest.mark.django_db
def test_a_form_without_its_submission_id_is_refused(portal, ticket):
    answer = portal.post(f"/portal/tickets/{ticket.number}/reply/", {"body": "halo"})
    assert answer.status_code == 200
    assert "This form is out of date" in answer.content.decode()
    assert Message.objects.count() == 0


@pytest.mark.django_db
def test_a_reply_with_a_photo_carries_it(portal, ticket):
    photo = SimpleUploadedFile("unit.jpg", b"jpeg bytes", content_type="image/jpeg")
    reply(portal, ticket, documents=[photo])
    entry = ticket.entries.get(kind="comment")
    assert [a.filename for a in entry.attachments.all()] == ["unit.jpg"]


@pytest.mark.django_db
def test_a_reply_while_the_desk_waits_for_the_customer_resumes_the_ticket(
    portal, ticket, agent_user
):
    ticket_pend(ticket=ticket_start(ticket=ticket, by=agent_user), by=agent_user, reason="customer")
    reply(portal, ticket, body="Nopol B 1234 XYZ")
    ticket.refresh_from_db()
    assert ticket.status == "in_progress"


@pytest.mark.django_db
def test_a_reply_to_a_resolved_ticket_reopens_it(portal, ticket, agent_user):
    resolved(ticket, agent_user)
    reply(portal, ticket, body="Mati lagi")
    ticket.refresh_from_db()
    assert ticket.status == "in_progress"


@pytest.mark.django_db
def test_a_reply_to_a_closed_ticket_opens_a_follow_up(portal, ticket, agent_user):
    ticket_close(ticket=resolved(ticket, agent_user), by=agent_user)
    page = portal.get(f"/portal/tickets/{ticket.number}/").content.decode()
    assert "A reply opens a new ticket that continues it." in page

    answer = reply(portal, ticket, body="Mati lagi minggu ini")
    follow_up = Ticket.objects.get(follow_up_of=ticket)
    assert answer["Location"] == f"/portal/tickets/{follow_up.number}/"
    page = portal.get(answer["Location"]).content.decode()
    assert f"{ticket.number} was already closed" in page
    assert follow_up.number in page
