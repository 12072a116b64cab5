"""`sigap simulate-fleet`'s scenarios: the payloads it builds, and what Sigap makes of
them when they go through the real hook and the silence scan."""

from __future__ import annotations

import datetime as dt
from datetime import timedelta

import pytest
import time_machine
from django.test import Client

from sigap.telematics.choices import Condition
from sigap.telematics.models import Outage, UnitState
from sigap.telematics.simulator import (
    CLOCK_BEHIND,
    Simulation,
    SimulatorError,
    build,
    deliver,
    fleet_members,
    heard_at,
)
from sigap.telematics.state import area_of
from sigap.tickets.choices import Channel
from sigap.tickets.models import Ticket
from tests.factories import (
    ContactFactory,
    DeviceModelFactory,
    SubscriptionFactory,
    UnitFactory,
)
from tests.telematics.conftest import T0, TOKEN, scan_at

pytestmark = pytest.mark.django_db

NOW = T0 + timedelta(hours=3)


def fleet(healthy: int = 3) -> None:
    """Enough units in service for every scenario, one of a legacy model, one on an old
    firmware, one whose subscription ended."""
    for _n in range(17 + healthy):
        unit = UnitFactory()
        SubscriptionFactory(unit=unit)
        ContactFactory(organisation=unit.vehicle.organisation, language="en")
    legacy = DeviceModelFactory(vendor="Concox", name="GT06N", is_legacy=True, min_firmware="1.2.0")
    SubscriptionFactory(unit=UnitFactory(device_model=legacy, firmware="1.2.0"))
    SubscriptionFactory(unit=UnitFactory(firmware="03.25"))  # below FMB920's 03.27
    SubscriptionFactory(
        unit=UnitFactory(),
        ends_on=dt.date(2025, 12, 31),
        status="terminated",
        termination_reason="contract_ended",
    )


def simulation(seed: int = 1) -> Simulation:
    return build(fleet_members(), now=NOW, hours=2, every=5, seed=seed)


def streams(sim: Simulation, scenario: str) -> list:
    return [s for s in sim.streams if s.scenario == scenario]


def test_the_power_cut_unit_sends_an_alarm_then_falls_silent():
    fleet()
    [stream] = streams(simulation(), "power_cut")
    *positions, last = stream.payloads
    assert last["event"]["type"] == "alarm"
    assert last["event"]["attributes"] == {"alarm": "powerCut"}
    assert heard_at(last) == NOW - timedelta(minutes=45)
    assert all("position" in p and "event" not in p for p in positions)
    assert max(heard_at(p) for p in positions) < heard_at(last)


def test_the_blank_spot_units_share_one_grid_square_and_fall_silent_together():
    fleet()
    blank = streams(simulation(), "blank_spot")
    assert len(blank) == 12
    areas = {
        area_of(p["position"]["latitude"], p["position"]["longitude"])
        for s in blank
        for p in s.payloads
    }
    assert areas == {"-7.3,112.7"}
    last = [heard_at(s.payloads[-1]) for s in blank]
    assert max(last) - min(last) <= timedelta(minutes=5)
    assert NOW - timedelta(minutes=45) <= min(last) and max(last) <= NOW - timedelta(minutes=40)


def test_the_clock_unit_stamps_its_last_fixes_seven_hours_behind():
    fleet()
    [stream] = streams(simulation(), "clock_error")

    def behind(payload: dict) -> timedelta:
        return heard_at(payload) - dt.datetime.fromisoformat(payload["position"]["fixTime"])

    assert [behind(p) for p in stream.payloads[-4:]] == [CLOCK_BEHIND] * 4
    assert behind(stream.payloads[0]) == timedelta(0)
    # Sent newest first (see Stream.delivery_order), the rest still in order.
    order = stream.delivery_order()
    assert order[0] is stream.payloads[-1] and order[1:] == stream.payloads[:-1]


def test_every_unit_in_service_plays_once_and_the_same_seed_picks_the_same_units():
    fleet()
    sim = simulation()
    picked = {s.scenario: s.member.imei for s in sim.streams if s.scenario != "normal"}
    assert picked == {
        s.scenario: s.member.imei for s in simulation().streams if s.scenario != "normal"
    }
    assert len({s.member.pk for s in sim.streams}) == len(sim.streams) == 23
    assert not sim.notes
    assert {s.scenario for s in sim.streams} >= {"legacy", "firmware", "ended", "normal"}


def test_no_units_in_service_says_to_load_the_demo():
    with pytest.raises(SimulatorError, match="sigap demo"):
        build([], now=NOW)


def test_the_simulated_fleet_opens_the_incidents_it_promises():
    fleet()
    client = Client(HTTP_AUTHORIZATION=f"Bearer {TOKEN}")

    def send(payloads: list[dict]) -> None:
        response = client.post("/hooks/traccar", payloads, content_type="application/json")
        assert response.status_code == 200, response.content

    sim = simulation()
    with time_machine.travel(NOW, tick=False):
        posted = deliver((s.delivery_order() for s in sim.streams), send, threads=1)
    assert posted == sum(len(s.payloads) for s in sim.streams)

    counts = scan_at(NOW)

    def incident(scenario: str) -> Ticket | None:
        [stream] = streams(sim, scenario)
        return Ticket.objects.filter(unit_id=stream.member.pk, channel=Channel.MONITORING).first()

    assert incident("power_cut").cause.code == "driver_disconnected"
    assert incident("legacy").cause.code == "old_device"
    assert incident("firmware").cause.code == "firmware_upgrade"
    assert incident("clock_error").cause.code == "clock_error"
    stale = Outage.objects.get(unit_id=streams(sim, "gps_stale")[0].member.pk)
    assert stale.condition == Condition.GPS_STALE and stale.ticket is not None
    assert stale.started_at <= NOW - timedelta(minutes=30)
    parent = Ticket.objects.get(outage_group__isnull=False)
    assert parent.cause.code == "blank_spot"
    assert parent.children.count() == 12
    assert {c.unit_id for c in parent.children.all()} == {
        s.member.pk for s in streams(sim, "blank_spot")
    }
    for quiet in ("ended", "parked", "delayed"):
        assert incident(quiet) is None, quiet
    [ended] = streams(sim, "ended")
    assert UnitState.objects.get(unit_id=ended.member.pk).condition == Condition.UNSUBSCRIBED
    healthy = [s.member.pk for s in streams(sim, "normal")]
    assert not Outage.objects.filter(unit_id__in=healthy).exists()
    # 12 in the blank spot and their parent, power cut, legacy, firmware, clock, stale
    assert Ticket.objects.filter(channel=Channel.MONITORING).count() == 18
    assert counts["unsubscribed"] == 1 and counts["grouped"] == 12
