"""The ticket page's actions: a button exists only when the ticket's state and the
user's role allow it; each posts to a service; a stale page is refused with the
fresh state; a form with something missing comes back with what, writing nothing."""

from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from sigap.routing.models import Escalation, SupportGroup
from sigap.tickets.models import Category, Cause, Entry
from sigap.tickets.services import ticket_escalate, ticket_start
from tests.desk.helpers import at, signed_in
from tests.factories import TicketFactory, UserFactory

WIB = ZoneInfo("Asia/Jakarta")
MONDAY = datetime(2026, 11, 23, 9, 0, tzinfo=WIB)


@pytest.fixture
def desk(db):
    agent = UserFactory(role="agent", username="rina")
    technician = UserFactory(role="specialist", username="tono")
    head = UserFactory(role="head_of_infrastructure", username="hadi")
    SupportGroup.objects.get(code="customer_support").members.add(agent)
    SupportGroup.objects.get(code="technicians").members.add(technician)
    SupportGroup.objects.get(code="head_of_infrastructure").members.add(head)
    return agent, technician, head


@pytest.fixture
def ticket(desk):
    with at(MONDAY):
        return TicketFactory(impact="low", urgency="medium")


def actions_on(client, number: str) -> set[str]:
    html = client.get(f"/desk/tickets/{number}/").content.decode()
    return set(re.findall(r'data-action="([a-z]+)"', html))


def act(client, ticket, name: str, **data):
    data.setdefault("version", ticket.version)
    return client.post(f"/desk/tickets/{ticket.number}/act/{name}/", data)


def test_only_the_moves_the_state_allows_are_offered(desk, ticket):
    agent, *_ = desk
    client = signed_in(agent)
    offered = actions_on(client, ticket.number)
    assert {"take", "start", "assign", "escalate", "resolve", "cancel"} <= offered
    assert {"close", "reopen", "resume", "pend"}.isdisjoint(offered)  # it is new
    assert {"priority", "categorise", "convert", "link", "duplicate"} <= offered


def test_an_agent_works_a_ticket_from_assignment_to_closure(desk, ticket):
    agent, *_ = desk
    client = signed_in(agent)
    with at(MONDAY.replace(hour=9, minute=5)):
        answer = act(client, ticket, "take")
        assert answer.status_code == 302
        ticket.refresh_from_db()
        assert ticket.assignee == agent and ticket.status == "assigned"
        assert "take" not in actions_on(client, ticket.number)  # it is mine already
        assert act(client, ticket, "start").status_code == 302
        ticket.refresh_from_db()
        cause = Cause.objects.filter(categories=ticket.category).first()
        answer = act(
            client,
            ticket,
            "resolve",
            resolution_code="resolved_remotely",
            cause=cause.pk,
            summary="Unit di-reset dari jarak jauh.",
        )
        assert answer.status_code == 302
        page = client.get(answer["Location"]).content.decode()
    assert "Ticket resolved." in page
    ticket.refresh_from_db()
    assert ticket.status == "resolved" and ticket.cause == cause
    assert {"close", "reopen"} <= actions_on(client, ticket.number)
    assert act(client, ticket, "close").status_code == 302
    ticket.refresh_from_db()
    assert ticket.status == "closed"
    actions = list(ticket.entries.exclude(action="").values_list("action", flat=True))
    assert actions == ["assign", "start", "resolve", "close"]


def test_a_stale_page_is_refused_with_the_fresh_state_and_nothing_is_overwritten(desk, ticket):
    agent, technician, _ = desk
    seen = ticket.version
    ticket_start(ticket=ticket, by=technician)  # someone else, meanwhile
    answer = act(signed_in(agent), ticket, "cancel", version=seen, reason="Salah input")
    assert answer.status_code == 409
    html = answer.content.decode()
    assert "was changed by someone else in the meantime" in html
    assert "In progress" in html  # the page shows the ticket as it is now
    ticket.refresh_from_db()
    assert ticket.status == "in_progress"


def test_a_move_the_state_no_longer_allows_is_refused_clearly(desk, ticket):
    agent, *_ = desk
    ticket.status = "closed"
    ticket.save(update_fields=["status"])
    answer = act(signed_in(agent), ticket, "start")
    assert answer.status_code == 409
    assert "is closed; &#x27;start&#x27; is not possible now" in answer.content.decode()


def test_a_form_missing_its_reason_comes_back_open_with_the_message(desk, ticket):
    agent, *_ = desk
    before = Entry.objects.filter(ticket=ticket).count()
    answer = act(signed_in(agent), ticket, "cancel", reason="")
    assert answer.status_code == 400
    html = answer.content.decode()
    assert '<details class="action" id="action-cancel" open>' in html
    assert "This field is required." in html
    assert Entry.objects.filter(ticket=ticket).count() == before
    ticket.refresh_from_db()
    assert ticket.status == "new"


def test_an_incident_is_not_resolved_without_its_cause(desk, ticket):
    agent, *_ = desk
    answer = act(
        signed_in(agent), ticket, "resolve", resolution_code="resolved_remotely", summary="Ok"
    )
    assert answer.status_code == 400
    assert "An incident is resolved with its cause." in answer.content.decode()
    ticket.refresh_from_db()
    assert ticket.status == "new"


