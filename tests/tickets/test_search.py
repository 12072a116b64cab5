"""Ticket search: each identifier finds its tickets and no others, words are found in
titles and descriptions on either database, and nobody finds what they may not see."""

from __future__ import annotations

import pytest
from django.db import connection

from sigap.accounts.choices import Role
from sigap.accounts.models import User
from sigap.customers.models import Organisation, Vehicle
from sigap.routing.models import SupportGroup
from sigap.tickets.models import Category, Ticket
from sigap.tickets.search import ticket_search
from sigap.tickets.services import ticket_escalate
from tests.factories import (
    ContactFactory,
    OrganisationFactory,
    TicketFactory,
    UnitFactory,
    UserFactory,
    VehicleFactory,
)


def found(user: User, query: str) -> set[str]:
    return {t.number for t in ticket_search(user=user, query=query)}


def ticket_for(organisation: Organisation, **fields) -> Ticket:
    return TicketFactory(contact=ContactFactory(organisation=organisation), **fields)


@pytest.fixture
def fleet(db) -> Organisation:
    return OrganisationFactory(name="PT Armada Nusantara")


@pytest.fixture
def other(db) -> Ticket:
    """A ticket of another fleet, with its own contact, vehicle and unit: never found
    by the identifiers of the tickets under test."""
    organisation = OrganisationFactory()
    unit = UnitFactory(vehicle=VehicleFactory(organisation=organisation, plate="B 1234 XYA"))
    return ticket_for(organisation, unit=unit, title="Lain", description="")


@pytest.mark.django_db
def test_a_ticket_number_is_found_however_it_is_written(agent):
    incident = TicketFactory()
    request = TicketFactory(
        kind="request", category=Category.objects.get(code="account.data_change")
    )
    TicketFactory()  # the next incident, never found by the first one's number
    digits = incident.number.split("-")[1]
    assert incident.number == f"INC-{digits}" and request.number == f"REQ-{digits}"
    for query in (incident.number, incident.number.lower(), f"inc{int(digits)}", f" INC {digits} "):
        assert found(agent, query) == {incident.number}, query
    # Without its prefix, a number could be an incident's or a request's.
    assert found(agent, str(int(digits))) == {incident.number, request.number}
    assert found(agent, f"REQ-{int(digits)}") == {request.number}


@pytest.mark.django_db
def test_a_plate_finds_the_vehicles_tickets_in_any_spelling(agent, fleet, other):
    vehicle = VehicleFactory(organisation=fleet, plate="B 1234 XYZ")
    about_it = ticket_for(fleet, vehicle=vehicle, title="GPS mati")
    ticket_for(fleet, vehicle=VehicleFactory(organisation=fleet), title="GPS mati")
    for query in ("B 1234 XYZ", "b 1234 xyz", "b1234xyz", "B-1234-XYZ"):
        assert found(agent, query) == {about_it.number}, query


@pytest.mark.django_db
def test_an_imei_finds_the_units_tickets_and_those_of_the_vehicle_it_sits_in(agent, fleet, other):
    vehicle = VehicleFactory(organisation=fleet)
    unit = UnitFactory(vehicle=vehicle)
    about_unit = ticket_for(fleet, unit=unit)
    about_vehicle = ticket_for(fleet, vehicle=vehicle)  # logged by plate only
    ticket_for(fleet, unit=UnitFactory(vehicle=VehicleFactory(organisation=fleet)))
    spaced = f"{unit.imei[:5]} {unit.imei[5:10]}-{unit.imei[10:]}"
    expected = {about_unit.number, about_vehicle.number}
    assert found(agent, unit.imei) == found(agent, spaced) == expected


@pytest.mark.django_db
def test_a_phone_number_finds_the_contacts_tickets_however_it_is_written(agent, fleet, other):
    caller = ContactFactory(organisation=fleet, phone="+6281234567890")
    by_phone = TicketFactory(contact=caller)
    on_whatsapp = ContactFactory(organisation=fleet, phone="", whatsapp_id="6281399990000")
    by_whatsapp = TicketFactory(contact=on_whatsapp, channel="whatsapp")
    TicketFactory(contact=ContactFactory(organisation=fleet))
    for query in ("081234567890", "+62 812-3456-7890", "6281234567890"):
        assert found(agent, query) == {by_phone.number}, query
    assert found(agent, "0813 9999 0000") == {by_whatsapp.number}


