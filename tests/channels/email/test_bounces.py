"""A bounce of Sigap's own mail marks that mail failed on its ticket; it is no ticket."""

from __future__ import annotations

import pytest

from sigap.channels.email.intake import take
from sigap.channels.models import Message
from sigap.tickets.models import Ticket
from tests.channels.email.samples import SUPPORT, corpus, sent_by_sigap
from tests.factories import ContactFactory, TicketFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def ticket():
    return TicketFactory(contact=ContactFactory(email="budi.lama@armada.co.id"))


def taken(name: str):
    return take(corpus(name), source="test", mailbox=SUPPORT)


def test_a_delivery_status_report_marks_the_returned_mail_failed(ticket):
    sent = sent_by_sigap(ticket, "<ticket-INC-000001.9@sigap.localhost>")
    assert taken("20_dsn_bounce.eml") is None
    sent.refresh_from_db()
    assert sent.status == "failed"
    assert "5.1.1" in sent.error and "User unknown" in sent.error
    note = ticket.entries.order_by("-id").first()
    assert note.kind == "note" and not note.public
    assert "budi.lama@armada.co.id could not be delivered" in note.body
    assert Ticket.objects.count() == 1
    assert not Message.objects.filter(direction="in").exists()


def test_the_same_bounce_twice_leaves_one_note(ticket):
    sent_by_sigap(ticket, "<ticket-INC-000001.9@sigap.localhost>")
    taken("20_dsn_bounce.eml")
    entries = ticket.entries.count()
    assert taken("20_dsn_bounce.eml") is None
    assert ticket.entries.count() == entries


def test_a_bounce_in_the_common_non_standard_shape_counts_too(ticket):
    sent = sent_by_sigap(ticket, "<ticket-INC-000001.10@sigap.localhost>")
    assert taken("21_exim_bounce.eml") is None
    sent.refresh_from_db()
    assert sent.status == "failed" and "mailbox is full" in sent.error


def test_a_delay_warning_leaves_the_mail_as_it_was(ticket):
    sent = sent_by_sigap(ticket, "<ticket-REQ-000001.1@sigap.localhost>")
    assert taken("30_dsn_delayed.eml") is None
    sent.refresh_from_db()
    assert sent.status == "sent" and sent.error == ""
    assert ticket.entries.count() == 1


def test_a_bounce_of_mail_sigap_did_not_send_is_kept_on_no_ticket():
    received = taken("20_dsn_bounce.eml")
    assert received.ticket is None and received.message.contact is None
    assert received.message.sender == "mailer-daemon@mx.armada.co.id"
    assert not Ticket.objects.exists()
    assert not Message.objects.filter(direction="out").exists()  # never answered
