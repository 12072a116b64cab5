"""The organisation's tickets: the list, one ticket's public timeline, its files."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from sigap.accounts.choices import Role
from sigap.tickets.services import ticket_comment
from tests.factories import AttachmentFactory, TicketFactory, UserFactory
from tests.portal.helpers import signed_in


@pytest.fixture
def agent_user(db):
    return UserFactory(role=Role.AGENT, first_name="Sari")


@pytest.mark.django_db
def test_the_list_shows_the_organisations_tickets_and_no_one_elses(portal, customer, stranger):
    colleague_ticket = TicketFactory(contact=customer.contact, title="Unit Budi mati")
    other_ticket = TicketFactory(contact=stranger.contact, title="Unit orang lain")
    page = portal.get("/portal/tickets/").content.decode()
    assert colleague_ticket.number in page and "Unit Budi mati" in page
    assert other_ticket.number not in page and "Unit orang lain" not in page


@pytest.mark.django_db
def test_the_list_costs_the_same_queries_for_one_ticket_or_many(portal, customer):
    TicketFactory(contact=customer.contact)
    with CaptureQueriesContext(connection) as one:
        assert portal.get("/portal/tickets/").status_code == 200
    for _ in range(6):
        TicketFactory(contact=customer.contact)
    with CaptureQueriesContext(connection) as many:
        page = portal.get("/portal/tickets/")
    assert page.content.decode().count('class="ticket-row"') == 7
    assert len(many) == len(one)


@pytest.mark.django_db
def test_the_list_pages_through_older_tickets_and_filters_by_status(portal, customer, settings):
    tickets = [TicketFactory(contact=customer.contact) for _ in range(27)]
    first = portal.get("/portal/tickets/").content.decode()
    assert first.count('class="ticket-row"') == 25
    older = first.split('class="pager"><a href="', 1)[1].split('"', 1)[0]
    rest = portal.get("/portal/tickets/" + older.replace("&amp;", "&")).content.decode()
    assert rest.count('class="ticket-row"') == 2
    assert tickets[0].number in rest

    assert (
        'class="ticket-row"' not in portal.get("/portal/tickets/?state=resolved").content.decode()
    )
    bad = portal.get("/portal/tickets/?cursor=garbage")
    assert b"That page of the list no longer exists" in bad.content


@pytest.mark.django_db
def test_a_ticket_page_shows_the_public_conversation_but_not_internal_notes(
    portal, customer, agent_user
):
    ticket = TicketFactory(contact=customer.contact, description="GPS mati sejak kemarin")
    ticket_comment(ticket=ticket, by=agent_user, body="Mohon restart unitnya.", public=True)
    ticket_comment(ticket=ticket, by=agent_user, body="Customer lama, cek firmware", public=False)
    page = portal.get(f"/portal/tickets/{ticket.number}/").content.decode()
    assert "GPS mati sejak kemarin" in page
    assert "Mohon restart unitnya." in page
    assert "Support team" in page  # staff are not named to customers
    assert "cek firmware" not in page


@pytest.mark.django_db
def test_another_organisations_ticket_does_not_exist_for_the_customer(portal, stranger):
    ticket = TicketFactory(contact=stranger.contact)
    document = AttachmentFactory(ticket=ticket, entry=ticket.entries.get())
    base = f"/portal/tickets/{ticket.number}/"
    assert portal.get(base).status_code == 404
    assert portal.get(f"{base}files/{document.pk}/").status_code == 404
    for action, data in (
        ("reply/", {"submission": "6f1c1d3e-5c2a-4c1b-9b7e-0a1b2c3d4e5f", "body": "halo"}),
        ("confirm/", {"version": ticket.version}),
        ("reopen/", {"version": ticket.version, "reason": "masih mati"}),
    ):
        assert portal.post(base + action, data).status_code == 404, action
    assert ticket.entries.count() == 1
    assert ticket.messages.count() == 0


@pytest.mark.django_db
def test_a_document_downloads_only_for_those_who_may_see_it(portal, customer, agent_user):
    ticket = TicketFactory(contact=customer.contact)
    public = AttachmentFactory(ticket=ticket, entry=ticket.entries.get(), content=b"%PDF stnk")
    note = ticket_comment(ticket=ticket, by=agent_user, body="internal", public=False)
    internal = AttachmentFactory(ticket=ticket, entry=note, filename="internal.pdf")

    answer = portal.get(f"/portal/tickets/{ticket.number}/files/{public.pk}/")
    assert answer.status_code == 200
    assert b"".join(answer.streaming_content) == b"%PDF stnk"
    assert answer["Content-Disposition"].startswith("attachment;")
    assert 'filename="stnk.pdf"' in answer["Content-Disposition"]
    assert answer["Cache-Control"] == "private, no-store"

    assert portal.get(f"/portal/tickets/{ticket.number}/files/{internal.pk}/").status_code == 404
    assert "internal.pdf" not in portal.get(f"/portal/tickets/{ticket.number}/").content.decode()

    # The file's id on another ticket's address does not open it either.
    other = TicketFactory(contact=customer.contact)
    assert portal.get(f"/portal/tickets/{other.number}/files/{public.pk}/").status_code == 404


@pytest.mark.django_db
def test_a_refused_file_is_named_on_the_timeline_but_cannot_be_downloaded(
    portal, customer, settings
):
    settings.SIGAP_ATTACHMENT_MAX_BYTES = 4
    ticket = TicketFactory(contact=customer.contact)
    refused = AttachmentFactory(ticket=ticket, entry=ticket.entries.get(), filename="besar.pdf")
    page = portal.get(f"/portal/tickets/{ticket.number}/").content.decode()
    assert "besar.pdf" in page and "not kept" in page
    assert portal.get(f"/portal/tickets/{ticket.number}/files/{refused.pk}/").status_code == 404


@pytest.mark.django_db
def test_a_ticket_number_is_found_in_any_case(portal, customer):
    ticket = TicketFactory(contact=customer.contact)
    assert portal.get(f"/portal/tickets/{ticket.number.lower()}/").status_code == 200


@pytest.mark.django_db
def test_a_ticket_page_costs_the_same_queries_for_a_short_or_long_conversation(
    portal, customer, agent_user
):
    ticket = TicketFactory(contact=customer.contact)
    ticket_comment(ticket=ticket, by=agent_user, body="first", public=True)
    url = f"/portal/tickets/{ticket.number}/"
    with CaptureQueriesContext(connection) as short:
        portal.get(url)
    for n in range(5):
        ticket_comment(ticket=ticket, by=agent_user, body=f"more {n}", public=True)
        AttachmentFactory(ticket=ticket, entry=ticket.entries.last(), filename=f"f{n}.pdf")
    with CaptureQueriesContext(connection) as long:
        page = portal.get(url)
    assert page.content.decode().count('class="entry entry-comment"') == 6
    assert len(long) == len(short)


@pytest.mark.django_db
def test_times_are_shown_in_the_users_time_zone(customer):
    customer.time_zone = "Asia/Jayapura"  # UTC+9
    customer.save(update_fields=["time_zone"])
    with time_machine.travel(dt.datetime(2026, 3, 2, 1, 30, tzinfo=dt.UTC), tick=False):
        ticket = TicketFactory(contact=customer.contact)
    page = signed_in(customer).get(f"/portal/tickets/{ticket.number}/").content.decode()
    assert "2 Mar 2026 10:30" in page


@pytest.mark.django_db
def test_the_customers_own_first_message_is_signed_with_their_name(portal, customer):
    ticket = TicketFactory(contact=customer.contact, channel="email")
    page = portal.get(f"/portal/tickets/{ticket.number}/").content.decode()
    assert f"<strong>{customer.contact.name}</strong>" in page


@pytest.mark.django_db
def test_a_missing_ticket_is_a_portal_page_that_says_so(portal):
    answer = portal.get("/portal/tickets/INC-999999/")
    assert answer.status_code == 404
    assert (
        "There is nothing here, or it belongs to another organisation." in answer.content.decode()
    )
