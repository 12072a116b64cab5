"""An agent logs a call: the caller is found, the call lands on a ticket."""

from __future__ import annotations

import pytest

from sigap.customers.models import Contact
from sigap.tickets.models import Ticket
from tests.factories import ContactFactory, TicketFactory, VehicleFactory


@pytest.mark.django_db
@pytest.mark.parametrize("typed", ["0812 3456 7890", "+62 812-3456-7890", "6281234567890"])
def test_any_usual_form_of_the_number_finds_the_caller(api, typed):
    contact = ContactFactory(phone="+6281234567890")
    VehicleFactory(organisation=contact.organisation, plate="B 1234 XYZ")
    ticket = TicketFactory(contact=contact)
    caller = api.get("/api/v1/calls/caller", {"q": typed}).json()
    assert caller["phone"] == "+6281234567890"
    assert [c["name"] for c in caller["contacts"]] == [contact.name]
    assert caller["organisation"] == contact.organisation.code
    assert caller["vehicles"] == ["B 1234 XYZ"]
    assert [t["number"] for t in caller["open_tickets"]] == [ticket.number]


@pytest.mark.django_db
def test_a_plate_finds_the_organisation_and_its_contacts(api):
    contact = ContactFactory()
    VehicleFactory(organisation=contact.organisation, plate="B 1234 XYZ")
    caller = api.get("/api/v1/calls/caller", {"q": "b1234xyz"}).json()
    assert caller["organisation"] == contact.organisation.code
    assert [c["id"] for c in caller["contacts"]] == [contact.pk]


@pytest.mark.django_db
def test_a_call_on_a_ticket_is_its_first_response(api):
    ticket = TicketFactory(contact=ContactFactory(phone="+6281234567890"))
    answer = api.post(
        "/api/v1/calls",
        {"phone": "0812 3456 7890", "ticket": ticket.number, "summary": "Unit di-reset."},
        content_type="application/json",
    )
    assert answer.status_code == 201 and answer.json() == {
        "ticket": ticket.number,
        "created": False,
    }
    ticket.refresh_from_db()
    assert ticket.first_response_at is not None
    call = ticket.entries.get(kind="call")
    assert call.body == "Unit di-reset." and call.via == "phone" and call.actor.username == "agent"


@pytest.mark.django_db
def test_a_call_from_an_unknown_number_opens_a_ticket_for_a_new_unverified_contact(api):
    answer = api.post(
        "/api/v1/calls",
        {
            "phone": "0813 1111 2222",
            "name": "Pak Budi",
            "summary": "GPS mobil box tidak update sejak kemarin.",
            "new_ticket": {
                "kind": "incident",
                "title": "GPS tidak update",
                "category": "gps_unit.not_updating",
            },
        },
        content_type="application/json",
    )
    assert answer.status_code == 201, answer.content
    number = answer.json()["ticket"]
    contact = Contact.objects.get(phone="+6281311112222")
    assert contact.name == "Pak Budi" and not contact.is_verified
    ticket = contact.tickets.get()
    assert ticket.number == number and ticket.channel == "phone"
    assert ticket.first_response_at is not None


@pytest.mark.django_db
def test_a_call_needs_a_ticket_or_a_new_one_and_a_real_number(api):
    both_missing = api.post(
        "/api/v1/calls",
        {"phone": "0812 3456 7890", "summary": "?"},
        content_type="application/json",
    )
    assert both_missing.status_code == 422
    assert "either the ticket" in both_missing.json()["message"]
    bad_number = api.post(
        "/api/v1/calls",
        {"phone": "12", "summary": "?", "ticket": TicketFactory().number},
        content_type="application/json",
    )
    assert bad_number.status_code == 422 and "phone" in bad_number.json()["fields"]


@pytest.mark.django_db
def test_a_retried_call_log_is_logged_once(api):
    body = {
        "phone": "0813 1111 2222",
        "summary": "Minta ganti nopol.",
        "new_ticket": {
            "kind": "request",
            "title": "Ganti nopol",
            "category": "account.data_change",
        },
    }
    first = api.post(
        "/api/v1/calls", body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="call-7"
    )
    again = api.post(
        "/api/v1/calls", body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="call-7"
    )
    assert first.status_code == 201 and first.json()["created"] is True
    assert again.status_code == 200
    assert again.json() == {"ticket": first.json()["ticket"], "created": False}
    contact = Contact.objects.get(phone="+6281311112222")
    assert contact.tickets.count() == 1
    assert contact.tickets.get().entries.filter(kind="call").count() == 1


@pytest.mark.django_db
def test_a_call_about_a_whole_fleet_on_the_road_opens_a_priority_one_incident(api):
    ContactFactory(phone="+6281234567890")
    answer = api.post(
        "/api/v1/calls",
        {
            "phone": "0812-3456-7890",
            "summary": "Semua unit tidak update, armada sedang jalan",
            "new_ticket": {
                "kind": "incident",
                "title": "Semua unit tidak update",
                "category": "gps_unit.not_updating",
                "scope": "all",
                "moving": True,
            },
        },
        content_type="application/json",
    )
    assert answer.status_code == 201, answer.content
    ticket = Ticket.objects.get(number=answer.json()["ticket"])
    assert (ticket.impact, ticket.urgency, ticket.priority) == ("high", "high", 1)
