"""The ticket page's unit monitoring: the unit's state, open outage with its evidence,
alarms and downtime; the condition of every unit in the customer's fleet list; what it
costs in queries."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils.html import escape

from sigap.accounts.models import User
from sigap.customers.models import Unit
from sigap.routing.models import SupportGroup
from sigap.telematics.evidence import evidence_lines
from sigap.telematics.models import Outage, OutageGroup, UnitEvent, UnitState
from sigap.tickets.models import Cause
from sigap.tickets.services import ticket_escalate
from tests.desk.helpers import at, signed_in
from tests.factories import (
    ContactFactory,
    SubscriptionFactory,
    TicketFactory,
    UnitFactory,
    UserFactory,
    VehicleFactory,
)

WIB = ZoneInfo("Asia/Jakarta")
NOW = datetime(2026, 11, 26, 12, 0, tzinfo=WIB)


def wib(*args) -> datetime:
    return datetime(*args, tzinfo=WIB)


def page(user: User, number: str) -> str:
    answer = signed_in(user).get(f"/desk/tickets/{number}/")
    assert answer.status_code == 200
    return answer.content.decode()


def card(html: str) -> str:
    """The monitoring card alone."""
    start = html.index('aria-labelledby="monitoring-title"')
    return html[start : html.index("</section>", start)]


def fleet(html: str) -> str:
    start = html.index('<ul class="fleet">')
    return html[start : html.index("</ul>", start)]


def heard(unit: Unit, **fields) -> UnitState:
    values = {
        "last_contact_at": wib(2026, 11, 26, 11, 58),
        "last_fix_at": wib(2026, 11, 26, 11, 50),
        "fix_heard_at": wib(2026, 11, 26, 11, 55),
        "due_at": wib(2026, 11, 26, 12, 28),
        **fields,
    }
    return UnitState.objects.create(unit=unit, **values)


@pytest.fixture
def agent(db) -> User:
    return UserFactory(role="agent", language="en")


@pytest.fixture
def unit(db) -> Unit:
    unit = UnitFactory(vehicle=VehicleFactory(organisation=ContactFactory().organisation))
    SubscriptionFactory(unit=unit)
    return unit


def ticket_for(of: Unit, **fields):
    """A ticket of the unit's customer; about the unit only when `fields` say so."""
    contact = ContactFactory(organisation=of.vehicle.organisation)
    with at(wib(2026, 11, 26, 9, 0)):
        return TicketFactory(contact=contact, **fields)


@pytest.mark.django_db
def test_the_card_shows_the_units_last_contact_fix_readings_and_alarms(agent, unit):
    heard(
        unit,
        delay_seconds=300,
        latitude=-6.2088,
        longitude=106.8456,
        area="JKT",
        operator="Telkomsel",
        ignition=False,
        power=12.4,
        power_trend=-0.4,
        battery=4.1,
        battery_trend=0.01,
        rssi=18,
        satellites=9,
        last_alarm="powerCut",
        last_alarm_at=wib(2026, 11, 26, 11, 40),
    )
    UnitEvent.objects.create(
        unit=unit, source="traccar", kind="alarm", alarm="lowBattery", at=wib(2026, 11, 25, 7, 5)
    )
    UnitEvent.objects.create(
        unit=unit, source="traccar", kind="ignitionOn", at=wib(2026, 11, 25, 8, 0)
    )
    ticket = ticket_for(unit, unit=unit)
    with at(NOW):
        html = card(page(agent, ticket.number))
    assert "Unit monitoring" in html and unit.imei in html
    assert 'class="badge condition condition-ok">Reporting<' in html
    assert "Last contact" in html and "26 Nov 2026 11:58" in html  # in the agent's zone
    assert "26 Nov 2026 11:50" in html and "delivered 5 min late" in html
    assert "-6.20880, 106.84560 · JKT" in html and "Telkomsel" in html
    assert (
        "12.4 V" in html and "↓" in html and "falling" in html and "\N{MINUS SIGN}0.40 V/h" in html
    )
    assert "4.1 V" in html and "→" in html and "steady" in html  # 0.01 V/h: steady
    assert "RSSI 18" in html and "9 satellites" in html
    assert "Power cut · <time" in html and "26 Nov 2026 11:40" in html  # the last alarm
    assert "Low battery" in html and "25 Nov 2026 07:05" in html  # recent alarms: events
    assert "Ignition on" not in html  # an engine event, not an alarm
    assert "No outages recorded." in html and "Last 30 days: none" in html


