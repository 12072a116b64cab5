"""Unit tickets that an outage notice's recipients open within 24 hours of it are
linked to the outage's ticket as their parent, by the minute task."""

from __future__ import annotations

import datetime

import pytest
import time_machine

from sigap.comms.broadcasts import broadcast_send
from sigap.comms.tasks import broadcasts_minute
from sigap.tickets.changes import ticket_link
from sigap.tickets.models import Category
from tests.comms.factories import BroadcastFactory
from tests.factories import ContactFactory, TicketFactory, UserFactory

pytestmark = pytest.mark.django_db

SENT = datetime.datetime(2026, 4, 1, 3, 0, tzinfo=datetime.UTC)


def test_unit_tickets_of_recipients_after_the_notice_are_linked_to_the_outage(
    recorded, django_capture_on_commit_callbacks
):
    with time_machine.travel(SENT - datetime.timedelta(hours=1), tick=False) as clock:
        outage = TicketFactory(title="GPS server down")
        customer = ContactFactory()
        colleague = ContactFactory(organisation=customer.organisation, email="", phone="")
        before = TicketFactory(contact=customer)  # before the notice: not about it
        clock.move_to(SENT)
        broadcast = BroadcastFactory(channels="email", outage=outage, kind="emergency")
        with django_capture_on_commit_callbacks(execute=True):
            broadcast_send(broadcast=broadcast)
        clock.shift(datetime.timedelta(hours=2))
        report = TicketFactory(contact=customer)
        # No address, so not a recipient, but of a recipient's organisation: linked too.
        from_colleague = TicketFactory(contact=colleague)
        other_kind = TicketFactory(
            contact=customer, category=Category.objects.get(code="other.general")
        )
        elsewhere = TicketFactory(contact=ContactFactory(email="", phone=""))
        taken_out = TicketFactory(contact=customer)
        agent = UserFactory(role="agent")
        ticket_link(ticket=taken_out, by=agent, parent=outage)
        ticket_link(ticket=taken_out, by=agent, parent=None)  # an agent decided: left alone
        clock.shift(datetime.timedelta(hours=21, minutes=59))
        late = TicketFactory(contact=customer)
        clock.shift(datetime.timedelta(minutes=2))  # the window closed a minute ago
        broadcasts_minute.call_local()
        clock.shift(datetime.timedelta(minutes=1))
        after = TicketFactory(contact=customer)
        broadcasts_minute.call_local()

    def parent(ticket):
        ticket.refresh_from_db()
        return ticket.parent_id

    assert parent(report) == outage.pk
    assert parent(from_colleague) == outage.pk
    assert parent(late) == outage.pk  # in the window's last minute, found just after
    for ticket in (before, other_kind, elsewhere, taken_out, after):
        assert parent(ticket) is None
    entry = report.entries.get(action="link")
    assert entry.via == "system" and entry.actor is None
    assert entry.changes == {"parent": [None, outage.number]}
