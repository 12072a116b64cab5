"""A reply lands on the ticket it answers: by its headers, else by the subject tag,
and a tag never reaches into another organisation's tickets."""

from __future__ import annotations

import pytest

from sigap.channels.email.intake import take
from sigap.channels.models import Message
from sigap.tickets.models import Ticket
from tests.channels.email.samples import SUPPORT, corpus, mail, sent_by_sigap
from tests.factories import ContactFactory, MessageFactory, OrganisationFactory, TicketFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def budi():
    armada = OrganisationFactory(code="armada", name="PT Armada Nusantara")
    return ContactFactory(organisation=armada, email="budi.santoso@armada.co.id", name="Budi")


@pytest.fixture
def ticket(budi):
    """INC-000001, answered by Sigap twice (the thread corpus replies point at)."""
    ticket = TicketFactory(contact=budi, title="Unit B 1234 XYZ tidak update")
    assert ticket.number == "INC-000001"
    sent_by_sigap(ticket, "<ticket-INC-000001.1@sigap.localhost>")
    sent_by_sigap(ticket, "<ticket-INC-000001.2@sigap.localhost>")
    return ticket


def taken(raw: bytes):
    return take(raw, source="test", mailbox=SUPPORT)


def test_in_reply_to_alone_finds_the_ticket(ticket):
    received = taken(corpus("25_in_reply_to_only.eml"))
    assert received.ticket == ticket
    assert received.message.entry.body == "Baik, teknisi kami tunggu hari Kamis."


def test_references_alone_find_the_ticket_even_after_an_unknown_id(ticket):
    received = taken(corpus("26_references_only.eml"))
    assert received.ticket == ticket
    assert Ticket.objects.count() == 1


def test_a_reply_to_a_customers_earlier_mail_threads_too(budi):
    first = taken(mail(message_id="<first@armada.co.id>"))
    colleague = mail(
        sender="Agus <agus.salim@armada.co.id>",
        message_id="<second@armada.co.id>",
        subject="Re: Unit B 1234 XYZ tidak update",
        In_Reply_To="<first@armada.co.id>",
    )
    assert taken(colleague).ticket == first.ticket


def test_the_most_recent_known_reference_wins(budi):
    older = TicketFactory(contact=budi)
    newer = TicketFactory(contact=budi)
    sent_by_sigap(older, "<old@sigap.localhost>")
    sent_by_sigap(newer, "<new@sigap.localhost>")
    raw = mail(
        message_id="<r@armada.co.id>", References="<old@sigap.localhost> <new@sigap.localhost>"
    )
    assert taken(raw).ticket == newer


def test_headers_come_before_the_subject_tag(budi, ticket):
    other = TicketFactory(contact=budi)
    raw = mail(
        message_id="<h@armada.co.id>",
        subject=f"Re: [{other.number}] salah tag",
        In_Reply_To="<ticket-INC-000001.2@sigap.localhost>",
    )
    assert taken(raw).ticket == ticket


def test_a_subject_tag_finds_the_ticket_of_the_senders_organisation(ticket):
    received = taken(corpus("24_subject_tag.eml"))
    assert received.ticket == ticket
    colleague = ContactFactory(organisation=ticket.organisation, email="rina@armada.co.id")
    raw = mail(sender=colleague.email, message_id="<t2@armada.co.id>", subject="[inc-1] info")
    assert taken(raw).ticket == ticket


def test_a_tag_naming_another_organisations_ticket_opens_a_new_one(ticket):
    outsider = ContactFactory(email="dian@sinar-trans.co.id")
    raw = mail(sender=outsider.email, message_id="<x@sinar>", subject="Re: [INC-000001] data")
    received = taken(raw)
    assert received.ticket != ticket
    assert received.ticket.organisation == outsider.organisation
    assert ticket.entries.count() == 1  # nothing added to the other organisation's ticket


def test_an_unknown_sender_may_only_tag_a_ticket_they_are_the_contact_of(ticket):
    raw = mail(sender="stranger@gmail.example", message_id="<s@gmail>", subject="[INC-000001]")
    received = taken(raw)
    assert received.ticket != ticket and received.ticket.contact.email == "stranger@gmail.example"
    again = mail(
        sender="stranger@gmail.example",
        message_id="<s2@gmail>",
        subject=f"Re: [{received.ticket.number}] lagi",
    )
    assert taken(again).ticket == received.ticket


def test_a_tag_of_a_ticket_that_does_not_exist_opens_a_new_one(budi):
    received = taken(mail(message_id="<n@armada.co.id>", subject="[REQ-004242] ganti nopol"))
    assert received.ticket.number == "INC-000001"
    assert received.ticket.title == "[REQ-004242] ganti nopol"


def test_a_mail_without_any_thread_opens_a_ticket(budi):
    received = taken(mail(message_id="<new@armada.co.id>"))
    assert not received.duplicate
    assert received.ticket.contact == budi
    assert Message.objects.filter(ticket=received.ticket, direction="in").count() == 1


def test_an_id_stored_on_no_ticket_threads_nothing(budi):
    MessageFactory(ticket=None, contact=budi, external_id="<loose@armada.co.id>")
    raw = mail(message_id="<after-loose@armada.co.id>", In_Reply_To="<loose@armada.co.id>")
    assert taken(raw).ticket.number == "INC-000001"
