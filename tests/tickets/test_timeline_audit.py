from __future__ import annotations

import pytest

from sigap.sla.choices import Level
from sigap.tickets import services
from sigap.tickets.models import Entry
from tests.factories import TicketFactory


@pytest.mark.django_db
def test_logging_writes_a_created_entry_with_the_initial_values(agent):
    ticket = TicketFactory(by=agent, impact=Level.HIGH, urgency=Level.HIGH, description="GPS mati")
    # A priority-1 incident also involves the head of infrastructure (its own entry).
    entry, involved = ticket.entries.all()
    assert involved.kind == "escalation" and involved.changes["reason"] == [None, "critical"]
    assert entry.kind == "created"
    assert entry.actor == agent
    assert entry.via == "email"
    assert entry.body == "GPS mati"
    assert entry.changes["priority"] == [None, 1]
    assert entry.changes["category"] == [None, "gps_unit.not_updating"]


@pytest.mark.django_db
def test_each_change_records_actor_channel_and_before_after(agent):
    ticket = TicketFactory()
    services.ticket_start(ticket=ticket, by=agent, via="phone")
    entry = ticket.entries.get(action="start")
    assert entry.actor == agent and entry.via == "phone"
    assert entry.changes == {"status": ["new", "in_progress"], "assignee": [None, "agent"]}


@pytest.mark.django_db
def test_entries_cannot_be_edited_or_deleted_by_the_application(agent):
    ticket = TicketFactory()
    entry = ticket.entries.get()
    entry.body = "rewritten history"
    with pytest.raises(TypeError):
        entry.save()
    with pytest.raises(TypeError):
        entry.delete()
    with pytest.raises(TypeError):
        Entry.objects.filter(pk=entry.pk).update(body="x")
    with pytest.raises(TypeError):
        Entry.objects.filter(pk=entry.pk).delete()
    assert Entry.objects.get(pk=entry.pk).body == ""


@pytest.mark.django_db
def test_the_admin_shows_the_timeline_read_only(admin_client):
    ticket = TicketFactory()
    entry = ticket.entries.get()
    page = admin_client.get(f"/admin/tickets/entry/{entry.pk}/change/")
    assert page.status_code == 200
    assert b'name="body"' not in page.content  # shown, not editable
    assert admin_client.post(f"/admin/tickets/entry/{entry.pk}/delete/").status_code == 403