@pytest.mark.django_db
def test_an_open_outage_shows_its_cause_evidence_incident_and_mass_outage(agent, unit):
    heard(
        unit,
        last_contact_at=wib(2026, 11, 26, 8, 0),
        condition="offline",
        condition_since=wib(2026, 11, 26, 8, 0),
    )
    incident = ticket_for(unit, unit=unit, title="Unit silent")
    mass = ticket_for(unit, title="Many units silent in JKT")
    group = OutageGroup.objects.create(
        group_by="area",
        key="JKT",
        started_at=wib(2026, 11, 26, 8, 0),
        detected_at=wib(2026, 11, 26, 8, 40),
        ticket=mass,
    )
    outage = Outage.objects.create(
        unit=unit,
        condition="offline",
        started_at=wib(2026, 11, 26, 8, 0),
        detected_at=wib(2026, 11, 26, 8, 40),
        cause=Cause.objects.get(code="old_device"),
        evidence=[
            {"code": "last_contact", "at": wib(2026, 11, 26, 8, 0).isoformat()},
            {"code": "ignition", "on": False},
        ],
        group=group,
        ticket=incident,
    )
    Outage.objects.create(  # an earlier one, over: the history
        unit=unit,
        condition="gps_stale",
        started_at=wib(2026, 11, 20, 10, 0),
        detected_at=wib(2026, 11, 20, 10, 30),
        ended_at=wib(2026, 11, 20, 12, 30),
    )
    complaint = ticket_for(unit, unit=unit, title="Where is my truck?")
    with at(NOW):
        html = card(page(agent, complaint.number))
        lines = evidence_lines(outage)
    assert 'condition-offline">Offline: no contact<' in html
    assert "Offline: no contact · since 26 Nov 2026 08:00" in html
    assert "Probable cause:" in html and outage.cause.name_en in html
    # The mass outage explains the silence first; then what the unit itself showed.
    assert len(lines) == 3 and "in the same area (JKT)" in lines[0]
    assert "The ignition was off: the vehicle was parked." in lines
    assert all(escape(line) in html for line in lines)
    assert f'href="/desk/tickets/{incident.number}/"' in html
    assert "Mass outage (Area JKT)" in html and f'href="/desk/tickets/{mass.number}/"' in html
    # The history: the open outage so far and the one before it, 4 h + 2 h 30 min.
    assert "ongoing" in html and "2 h 30 min" in html and "In contact, but no valid GPS fix" in html
    assert "Last 30 days: 6 h 30 min" in html

    # On the incident's own page the incident is "this ticket", not a link to itself.
    with at(NOW):
        own = card(page(agent, incident.number))
    assert "Incident this ticket" in " ".join(own.split())


@pytest.mark.django_db
def test_the_fleet_list_badges_every_unit_with_its_condition(agent, unit):
    organisation = unit.vehicle.organisation
    silent = UnitFactory(vehicle=VehicleFactory(organisation=organisation, plate="B 2 SIL"))
    never = UnitFactory(vehicle=VehicleFactory(organisation=organisation, plate="B 3 NEW"))
    heard(unit)
    heard(silent, condition="offline", condition_since=wib(2026, 11, 26, 8, 0))
    ticket = ticket_for(unit, unit=unit)
    with at(NOW):
        html = fleet(page(agent, ticket.number))
    offline = html.index('condition-offline">Offline: no contact<')
    assert html.index(silent.imei) < offline < html.index(never.imei)
    assert html.count('condition-ok">Reporting<') == 1
    assert never.imei in html and 'condition-unheard">Never heard<' in html


@pytest.mark.django_db
def test_a_unit_never_heard_from_says_so(agent, unit):
    ticket = ticket_for(unit, unit=unit)
    html = card(page(agent, ticket.number))
    assert "No heartbeat received from this unit yet." in html
    assert "Last contact" not in html


@pytest.mark.django_db
def test_a_ticket_about_a_vehicle_shows_the_unit_installed_in_it(agent, unit):
    old = UnitFactory(vehicle=unit.vehicle, removed_on=datetime(2025, 1, 1).date())
    heard(unit, operator="Indosat")
    heard(old, operator="XL")
    ticket = ticket_for(unit, vehicle=unit.vehicle)
    assert ticket.unit_id is None
    with at(NOW):
        html = card(page(agent, ticket.number))
    assert unit.imei in html and "Indosat" in html
    assert old.imei not in html and "XL" not in html