def test_escalating_to_technicians_and_the_technician_acknowledges(desk, ticket):
    agent, technician, _ = desk
    technicians = SupportGroup.objects.get(code="technicians")
    with at(MONDAY.replace(hour=10)):
        answer = act(
            signed_in(agent),
            ticket,
            "escalate",
            kind="functional",
            group=technicians.pk,
            reason="Perlu kunjungan teknisi",
        )
    assert answer.status_code == 302
    ticket.refresh_from_db()
    assert ticket.support_group == technicians
    escalation = Escalation.objects.get(ticket=ticket)
    tech = signed_in(technician)
    assert "acknowledge" in actions_on(tech, ticket.number)
    assert "acknowledge" not in actions_on(signed_in(agent), ticket.number)  # not their group
    with at(MONDAY.replace(hour=10, minute=20)):
        answer = tech.post(
            f"/desk/tickets/{ticket.number}/escalations/{escalation.pk}/acknowledge/"
        )
    assert answer.status_code == 302
    escalation.refresh_from_db()
    assert escalation.acknowledged_by == technician and escalation.next_reminder_at is None


def test_a_vendor_escalation_needs_a_vendor_and_management_needs_no_group(desk, ticket):
    agent, *_ = desk
    client = signed_in(agent)
    technicians = SupportGroup.objects.get(code="technicians")
    answer = act(client, ticket, "escalate", kind="vendor", group=technicians.pk, reason="x")
    assert answer.status_code == 400
    assert "technicians is not a vendor." in answer.content.decode().lower()
    answer = act(client, ticket, "escalate", kind="management", reason="Pelanggan besar")
    assert answer.status_code == 302
    escalation = Escalation.objects.get(ticket=ticket)
    assert escalation.kind == "management" and escalation.to_group.code == "head_of_infrastructure"
    ticket.refresh_from_db()
    assert ticket.support_group.code != "head_of_infrastructure"  # it stays where it was


def test_changing_impact_and_urgency_shows_the_new_priority_before_saving(desk, ticket):
    agent, *_ = desk
    client = signed_in(agent)
    with at(MONDAY.replace(hour=9, minute=30)):
        preview = client.post(
            f"/desk/tickets/{ticket.number}/act/priority/",
            {"version": ticket.version, "impact": "high", "urgency": "high", "preview": "1"},
            HTTP_HX_REQUEST="true",
        )
        assert preview.status_code == 200
        text = preview.content.decode()
        assert "1 - Critical" in text and "resolution due" in text
        ticket.refresh_from_db()
        assert ticket.priority != 1  # nothing saved yet
        answer = act(client, ticket, "priority", impact="high", urgency="high", reason="Armada")
    assert answer.status_code == 302
    ticket.refresh_from_db()
    assert ticket.priority == 1
    # The preview promised what was saved.
    assert ticket.resolve_due_at.astimezone(WIB).strftime("%-d %b %Y %H:%M") in text


def test_converting_an_incident_to_a_request_keeps_its_number_and_records_why(desk, ticket):
    agent, *_ = desk
    request_category = Category.objects.filter(kind__in=["request", "both"], is_active=True)[0]
    answer = act(
        signed_in(agent),
        ticket,
        "convert",
        category=request_category.pk,
        reason="Ternyata permintaan ganti plat",
    )
    assert answer.status_code == 302
    number = ticket.number
    ticket.refresh_from_db()
    assert ticket.kind == "request" and ticket.number == number
    entry = ticket.entries.get(action="convert")
    assert entry.changes["kind"] == ["incident", "request"]
    assert entry.body == "Ternyata permintaan ganti plat"


def test_a_duplicate_is_cancelled_pointing_at_the_original(desk, ticket):
    agent, *_ = desk
    with at(MONDAY):
        original = TicketFactory()
    answer = act(signed_in(agent), ticket, "duplicate", number=original.number.lower())
    assert answer.status_code == 302
    ticket.refresh_from_db()
    assert ticket.status == "cancelled" and ticket.duplicate_of == original
    html = signed_in(agent).get(f"/desk/tickets/{ticket.number}/").content.decode()
    assert f'Duplicate of <a href="/desk/tickets/{original.number}/">' in html
    answer = act(signed_in(agent), original, "duplicate", number="INC-999999")
    assert answer.status_code == 400
    assert "There is no ticket INC-999999." in answer.content.decode()


def test_a_ticket_links_to_a_parent_but_never_to_itself_through_a_loop(desk, ticket):
    agent, *_ = desk
    client = signed_in(agent)
    with at(MONDAY):
        outage = TicketFactory(title="Server GPS down")
    assert act(client, ticket, "link", number=outage.number).status_code == 302
    ticket.refresh_from_db()
    assert ticket.parent == outage
    answer = act(client, outage, "link", number=ticket.number)
    assert answer.status_code == 400
    assert "cannot be part of itself" in answer.content.decode()


def test_a_vendor_acts_only_within_its_role_and_csrf_is_enforced(desk, ticket):
    agent, *_ = desk
    vendor = UserFactory(role="vendor")
    vendors = SupportGroup.objects.get(code="vendor")
    vendors.members.add(vendor)
    with at(MONDAY):
        ticket_escalate(ticket=ticket, by=agent, group=vendors, reason="Firmware")
    offered = actions_on(signed_in(vendor), ticket.number)
    assert {"assign", "escalate", "priority", "convert", "take"}.isdisjoint(offered)
    ticket.refresh_from_db()
    assert act(signed_in(vendor), ticket, "priority", impact="high").status_code == 409
    strict = signed_in(agent)
    strict.handler.enforce_csrf_checks = True
    assert act(strict, ticket, "cancel", reason="x").status_code == 403
