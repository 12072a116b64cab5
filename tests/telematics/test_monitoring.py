"""Unit monitoring end to end: heartbeats posted to the hooks in Traccar's shapes,
the silence scan at frozen moments, and what the desk and the customer see."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import TestCase

from sigap.channels.choices import Direction
from sigap.channels.models import Message
from sigap.telematics.choices import Condition
from sigap.telematics.evidence import outage_evidence
from sigap.telematics.models import Outage, UnitState
from sigap.tickets.choices import Channel, Status
from sigap.tickets.models import Ticket
from tests.factories import DeviceModelFactory
from tests.telematics.conftest import (
    T0,
    alarm_event,
    heard,
    position,
    post,
    scan_at,
    subscribed_unit,
)

pytestmark = pytest.mark.django_db


def told() -> list[Message]:
    """What Sigap queued for customers, oldest first."""
    return list(Message.objects.filter(direction=Direction.OUT).order_by("id"))


def test_power_cut_then_silence_opens_one_incident_blaming_the_driver(hooks):
    unit = subscribed_unit()
    heard(hooks, unit, T0, 30)
    assert post(hooks, alarm_event(unit, T0 + timedelta(minutes=30), "powerCut")).status_code == 200

    assert scan_at(T0 + timedelta(minutes=40))["silent"] == 0  # not silent yet
    counts = scan_at(T0 + timedelta(minutes=50))
    assert counts["silent"] == 1
    assert scan_at(T0 + timedelta(minutes=51))["silent"] == 0  # one incident per outage

    ticket = Ticket.objects.get(channel=Channel.MONITORING)
    assert ticket.category.code == "gps_unit.not_updating"
    assert ticket.cause.code == "driver_disconnected"
    assert ticket.vehicle == unit.vehicle and ticket.organisation == unit.vehicle.organisation
    assert any(e["code"] == "alarm" for e in ticket.outage.evidence)
    [notice] = told()
    assert unit.vehicle.plate in notice.body and ticket.number in notice.body
    assert "cable" in notice.body  # what happens next, for this cause


def test_the_customer_reads_the_notice_in_their_language(hooks):
    unit = subscribed_unit()
    unit.vehicle.organisation.contacts.update(language="id")
    heard(hooks, unit, T0, 5)
    scan_at(T0 + timedelta(minutes=30))
    [notice] = told()
    assert "berhenti melapor" in notice.body


def test_twenty_units_silent_in_one_area_share_one_parent_incident(hooks, settings):
    settings.SIGAP_TELEMETRY_MASS_UNITS = 10
    units = [subscribed_unit() for _ in range(20)]
    for n, unit in enumerate(units):  # all fall silent within five minutes
        heard(hooks, unit, T0, 10 + n // 4, every=5, lat=-7.25, lon=112.75)
    loner = subscribed_unit()
    heard(hooks, loner, T0, 10, every=5, lat=-6.2, lon=106.8)

    scan_at(T0 + timedelta(minutes=35))

    parent = Ticket.objects.get(outage_group__isnull=False)
    assert parent.cause.code == "blank_spot"
    assert parent.children.count() == 20
    assert Ticket.objects.get(unit=loner).parent is None
    outage = Outage.objects.filter(group__isnull=False).first()
    first = outage_evidence(outage)[0]
    assert first["code"] == "mass" and first["units"] == 20


def test_resolving_the_parent_resolves_the_units_incidents(hooks, agent, settings):
    from sigap.tickets.services import ticket_resolve

    settings.SIGAP_TELEMETRY_MASS_UNITS = 3
    units = [subscribed_unit() for _ in range(3)]
    for unit in units:
        heard(hooks, unit, T0, 5, lat=-7.25, lon=112.75)
    scan_at(T0 + timedelta(minutes=30))
    parent = Ticket.objects.get(outage_group__isnull=False)

    with TestCase.captureOnCommitCallbacks(execute=True):
        ticket_resolve(
            ticket=parent, by=agent, resolution_code="vendor_fixed", summary="Tower repaired."
        )

    children = list(parent.children.all())
    assert len(children) == 3
    assert all(child.status == Status.RESOLVED for child in children)
    assert all(child.resolution_summary == "Tower repaired." for child in children)


def test_a_parked_vehicle_reporting_rarely_is_not_silent(hooks):
    unit = subscribed_unit()
    heard(hooks, unit, T0, 5, ignition=False)
    assert scan_at(T0 + timedelta(hours=3))["silent"] == 0
    assert UnitState.objects.get(unit=unit).condition == Condition.OK
    assert scan_at(T0 + timedelta(hours=7))["silent"] == 1


def test_a_device_model_can_have_its_own_threshold(hooks):
    from sigap.telematics.models import SilenceRule

    slow = DeviceModelFactory(vendor="Concox", name="GT06")
    SilenceRule.objects.create(device_model=slow, ignition="on", contact_minutes=60, fix_minutes=60)
    unit = subscribed_unit(device_model=slow)
    heard(hooks, unit, T0, 5)
    assert scan_at(T0 + timedelta(minutes=30))["silent"] == 0
    assert scan_at(T0 + timedelta(minutes=70))["silent"] == 1


def test_buffered_positions_arriving_late_are_a_delay_not_an_outage(hooks):
    unit = subscribed_unit()
    # For half an hour each position reaches Sigap five to seven minutes after its fix.
    for n in range(30):
        taken = T0 + timedelta(minutes=n)
        lag = timedelta(seconds=300 + (n * 37) % 120)
        assert post(hooks, position(unit, taken + lag, fix_at=taken)).status_code == 200
    state = UnitState.objects.get(unit=unit)
    assert state.delay_seconds >= 300
    assert state.last_fix_at == T0 + timedelta(minutes=29)
    assert scan_at(T0 + timedelta(minutes=40))["silent"] == 0
    assert state.clock_offset_seen < 3  # not taken for a wrong clock
    assert not Outage.objects.exists()


def test_an_older_position_never_moves_the_state_back(hooks):
    unit = subscribed_unit()
    heard(hooks, unit, T0, 10)
    late = position(unit, T0 + timedelta(minutes=2), ignition=False, power=9.0)
    assert post(hooks, late).status_code == 200
    state = UnitState.objects.get(unit=unit)
    assert state.last_contact_at == T0 + timedelta(minutes=9)
    assert state.ignition is True and state.power == 12.6


def test_a_clock_running_hours_behind_is_a_clock_error(hooks):
    unit = subscribed_unit()
    for n in range(4):
        at = T0 + timedelta(minutes=n)
        assert post(hooks, position(unit, at, fix_at=at - timedelta(hours=7))).status_code == 200
    scan_at(T0 + timedelta(minutes=5))
    outage = Outage.objects.get(unit=unit)
    assert outage.condition == Condition.CLOCK_ERROR
    assert outage.cause.code == "clock_error"


def test_contact_without_a_valid_fix_is_gps_stale(hooks):
    unit = subscribed_unit()
    heard(hooks, unit, T0, 5)
    heard(hooks, unit, T0 + timedelta(minutes=5), 20, valid=False)
    scan_at(T0 + timedelta(minutes=24))
    outage = Outage.objects.get(unit=unit)
    assert outage.condition == Condition.GPS_STALE


def test_a_unit_whose_subscription_ended_is_not_an_incident(hooks):
    import datetime as dt

    unit = subscribed_unit()
    unit.subscriptions.update(
        ends_on=dt.date(2026, 2, 28), status="terminated", termination_reason="contract_ended"
    )
    heard(hooks, unit, T0, 5)
    counts = scan_at(T0 + timedelta(minutes=30))
    assert counts == {**counts, "silent": 0, "unsubscribed": 1}
    assert not Ticket.objects.exists()
    assert UnitState.objects.get(unit=unit).condition == Condition.UNSUBSCRIBED


def test_recovery_resolves_the_incident_with_the_downtime_and_tells_the_customer(hooks):
    unit = subscribed_unit()
    heard(hooks, unit, T0, 10)
    scan_at(T0 + timedelta(minutes=30))
    ticket = Ticket.objects.get(channel=Channel.MONITORING)

    back = T0 + timedelta(hours=2, minutes=9)
    assert post(hooks, position(unit, back)).status_code == 200
    assert scan_at(back + timedelta(minutes=1))["recovered"] == 1

    ticket.refresh_from_db()
    assert ticket.status == Status.RESOLVED
    assert ticket.resolution_code == "unit_recovered"
    assert "12:09" in ticket.resolution_summary  # last heard 10:09, back 12:09
    assert ticket.outage.downtime == timedelta(hours=2)
    assert UnitState.objects.get(unit=unit).condition == Condition.OK
    assert "reporting again" in told()[-1].body and "2 h 0 min" in told()[-1].body


def test_a_later_complaint_is_linked_to_the_open_monitoring_incident(hooks):
    from sigap.tickets.creation import ticket_create
    from sigap.tickets.selectors import category_by_code

    unit = subscribed_unit()
    heard(hooks, unit, T0, 5)
    scan_at(T0 + timedelta(minutes=30))
    monitoring = Ticket.objects.get(channel=Channel.MONITORING)

    complaint = ticket_create(
        kind="incident",
        title="GPS tidak update",
        category=category_by_code("gps_unit.not_updating"),
        channel=Channel.EMAIL,
        contact=unit.vehicle.organisation.contacts.first(),
        vehicle=unit.vehicle,
    )
    assert complaint.parent == monitoring

    back = T0 + timedelta(hours=1)
    post(hooks, position(unit, back))
    scan_at(back + timedelta(minutes=1))
    complaint.refresh_from_db()
    assert complaint.status == Status.RESOLVED


def test_incidents_monitoring_opened_are_not_counted_as_complaints(hooks):
    from datetime import date

    from sigap.kpi.selectors import complaints_by_category

    unit = subscribed_unit()
    heard(hooks, unit, T0, 5)
    scan_at(T0 + timedelta(minutes=30))
    assert Ticket.objects.filter(channel=Channel.MONITORING).count() == 1
    table = complaints_by_category(first=date(2026, 3, 1), last=date(2026, 3, 1))
    assert table["total"] == 0


def test_an_outage_left_without_its_incident_gets_it_at_the_next_scan(hooks):
    import time_machine

    from sigap.telematics.detection import silence_scan

    unit = subscribed_unit()
    heard(hooks, unit, T0, 5)
    with time_machine.travel(T0 + timedelta(minutes=30), tick=False):
        silence_scan()  # the worker stopped before the follow-up
    assert Outage.objects.get(unit=unit).ticket is None

    scan_at(T0 + timedelta(minutes=31))
    assert Outage.objects.get(unit=unit).ticket.channel == Channel.MONITORING


def test_when_sigap_stops_hearing_the_whole_fleet_no_unit_is_blamed(hooks):
    from sigap.telematics.detection import STALLED_FLEET

    units = [subscribed_unit() for _ in range(STALLED_FLEET)]
    post(hooks, [position(unit, T0) for unit in units])
    # An hour with nothing heard from anyone: the engine's forwarding stopped, say.
    counts = scan_at(T0 + timedelta(hours=1))
    assert counts["stalled"] and counts["silent"] == 0
    assert not Outage.objects.exists() and not Ticket.objects.exists()

    # Heartbeats flow again; the one unit still quiet is a unit going silent.
    back = T0 + timedelta(hours=1, minutes=1)
    post(hooks, [position(unit, back) for unit in units[1:]])
    counts = scan_at(back + timedelta(minutes=1))
    assert not counts["stalled"] and counts["silent"] == 1
    assert Outage.objects.get().unit == units[0]
