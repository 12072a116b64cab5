"""Who a broadcast goes to: verified contacts of active organisations in its segment
(tier, region, device model; empty means all), with an address on its channels."""

from __future__ import annotations

import pytest

from sigap.comms.broadcasts import broadcast_send
from sigap.comms.models import Broadcast, BroadcastDelivery
from sigap.comms.selectors import broadcast_preview, broadcast_recipients
from sigap.core.errors import InvalidTransition
from tests.comms.factories import BroadcastFactory
from tests.factories import (
    ContactFactory,
    DeviceModelFactory,
    OrganisationFactory,
    UnitFactory,
    VehicleFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def customers():
    jakarta_vip = OrganisationFactory(tier="vip", region="Jakarta")
    jakarta = OrganisationFactory(tier="standard", region="Jakarta")
    surabaya = OrganisationFactory(tier="vip", region="Surabaya")
    closed = OrganisationFactory(tier="vip", region="Jakarta", is_active=False)
    legacy = DeviceModelFactory(vendor="Concox", name="GT06")
    UnitFactory(device_model=legacy, vehicle=VehicleFactory(organisation=jakarta))
    UnitFactory(  # removed: the organisation no longer has the model
        device_model=legacy, vehicle=VehicleFactory(organisation=surabaya), removed_on="2022-01-01"
    )
    UnitFactory(vehicle=VehicleFactory(organisation=surabaya))  # the default model
    people = {
        "ani": ContactFactory(organisation=jakarta_vip, email="ani@a.test", phone=""),
        "budi": ContactFactory(organisation=jakarta_vip, email="", phone="+6281200000001"),
        "citra": ContactFactory(organisation=jakarta, email="citra@b.test", whatsapp_id="62813"),
        "dedi": ContactFactory(organisation=surabaya, email="dedi@c.test", phone=""),
        "eko": ContactFactory(organisation=surabaya, email="", phone=""),  # no address at all
    }
    ContactFactory(organisation=closed, email="gone@d.test")
    ContactFactory(organisation=jakarta, email="unknown@b.test", is_verified=False)
    ContactFactory(organisation=None, email="nobody@e.test")
    return people, legacy


def names(contacts, people) -> set[str]:
    by_pk = {c.pk: name for name, c in people.items()}
    return {by_pk[pk] for pk in contacts.values_list("pk", flat=True)}


def test_everyone_reachable_when_the_segment_is_empty(customers):
    people, _legacy = customers
    broadcast = Broadcast(channels="both")
    assert names(broadcast_recipients(broadcast), people) == {"ani", "budi", "citra", "dedi"}
    assert broadcast_preview(broadcast).__dict__ == {
        "contacts": 4,
        "email": 3,
        "whatsapp": 2,
        "without_address": 1,
    }


def test_by_tier_region_device_model_and_channel(customers):
    people, legacy = customers
    assert names(broadcast_recipients(Broadcast(tier="vip", channels="both")), people) == {
        "ani",
        "budi",
        "dedi",
    }
    assert names(broadcast_recipients(Broadcast(region="jakarta", channels="both")), people) == {
        "ani",
        "budi",
        "citra",
    }
    assert names(broadcast_recipients(Broadcast(device_model=legacy, channels="both")), people) == {
        "citra"
    }
    assert names(broadcast_recipients(Broadcast(channels="whatsapp")), people) == {"budi", "citra"}
    segment = Broadcast(tier="vip", region="Jakarta", channels="email")
    assert names(broadcast_recipients(segment), people) == {"ani"}


@pytest.mark.usefixtures("customers")
def test_sending_writes_one_delivery_per_contact_and_channel_once():
    broadcast = BroadcastFactory(channels="both")
    broadcast = broadcast_send(broadcast=broadcast)  # the batch is not run: no commit here
    rows = set(
        BroadcastDelivery.objects.filter(broadcast=broadcast).values_list(
            "contact__email", "channel", "address"
        )
    )
    assert rows == {
        ("ani@a.test", "email", "ani@a.test"),
        ("", "whatsapp", "6281200000001"),
        ("citra@b.test", "email", "citra@b.test"),
        ("citra@b.test", "whatsapp", "62813"),
        ("dedi@c.test", "email", "dedi@c.test"),
    }
    assert (broadcast.status, broadcast.targeted) == ("sending", 5)
    with pytest.raises(InvalidTransition):
        broadcast_send(broadcast=broadcast)  # sent once; a second press changes nothing
    assert BroadcastDelivery.objects.filter(broadcast=broadcast).count() == 5
