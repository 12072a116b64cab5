"""The desk's ticket page: header and SLA clocks, customer, timeline, escalations;
what a vendor may see of it; what it costs in queries."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from sigap.accounts.models import User
from sigap.routing.models import SupportGroup
from sigap.sla.sweep import sweep
from sigap.tickets.services import ticket_comment, ticket_escalate, ticket_pend, ticket_start
from tests.desk.helpers import at, signed_in
from tests.factories import (
    AttachmentFactory,
    ContactFactory,
    SubscriptionFactory,
    TicketFactory,
    UnitFactory,
    UserFactory,
    VehicleFactory,
)

WIB = ZoneInfo("Asia/Jakarta")
# Session, user, roles, ticket, its unit and the unit's subscriptions, contact, fleet
# (vehicles, units, subscriptions), other open tickets, entries, their files,
# escalations, and the breaches of a ticket that has some; then the choices of the
# action forms: the user's groups, support groups (assign, escalate), people,
# categories (categorise, convert), causes (resolve, categorise), canned replies;
# and the customer's last message, which says where a reply goes.
MAX_QUERIES = 28


def wib(*args) -> datetime:
    return datetime(*args, tzinfo=WIB)


def page(user: User, number: str) -> str:
    answer = signed_in(user).get(f"/desk/tickets/{number}/")
    assert answer.status_code == 200
    return answer.content.decode()


@pytest.fixture
def agent(db) -> User:
    return UserFactory(role="agent", first_name="Rina", last_name="Agent")


@pytest.mark.django_db
def test_the_header_shows_the_ticket_its_sla_deadlines_and_a_breach(agent):
    with at(wib(2026, 11, 26, 9, 0)):  # Thursday, office hours
        ticket = TicketFactory(title="Unit B 1234 AB silent", impact="medium", urgency="medium")
    with at(wib(2026, 11, 26, 11, 30)):  # the first reply, 90 minutes after its target
        ticket_comment(ticket=ticket, by=agent, body="Kami cek sekarang.", public=True)
        ticket = ticket_start(ticket=ticket, by=agent)
    with at(wib(2026, 11, 26, 12, 0)):
        html = page(agent, ticket.number.lower())
    assert ticket.number in html and "Unit B 1234 AB silent" in html
    assert "In progress" in html and "3 - Medium" in html and "Medium / Medium" in html
    assert "Rina Agent" in html  # the assignee
    assert "26 Nov 2026 10:00 WIB" in html  # first response due, in the agent's zone
    assert ticket.resolve_due_at.astimezone(WIB).strftime("%-d %b %Y %H:%M WIB") in html
    assert "stopped at 26 Nov 2026 11:30" in html
    assert "Targets missed" in html and "1 h 30 min" in html


@pytest.mark.django_db
def test_a_paused_clock_says_since_when_and_a_running_breach_says_so(agent):
    with at(wib(2026, 11, 26, 9, 0)):
        ticket = ticket_start(ticket=TicketFactory(impact="medium", urgency="medium"), by=agent)
    with at(wib(2026, 11, 26, 10, 0)):
        ticket_pend(ticket=ticket, by=agent, reason="customer", note="Kirim foto unit")
    with at(wib(2026, 11, 26, 10, 30)):
        sweep()  # records the response clock's breach while it still runs
        html = page(agent, ticket.number)
    assert "paused since 26 Nov 2026 10:00" in html
    # Nobody replied in public: the response clock ran out at 10:00 and still runs.
    assert '<strong class="late-mark">late</strong>' in html
    assert "still running" in html


@pytest.mark.django_db
def test_the_timeline_escapes_the_customers_text_and_marks_internal_notes(agent):
    ticket = TicketFactory(
        channel="email", description="Tolong cek <script>alert(1)</script>\nbaris dua"
    )
    ticket_comment(ticket=ticket, by=agent, body="Only for us", public=False)
    html = page(agent, ticket.number)
    assert "<script>alert(1)</script>" not in html
    assert "Tolong cek &lt;script&gt;alert(1)&lt;/script&gt;<br>baris dua" in html
    assert ticket.contact.name in html  # who wrote the e-mail
    note = html[html.index("Only for us") - 1200 : html.index("Only for us")]
    assert "entry-internal" in note and ">Internal<" in note and "Internal note" in note
    assert "E-mail" in html and 'class="via via-email"' in html


@pytest.mark.django_db
def test_an_entrys_files_and_changes_are_listed(agent):
    ticket = TicketFactory()
    entry = ticket_comment(ticket=ticket, by=agent, body="STNK attached", public=True)
    AttachmentFactory(ticket=ticket, entry=entry, filename="stnk.pdf", content=b"x" * 2048)
    ticket_start(ticket=ticket, by=agent)
    html = page(agent, ticket.number)
    assert "stnk.pdf" in html and "2.0\xa0KB" in html
    assert "New" in html and "In progress" in html and "→" in html


@pytest.mark.django_db
def test_the_customer_panel_lists_the_fleet_and_other_open_tickets(agent):
    contact = ContactFactory(language="en")
    organisation = contact.organisation
    vehicle = VehicleFactory(organisation=organisation, plate="B 1 ABC")
    unit = UnitFactory(vehicle=vehicle, firmware="03.29")
    SubscriptionFactory(unit=unit)
    for _ in range(21):
        VehicleFactory(organisation=organisation)
    other = TicketFactory(contact=contact, title="Another unit")
    ticket = TicketFactory(contact=contact, unit=unit)
    html = page(agent, ticket.number)
    assert organisation.name in html and organisation.code in html and "Standard" in html
    assert contact.email in html and contact.phone in html and "English" in html
    assert "B 1 ABC" in html and unit.imei in html and "03.29" in html and "Active" in html
    assert "and 2 more vehicles" in html  # 22 vehicles, 20 shown
    assert f'href="/desk/tickets/{other.number}/"' in html
    assert f'href="/desk/tickets/{ticket.number}/"' not in html  # not itself


@pytest.mark.django_db
def test_a_vendor_sees_only_what_was_escalated_to_it_without_the_contact(agent):
    vendor = UserFactory(role="vendor")
    group = SupportGroup.objects.get(code="vendor")
    group.members.add(vendor)
    escalated, kept = TicketFactory(), TicketFactory()
    ticket_escalate(ticket=escalated, by=agent, group=group, reason="RMA please")
    ticket_comment(ticket=escalated, by=agent, body="Secret internal remark", public=False)
    html = page(vendor, escalated.number)
    assert escalated.number in html and escalated.title in html
    contact = escalated.contact
    assert contact.email not in html and contact.phone not in html and contact.name not in html
    assert "Secret internal remark" not in html and "Escalations" not in html
    assert signed_in(vendor).get(f"/desk/tickets/{kept.number}/").status_code == 404
    # The desk sees the escalation it made.
    staff = page(agent, escalated.number)
    assert "Escalations" in staff and "Not acknowledged yet" in staff
    assert "0 reminders sent" in staff


@pytest.mark.django_db
def test_an_unknown_number_is_not_found(agent):
    answer = signed_in(agent).get("/desk/tickets/INC-0000-999999/")
    assert answer.status_code == 404 and b"There is no such ticket" in answer.content


def _ticket_with_entries(agent: User, count: int):
    contact = ContactFactory()
    unit = UnitFactory(vehicle=VehicleFactory(organisation=contact.organisation))
    SubscriptionFactory(unit=unit)
    TicketFactory(contact=contact)
    with at(wib(2026, 11, 26, 9, 0)):
        ticket = TicketFactory(contact=contact, unit=unit, impact="medium", urgency="medium")
        ticket_escalate(
            ticket=ticket, by=agent, group=SupportGroup.objects.get(code="vendor"), reason="RMA"
        )
    with at(wib(2026, 11, 26, 11, 0)):  # the first reply is late: a breach to show
        for n in range(count - 2):  # the logging and the escalation are two
            entry = ticket_comment(ticket=ticket, by=agent, body=f"note {n}", public=n % 2 == 0)
            AttachmentFactory(ticket=ticket, entry=entry, filename=f"photo{n}.jpg")
    assert ticket.breaches.count() == 1
    assert ticket.entries.count() == count
    return ticket


@pytest.mark.django_db
def test_the_page_costs_the_same_queries_for_3_and_30_entries(agent, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    small, large = _ticket_with_entries(agent, 3), _ticket_with_entries(agent, 30)
    client = signed_in(agent)
    counts = []
    for ticket in (small, large):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(f"/desk/tickets/{ticket.number}/").status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]
    with django_assert_max_num_queries(MAX_QUERIES):
        html = client.get(f"/desk/tickets/{large.number}/").content.decode()
    assert "photo27.jpg" in html and "note 27" in html
