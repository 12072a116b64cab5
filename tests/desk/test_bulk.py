"""Bulk work from a queue: every ticket goes through its own service call with its
own timeline entry; the refused ones are named with why, the others still done."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from sigap.routing.models import Escalation, SupportGroup
from sigap.tickets.models import Ticket
from tests.desk.helpers import at, signed_in
from tests.factories import TicketFactory, UserFactory

MONDAY = datetime(2026, 11, 23, 9, 0, tzinfo=ZoneInfo("Asia/Jakarta"))


@pytest.fixture
def agent(db):
    agent = UserFactory(role="agent", username="rina")
    SupportGroup.objects.get(code="customer_support").members.add(agent)
    return agent


@pytest.fixture
def tickets(agent):
    with at(MONDAY):
        return [TicketFactory() for _ in range(3)]


def bulk(client, numbers, **data):
    return client.post("/desk/bulk/", {"tickets": numbers, "next": "/desk/?queue=mine", **data})


def messages_after(client, answer) -> str:
    assert answer.status_code == 302 and answer["Location"] == "/desk/?queue=mine"
    return client.get(answer["Location"]).content.decode()


def test_assigning_several_to_me_writes_one_entry_per_ticket(agent, tickets):
    client = signed_in(agent)
    with at(MONDAY.replace(hour=10)):
        page = messages_after(client, bulk(client, [t.number for t in tickets], action="take"))
    assert "Assign to me: done for" in page
    for ticket in Ticket.objects.filter(pk__in=[t.pk for t in tickets]):
        assert ticket.assignee == agent and ticket.status == "assigned"
        assert ticket.entries.filter(action="assign", actor=agent).count() == 1


def test_one_refused_ticket_is_named_and_the_others_are_still_done(agent, tickets):
    first, second, third = tickets
    second.status = "closed"
    second.save(update_fields=["status"])
    client = signed_in(agent)
    page = messages_after(
        client,
        bulk(client, [first.number, second.number, third.number], action="cancel", reason="Dobel"),
    )
    assert f"{second.number}: not possible while it is closed." in page
    statuses = dict(Ticket.objects.values_list("number", "status"))
    assert statuses[first.number] == statuses[third.number] == "cancelled"
    assert statuses[second.number] == "closed"


def test_escalating_several_to_technicians_records_an_escalation_each(agent, tickets):
    technicians = SupportGroup.objects.get(code="technicians")
    client = signed_in(agent)
    with at(MONDAY.replace(hour=10)):
        bulk(
            client,
            [t.number for t in tickets],
            action="escalate",
            group=technicians.pk,
            reason="Perlu teknisi",
        )
    assert Escalation.objects.filter(to_group=technicians, kind="functional").count() == 3
    assert set(Ticket.objects.values_list("support_group__code", flat=True)) == {"technicians"}


def test_what_an_action_needs_is_asked_for_and_nothing_changes(agent, tickets):
    client = signed_in(agent)
    page = messages_after(client, bulk(client, [tickets[0].number], action="escalate"))
    assert "Needed to Escalate." in page
    page = messages_after(client, bulk(client, [], action="take"))
    assert "Tick the tickets to act on first." in page
    assert not Ticket.objects.exclude(status="new").exists()


def test_a_vendor_has_no_bulk_actions(agent, tickets):
    vendor = UserFactory(role="vendor")
    answer = bulk(signed_in(vendor), [tickets[0].number], action="take")
    assert answer.status_code == 404
    assert not Ticket.objects.exclude(status="new").exists()
