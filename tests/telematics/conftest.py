"""Fixtures of the unit-monitoring tests: a subscribed fleet, Traccar's and OsmAnd's
posts through the real hooks, and the silence scan at a frozen moment."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.test import Client, TestCase
from huey.contrib.djhuey import HUEY

from sigap.telematics.tasks import scan_and_follow_up
from tests.factories import ContactFactory, SubscriptionFactory, UnitFactory

TOKEN = "telemetry-test-token"
T0 = datetime(2026, 3, 2, 3, 0, tzinfo=UTC)  # Monday 10:00 in Jakarta


@pytest.fixture(autouse=True)
def empty_task_schedule():
    HUEY.flush()
    yield
    HUEY.flush()


@pytest.fixture
def hooks() -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {TOKEN}", HTTP_ACCEPT_LANGUAGE="en")


def subscribed_unit(**unit_fields):
    """A unit in a vehicle under an active subscription, its customer reachable."""
    unit = UnitFactory(**unit_fields)
    SubscriptionFactory(unit=unit)
    ContactFactory(organisation=unit.vehicle.organisation, language="en")
    return unit


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.000+00:00")


def position(unit, at: datetime, *, fix_at: datetime | None = None, **attributes) -> dict:
    """Traccar's position forwarding JSON for the unit, heard at `at`."""
    lat = attributes.pop("lat", -6.2)
    lon = attributes.pop("lon", 106.8)
    valid = attributes.pop("valid", True)
    return {
        "position": {
            "id": int(at.timestamp()),
            "deviceId": unit.pk,
            "protocol": "teltonika",
            "serverTime": iso(at),
            "deviceTime": iso(fix_at or at),
            "fixTime": iso(fix_at or at),
            "outdated": False,
            "valid": valid,
            "latitude": lat,
            "longitude": lon,
            "speed": 20.0,
            "attributes": {"ignition": True, "power": 12.6, "battery": 4.1, "rssi": 20, "sat": 9}
            | attributes,
        },
        "device": {"id": unit.pk, "uniqueId": unit.imei, "status": "online"},
    }


def alarm_event(unit, at: datetime, alarm: str, event_id: int = 1) -> dict:
    return {
        "event": {
            "id": event_id,
            "type": "alarm",
            "eventTime": iso(at),
            "deviceId": unit.pk,
            "attributes": {"alarm": alarm},
        },
        "device": {"id": unit.pk, "uniqueId": unit.imei, "status": "online"},
    }


def post(client: Client, payload: dict, path: str = "/hooks/traccar"):
    return client.post(path, payload, content_type="application/json")


def heard(client: Client, unit, start: datetime, minutes: int, every: int = 1, **attributes):
    """The unit reports every `every` minutes for `minutes` from `start`."""
    for minute in range(0, minutes, every):
        at = start + timedelta(minutes=minute)
        response = post(client, position(unit, at, **attributes))
        assert response.status_code == 200, response.content


def scan_at(moment: datetime) -> dict[str, int]:
    """The periodic scan at `moment`, and what its commits set off (tasks, signals)."""
    with time_machine.travel(moment, tick=False), TestCase.captureOnCommitCallbacks(execute=True):
        return scan_and_follow_up()