@pytest.mark.django_db
def test_a_vendor_does_not_see_the_units_monitoring(agent, unit):
    heard(unit, latitude=-6.2, longitude=106.8)
    ticket = ticket_for(unit, unit=unit)
    vendor = UserFactory(role="vendor")
    group = SupportGroup.objects.get(code="vendor")
    group.members.add(vendor)
    ticket_escalate(ticket=ticket, by=agent, group=group, reason="RMA please")
    html = page(vendor, ticket.number)
    assert "Unit monitoring" not in html and "106.8" not in html


def _ticket_with_fleet(size: int):
    contact = ContactFactory()
    organisation = contact.organisation
    units = [UnitFactory(vehicle=VehicleFactory(organisation=organisation)) for _ in range(size)]
    for n, unit in enumerate(units):
        SubscriptionFactory(unit=unit)
        heard(unit, condition="offline" if n % 2 else "ok")
    unit = units[0]
    Outage.objects.create(
        unit=unit,
        condition="offline",
        started_at=wib(2026, 11, 26, 8, 0),
        detected_at=wib(2026, 11, 26, 8, 40),
        cause=Cause.objects.get(code="old_device"),
        ticket=TicketFactory(contact=contact, unit=unit),
        group=OutageGroup.objects.create(
            group_by="operator",
            key=f"Operator {size}",
            started_at=wib(2026, 11, 26, 8, 0),
            detected_at=wib(2026, 11, 26, 8, 40),
            ticket=TicketFactory(contact=contact),
        ),
    )
    UnitEvent.objects.create(
        unit=unit, source="traccar", kind="alarm", alarm="powerCut", at=wib(2026, 11, 26, 7, 55)
    )
    return TicketFactory(contact=contact, unit=unit)


@pytest.mark.django_db
def test_the_page_costs_the_same_queries_for_a_fleet_of_2_and_of_20(agent):
    small, large = _ticket_with_fleet(2), _ticket_with_fleet(20)
    client = signed_in(agent)
    counts = []
    for ticket, size in ((small, 2), (large, 20)):
        with at(NOW), CaptureQueriesContext(connection) as queries:
            html = client.get(f"/desk/tickets/{ticket.number}/").content.decode()
        counts.append(len(queries))
        assert fleet(html).count("condition-offline") == size // 2
        assert "Power cut" in card(html) and "Mass outage" in card(html)
    assert counts[0] == counts[1]


def test_spans_below_a_minute_are_in_seconds():
    from sigap.desk.unit_panel import span_text

    assert span_text(timedelta(seconds=42)) == "42 s"
    assert span_text(timedelta(minutes=90)) == "1 h 30 min"


@pytest.mark.django_db
def test_downtime_counts_the_last_30_days_only_beyond_the_shown_history(
    unit, django_assert_max_num_queries
):
    from sigap.telematics.selectors import HISTORY_SHOWN, unit_health

    heard(unit)
    # One outage across the window's start (counts 1 h of its 3), then more than the
    # history shows, an hour each, and the open one (2 h so far).
    start = NOW - timedelta(days=30)
    Outage.objects.create(
        unit=unit,
        condition="offline",
        started_at=start - timedelta(hours=2),
        detected_at=start - timedelta(hours=2),
        ended_at=start + timedelta(hours=1),
    )
    for day in range(1, HISTORY_SHOWN + 2):
        began = start + timedelta(days=day)
        Outage.objects.create(
            unit=unit,
            condition="gps_stale",
            started_at=began,
            detected_at=began,
            ended_at=began + timedelta(hours=1),
        )
    Outage.objects.create(
        unit=unit,
        condition="offline",
        started_at=NOW - timedelta(hours=2),
        detected_at=NOW - timedelta(hours=2),
    )
    unit = Unit.objects.get(pk=unit.pk)  # without its state: the selector reads it
    with at(NOW), django_assert_max_num_queries(4):
        health = unit_health(unit)
    assert health is not None and len(health.outages) == HISTORY_SHOWN
    assert health.open_outage == health.outages[0]
    assert health.downtime == timedelta(hours=1 + HISTORY_SHOWN + 1 + 2)
