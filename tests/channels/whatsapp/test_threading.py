"""A customer's next WhatsApp message continues their open ticket while it is fresh."""

from __future__ import annotations

import datetime

import pytest
import time_machine

from sigap.channels.models import Message
from sigap.tickets.models import Cause, Ticket
from sigap.tickets.services import ticket_close, ticket_comment, ticket_resolve
from tests.channels.whatsapp.payloads import delivery, post, text
from tests.factories import ContactFactory, TicketFactory, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.channels.whatsapp.urls")]

MONDAY = datetime.datetime(2026, 1, 5, 2, 0, tzinfo=datetime.UTC)


def resolve(ticket: Ticket, agent) -> Ticket:
    cause = Cause.objects.filter(categories=ticket.category).first()
    return ticket_resolve(
        ticket=ticket, by=agent, resolution_code="resolved_remotely", summary="ok", cause=cause
    )


def send(wamid: str, body: str = "Masih belum update", **extra) -> Ticket:
    response = post(delivery([text(wamid, body=body, **extra)]))
    assert response.status_code == 200, response.content
    return Message.objects.get(external_id=wamid).ticket


def test_a_second_message_within_the_window_lands_on_the_same_ticket():
    with time_machine.travel(MONDAY, tick=False) as clock:
        first = send("wamid.1", "Unit B 1234 XYZ tidak update")
        clock.shift(datetime.timedelta(hours=71))
        second = send("wamid.2", "Sudah dicoba restart, tetap sama")
    assert second == first
    assert list(first.entries.filter(kind="comment").values_list("body", flat=True)) == [
        "Sudah dicoba restart, tetap sama"
    ]
    assert Ticket.objects.count() == 1


def test_a_message_after_the_window_opens_a_new_ticket(settings):
    settings.SIGAP_WHATSAPP_THREAD_HOURS = 24
    with time_machine.travel(MONDAY, tick=False) as clock:
        first = send("wamid.1")
        clock.shift(datetime.timedelta(hours=25))
        second = send("wamid.2", "Unit lain juga mati")
    assert second != first and second.title == "Unit lain juga mati"


def test_the_window_counts_from_the_last_activity_on_the_ticket():
    agent = UserFactory(role="agent")
    with time_machine.travel(MONDAY, tick=False) as clock:
        first = send("wamid.1")
        clock.shift(datetime.timedelta(hours=70))
        ticket_comment(ticket=first, by=agent, body="Kami cek dulu ya", public=True)
        clock.shift(datetime.timedelta(hours=70))
        assert send("wamid.2") == first


def test_the_most_recently_touched_open_ticket_is_chosen():
    contact = ContactFactory(phone="+6281234567890")
    with time_machine.travel(MONDAY, tick=False) as clock:
        older = TicketFactory(contact=contact, channel="email")
        clock.shift(datetime.timedelta(hours=1))
        newer = TicketFactory(contact=contact, channel="phone")
        clock.shift(datetime.timedelta(hours=1))
        assert send("wamid.1") == newer
    assert older.entries.count() == 1


def test_a_resolved_ticket_is_not_continued_by_a_new_message():
    agent = UserFactory(role="agent")
    with time_machine.travel(MONDAY, tick=False) as clock:
        first = send("wamid.1")
        resolve(first, agent)
        clock.shift(datetime.timedelta(hours=1))
        second = send("wamid.2", "Terima kasih, unit lain mati")
    first.refresh_from_db()
    assert second != first and first.status == "resolved"


def test_a_quoted_reply_lands_on_the_ticket_of_the_quoted_message():
    agent = UserFactory(role="agent")
    with time_machine.travel(MONDAY, tick=False) as clock:
        first = send("wamid.1")
        resolve(first, agent)
        clock.shift(datetime.timedelta(hours=1))
        # The customer answers the earlier message itself ("reply" in WhatsApp).
        again = send("wamid.2", "Mati lagi", context={"from": "15550783881", "id": "wamid.1"})
    first.refresh_from_db()
    assert again == first and first.status == "in_progress"  # reopened


def test_a_quoted_reply_to_a_closed_ticket_opens_a_follow_up():
    agent = UserFactory(role="agent")
    first = send("wamid.1")
    resolve(first, agent)
    ticket_close(ticket=first, by=agent)
    again = send("wamid.2", "Mati lagi", context={"id": "wamid.1"})
    assert again != first and again.follow_up_of == first


def test_another_customers_ticket_is_never_continued():
    with time_machine.travel(MONDAY, tick=False):
        first = send("wamid.1")
        response = post(delivery([text("wamid.2", sender="6281399990000")], wa_id="6281399990000"))
        assert response.status_code == 200
    assert Message.objects.get(external_id="wamid.2").ticket != first


def test_a_threading_window_of_zero_always_opens_a_new_ticket(settings):
    settings.SIGAP_WHATSAPP_THREAD_HOURS = 0
    assert send("wamid.1") != send("wamid.2")