@pytest.mark.django_db
def test_an_email_address_finds_the_contacts_tickets_in_any_case(agent, fleet, other):
    budi = ContactFactory(organisation=fleet, email="budi@armada.test")
    his = {TicketFactory(contact=budi).number, TicketFactory(contact=budi).number}
    TicketFactory(contact=ContactFactory(organisation=fleet))
    assert found(agent, "Budi@Armada.TEST") == found(agent, " budi@armada.test ") == his


@pytest.mark.django_db
def test_words_are_found_in_titles_and_descriptions(agent, fleet, other):
    in_title = ticket_for(fleet, title="Unit tidak update sejak pagi", description="")
    in_description = ticket_for(
        fleet, title="Laporan pelanggan", description="Armada di Surabaya, unit tidak update."
    )
    ticket_for(fleet, title="Tagihan bulan Maret", description="Minta invoice ulang.")
    assert found(agent, "update") == {in_title.number, in_description.number}
    assert found(agent, "SURABAYA") == {in_description.number}
    # Every word must be there: "tidak update" and "Surabaya" only in the second.
    assert found(agent, "update surabaya") == {in_description.number}
    assert found(agent, "kereta") == set()


@pytest.mark.django_db
def test_an_identifier_that_names_no_ticket_is_searched_as_words(agent, fleet, other):
    mentioned = ticket_for(fleet, title="Mobil B 9876 ZZ mati total", description="")
    assert not Vehicle.objects.filter(plate="B 9876 ZZ").exists()
    assert found(agent, "b 9876 zz") == {mentioned.number}


@pytest.mark.django_db
def test_words_rank_title_first_on_postgresql_and_newest_first_on_sqlite(agent, fleet):
    in_title = ticket_for(fleet, title="Relay mesin rusak", description="")
    in_description = ticket_for(fleet, title="Laporan", description="Relay mesin rusak.")
    ranked = [t.number for t in ticket_search(user=agent, query="relay")]
    if connection.vendor == "postgresql":
        # Full-text rank: a word in the title (weight A) beats one in the description.
        assert ranked == [in_title.number, in_description.number]
    else:
        # The fallback does not rank: the newest first, as in the queues.
        assert ranked == [in_description.number, in_title.number]


@pytest.mark.django_db
def test_an_empty_query_finds_nothing(agent, other):
    assert found(agent, "") == found(agent, "   ") == set()


@pytest.mark.django_db
def test_a_vendor_finds_only_what_was_escalated_to_it(agent, fleet):
    vendor_user = UserFactory(role=Role.VENDOR)
    vendor = SupportGroup.objects.get(code="vendor")
    vendor.members.add(vendor_user)
    vehicle = VehicleFactory(organisation=fleet, plate="L 55 AB")
    handed = ticket_for(fleet, vehicle=vehicle, title="Relay rusak")
    kept = ticket_for(fleet, vehicle=vehicle, title="Relay rusak")
    ticket_escalate(ticket=handed, by=agent, group=vendor, reason="RMA")
    assert found(agent, "L 55 AB") == found(agent, "relay") == {handed.number, kept.number}
    assert found(vendor_user, "L 55 AB") == found(vendor_user, "relay") == {handed.number}
    assert found(vendor_user, kept.number) == set()


@pytest.mark.django_db
def test_a_customer_finds_only_their_organisations_tickets(fleet):
    customer = UserFactory(role=Role.CUSTOMER, organisation=fleet)
    theirs = ticket_for(fleet, title="Relay rusak")
    elsewhere = ticket_for(OrganisationFactory(), title="Relay rusak")
    shared_contact = ContactFactory(organisation=fleet, email="ops@armada.test")
    by_contact = TicketFactory(contact=shared_contact)
    assert found(customer, "relay") == {theirs.number}
    assert found(customer, elsewhere.number) == set()
    assert found(customer, "ops@armada.test") == {by_contact.number}
