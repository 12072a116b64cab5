"""From the ticket page an agent replies to the customer, through the channel they
wrote in, or adds an internal note; nothing is written when the text is missing."""

from __future__ import annotations

import pytest
from django.test import Client

from sigap.tickets.models import Entry
from tests.channels.recording import sent
from tests.desk.helpers import signed_in
from tests.factories import ContactFactory, TicketFactory, UserFactory

pytestmark = pytest.mark.usefixtures("recorded")


@pytest.fixture
def ticket(db):
    return TicketFactory(channel="email", contact=ContactFactory(email="budi@armada.test"))


def post(client, ticket, **data):
    return client.post(f"/desk/tickets/{ticket.number}/comment/", data)


@pytest.mark.django_db
def test_a_reply_goes_to_the_customer_by_email_and_is_the_first_response(
    ticket, django_capture_on_commit_callbacks
):
    agent = UserFactory(role="agent")
    client = signed_in(agent)
    with django_capture_on_commit_callbacks(execute=True):
        answer = post(client, ticket, body="Unit sudah kami reset.", kind="reply")
    assert answer.status_code == 302 and answer["Location"] == f"/desk/tickets/{ticket.number}/"
    (message,) = sent
    assert message.recipient == "budi@armada.test" and message.body == "Unit sudah kami reset."
    ticket.refresh_from_db()
    assert ticket.first_response_at is not None
    page = client.get(answer["Location"]).content.decode()
    assert "Reply sent to the customer." in page and "Unit sudah kami reset." in page


@pytest.mark.django_db
def test_an_internal_note_stays_inside(ticket):
    client = signed_in(UserFactory(role="agent"))
    post(client, ticket, body="Cek dengan teknisi dulu.", kind="note")
    note = Entry.objects.get(ticket=ticket, kind="note")
    assert not note.public and note.via == "desk"
    assert sent == []


@pytest.mark.django_db
def test_an_empty_reply_is_refused_with_a_message_and_writes_nothing(ticket):
    client = signed_in(UserFactory(role="agent"))
    before = Entry.objects.count()
    answer = post(client, ticket, body="", kind="reply")
    assert answer.status_code == 400
    assert "Write the reply or the note first." in answer.content.decode()
    assert Entry.objects.count() == before and sent == []


@pytest.mark.django_db
def test_a_vendor_cannot_post_here_and_a_form_without_its_token_is_refused(ticket):
    vendor = signed_in(UserFactory(role="vendor"))
    assert post(vendor, ticket, body="Halo", kind="note").status_code == 404
    agent = UserFactory(role="agent")
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(agent)
    assert post(strict, ticket, body="Halo", kind="note").status_code == 403
    assert not Entry.objects.filter(ticket=ticket, kind="note").exists()


@pytest.mark.django_db
def test_where_the_customer_has_several_channels_the_agent_chooses_whatsapp(
    ticket, django_capture_on_commit_callbacks
):
    client = signed_in(UserFactory(role="agent"))
    page = client.get(f"/desk/tickets/{ticket.number}/").content.decode()
    # E-mail, the way the customer wrote, comes first and is chosen; WhatsApp is offered.
    assert "Send the reply by" in page
    email_choice = page.index("E-mail: budi@armada.test")
    assert email_choice < page.index("WhatsApp: ") and 'value="email"' in page
    with django_capture_on_commit_callbacks(execute=True):
        answer = post(client, ticket, body="Unit sudah normal.", kind="reply", channel="whatsapp")
    assert answer.status_code == 302
    (message,) = sent
    assert message.channel == "whatsapp" and message.body == "Unit sudah normal."
    assert message.recipient == ticket.contact.phone.lstrip("+")


@pytest.mark.django_db
def test_a_channel_the_customer_cannot_be_reached_by_is_refused(ticket):
    ticket.contact.phone = ""
    ticket.contact.save(update_fields=["phone"])
    client = signed_in(UserFactory(role="agent"))
    assert "Send the reply by" not in client.get(f"/desk/tickets/{ticket.number}/").content.decode()
    answer = post(client, ticket, body="Halo", kind="reply", channel="whatsapp")
    assert answer.status_code == 400
    assert sent == [] and not Entry.objects.filter(ticket=ticket, kind="comment").exists()
