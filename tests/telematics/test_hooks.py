"""The telemetry hooks as the engines meet them: Traccar's and OsmAnd's documented
requests, the shared secret, clear refusals, and retries that change nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import OperationalError
from django.test import Client

from sigap.telematics.models import UnitEvent, UnitState
from tests.telematics.conftest import T0, TOKEN, alarm_event, position, post, subscribed_unit

pytestmark = pytest.mark.django_db


def test_traccar_position_updates_the_units_state(hooks):
    unit = subscribed_unit()
    response = post(hooks, position(unit, T0, power=12.4, rssi=7))
    assert response.status_code == 200
    assert response.json()["stored"] == 1
    state = UnitState.objects.get(unit=unit)
    assert state.last_contact_at == T0 and state.last_fix_at == T0
    assert state.power == 12.4 and state.rssi == 7 and state.ignition is True
    assert state.due_at == T0 + timedelta(minutes=15)


def test_a_retried_alarm_is_stored_once(hooks):
    unit = subscribed_unit()
    event = alarm_event(unit, T0, "removing", event_id=77)
    assert post(hooks, event).status_code == 200
    assert post(hooks, event).status_code == 200
    [stored] = UnitEvent.objects.filter(unit=unit)
    assert stored.alarm == "removing"
    assert UnitState.objects.get(unit=unit).last_alarm == "removing"


def test_an_engine_verdict_is_recorded_but_is_not_contact(hooks):
    unit = subscribed_unit()
    post(hooks, position(unit, T0))
    offline = {
        "event": {"id": 5, "type": "deviceOffline", "eventTime": "2026-03-02T03:20:00Z"},
        "device": {"uniqueId": unit.imei, "status": "offline"},
    }
    assert post(hooks, offline).status_code == 200
    assert UnitState.objects.get(unit=unit).last_contact_at == T0
    assert UnitEvent.objects.get(unit=unit).kind == "deviceOffline"


def test_osmand_get_with_the_token_in_the_url():
    unit = subscribed_unit()
    response = Client().get(
        "/hooks/osmand",
        {
            "id": unit.imei,
            "lat": "-6.175",
            "lon": "106.827",
            "timestamp": "1772420400",
            "speed": "10",
            "batt": "87",
            "token": TOKEN,
        },
    )
    assert response.status_code == 200, response.content
    state = UnitState.objects.get(unit=unit)
    assert state.latitude == -6.175 and state.last_fix_at.timestamp() == 1772420400


def test_osmand_post_form(hooks):
    unit = subscribed_unit()
    response = hooks.post(
        "/hooks/osmand",
        f"deviceid={unit.imei}&lat=-7.25&lon=112.75&timestamp=2026-03-02T03:00:00Z&valid=false",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200, response.content
    state = UnitState.objects.get(unit=unit)
    assert state.last_contact_at is not None and state.last_fix_at is None  # no valid fix


@pytest.mark.parametrize(
    ("headers", "status", "says"),
    [
        ({}, 401, "Authorization: Bearer"),
        ({"HTTP_AUTHORIZATION": "Bearer wrong"}, 403, "token is wrong"),
    ],
)
def test_a_request_without_the_right_token_is_refused(headers, status, says):
    unit = subscribed_unit()
    response = Client(HTTP_ACCEPT_LANGUAGE="en", **headers).post(
        "/hooks/traccar", position(unit, T0), content_type="application/json"
    )
    assert response.status_code == status
    assert says in response.json()["message"]
    assert not UnitState.objects.exists()


@pytest.mark.parametrize(
    ("body", "says"),
    [
        ("{not json", "not valid JSON"),
        ('{"position": {"serverTime": "2026-03-02T03:00:00Z"}}', "device is required"),
        ("[1, 2]", "JSON object"),
    ],
)
def test_bad_input_gets_a_clear_4xx_and_stores_nothing(hooks, body, says):
    response = hooks.post("/hooks/traccar", body, content_type="application/json")
    assert 400 <= response.status_code < 500
    assert says in response.json()["message"] + str(response.json()["fields"])
    assert not UnitState.objects.exists()


def test_an_unknown_unit_is_named_in_the_refusal(hooks):
    unit = subscribed_unit()
    payload = position(unit, T0)
    payload["device"]["uniqueId"] = "359999999999999"
    response = post(hooks, payload)
    assert response.status_code == 422
    assert "359999999999999" in response.json()["message"]


def test_the_database_down_answers_503_so_the_engine_retries(hooks, monkeypatch):
    from sigap.telematics import batching

    unit = subscribed_unit()

    def down(beats):
        raise OperationalError("connection refused")

    monkeypatch.setattr(batching, "heartbeats_apply", down)
    response = post(hooks, position(unit, T0))
    assert response.status_code == 503
    assert response["Retry-After"]


def test_traccar_forwards_only_by_post(hooks):
    assert hooks.get("/hooks/traccar").status_code == 405
