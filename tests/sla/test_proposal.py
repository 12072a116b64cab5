"""Sigap proposes impact and urgency when a ticket is logged without them: from how
much of the fleet it touches, the organisation's tier, the category and whether the
vehicle is on the road. Staff may still say them; customers may not."""

from __future__ import annotations

import pytest

from sigap.accounts.choices import Role
from sigap.tickets.models import Ticket
from tests.conftest import api_client
from tests.factories import ContactFactory, OrganisationFactory, UserFactory, VehicleFactory

URL = "/api/v1/tickets"


def log(client, **fields):
    data = {
        "kind": "incident",
        "title": "GPS tidak update",
        "category": "gps_unit.not_updating",
        **fields,
    }
    return client.post(URL, data, content_type="application/json")


@pytest.fixture
def fleet(db):
    organisation = OrganisationFactory(tier="standard")
    contact = ContactFactory(organisation=organisation, email="ops@armada.test")
    vehicles = [VehicleFactory(organisation=organisation) for _ in range(4)]
    return organisation, contact, vehicles


@pytest.mark.django_db
def test_a_silent_unit_on_a_moving_vehicle_is_more_urgent_than_an_invoice_copy(api, fleet):
    _org, contact, vehicles = fleet
    silent = log(api, email=contact.email, plate=vehicles[0].plate, moving=True).json()
    invoice = log(
        api,
        kind="request",
        title="Copy of invoice",
        category="payment.invoice",
        email=contact.email,
    ).json()
    assert (silent["impact"], silent["urgency"], silent["priority"]) == ("low", "high", 3)
    assert (invoice["impact"], invoice["urgency"], invoice["priority"]) == ("low", "low", 5)
    proposed = silent["timeline"][0]["changes"]["proposed"][1]
    assert "moving" in proposed and "scope:one" in proposed


@pytest.mark.django_db
def test_impact_grows_with_the_share_of_the_fleet_touched(api, fleet):
    _org, contact, _vehicles = fleet
    several = log(api, email=contact.email, vehicles=2).json()
    everything = log(api, email=contact.email, vehicles=4).json()
    said = log(api, email=contact.email, scope="all").json()
    assert several["impact"] == "medium"
    assert everything["impact"] == "high" and said["impact"] == "high"


@pytest.mark.django_db
def test_the_tier_raises_impact_up_to_its_ceiling(api):
    for tier, one_vehicle, whole_fleet in (
        ("standard", "low", "high"),
        ("priority", "medium", "high"),
        ("vip", "medium", "high"),
    ):
        contact = ContactFactory(organisation=OrganisationFactory(tier=tier))
        one = log(api, contact_id=contact.pk).json()
        several = log(api, contact_id=contact.pk, scope="several").json()
        assert one["impact"] == one_vehicle, tier
        assert several["impact"] == ("high" if tier == "vip" else "medium"), tier
        assert log(api, contact_id=contact.pk, scope="all").json()["impact"] == whole_fleet


@pytest.mark.django_db
def test_staff_may_say_impact_and_urgency_and_nothing_is_proposed(api, fleet):
    _org, contact, _vehicles = fleet
    body = log(api, email=contact.email, impact="high", urgency="low").json()
    assert (body["impact"], body["urgency"], body["priority"]) == ("high", "low", 3)
    assert "proposed" not in body["timeline"][0]["changes"]


@pytest.mark.django_db
def test_a_customer_describes_the_problem_and_the_desk_keeps_the_priority(fleet):
    organisation, contact, vehicles = fleet
    customer = UserFactory(role=Role.CUSTOMER, organisation=organisation, contact=contact)
    client = api_client(customer)
    refused = log(client, plate=vehicles[0].plate, impact="high")
    assert refused.status_code == 422
    assert "The desk sets impact and urgency" in refused.json()["message"]
    assert not Ticket.objects.exists()
    answer = log(client, plate=vehicles[0].plate, scope="all", moving=True)
    assert answer.status_code == 201, answer.content
    assert answer.json()["priority"] == 1
