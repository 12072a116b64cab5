"""Decoding the engines' documented payloads into heartbeats (no database)."""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime, timedelta

import pytest
from django.http import QueryDict

from sigap.telematics.choices import Alarm, EventKind, Source
from sigap.telematics.decode import BadTelemetry, mqtt, osmand, osmand_json, traccar

RECEIVED = datetime(2024, 5, 1, 10, 16, tzinfo=UTC)
IMEI = "356307042441013"

DEVICE = {
    "id": 12,
    "attributes": {},
    "groupId": 3,
    "name": "B 9123 TXA",
    "uniqueId": IMEI,
    "status": "online",
    "lastUpdate": "2024-05-01T10:15:31.000+00:00",
    "positionId": 88213,
    "phone": "+6281234567890",
    "model": "GT06N",
    "category": "truck",
    "disabled": False,
}
POSITION = {
    "id": 88213,
    "attributes": {
        "alarm": "powerCut",
        "power": 0.0,
        "battery": 3.91,
        "rssi": 4,
        "sat": 9,
        "ignition": False,
        "motion": False,
        "distance": 0.0,
        "totalDistance": 152340.5,
    },
    "deviceId": 12,
    "protocol": "gt06",
    "serverTime": "2024-05-01T10:15:31.000+00:00",
    "deviceTime": "2024-05-01T10:15:30.000+00:00",
    "fixTime": "2024-05-01T10:15:30.000+00:00",
    "outdated": False,
    "valid": True,
    "latitude": -6.175392,
    "longitude": 106.827153,
    "altitude": 12.0,
    "speed": 0.0,
    "course": 0.0,
    "address": None,
    "accuracy": 0.0,
    "network": None,
}
POWER_CUT = {
    "event": {
        "id": 3701,
        "attributes": {"alarm": "powerCut"},
        "deviceId": 12,
        "type": "alarm",
        "eventTime": "2024-05-01T10:15:31.000+00:00",
        "positionId": 88213,
        "geofenceId": 0,
        "maintenanceId": 0,
    },
    "position": POSITION,
    "device": DEVICE,
}


def event(type_: str, **changes) -> dict:
    payload = copy.deepcopy(POWER_CUT)
    payload["event"].update(type=type_, attributes={}, **changes)
    del payload["position"]
    return payload


def position(**changes) -> dict:
    body = copy.deepcopy(POSITION)
    body["attributes"] = {"power": 12.6, "battery": 4.1, "rssi": 22, "sat": 11, "ignition": True}
    body.update(changes)
    return {"position": body, "device": copy.deepcopy(DEVICE)}


def error(call, *args, **kwargs) -> BadTelemetry:
    with pytest.raises(BadTelemetry) as caught:
        call(*args, **kwargs)
    return caught.value


# --- Traccar events ---------------------------------------------------------------


def test_power_cut_alarm_event_carries_its_position():
    beat = traccar(POWER_CUT)

    assert (beat.imei, beat.source) == (IMEI, Source.TRACCAR)
    assert (beat.event, beat.alarm, beat.contact) == (EventKind.ALARM, Alarm.POWER_CUT, True)
    assert beat.event_id == "event:3701"  # the event's id, not the position's
    assert beat.heard_at == datetime(2024, 5, 1, 10, 15, 31, tzinfo=UTC)
    assert beat.fix_at == datetime(2024, 5, 1, 10, 15, 30, tzinfo=UTC)
    assert (beat.latitude, beat.longitude, beat.valid) == (-6.175392, 106.827153, True)
    assert (beat.power, beat.battery, beat.satellites) == (0.0, 3.91, 9)
    assert beat.attributes["alarm"] == "powerCut"
    assert beat.attributes["totalDistance"] == 152340.5


def test_several_alarms_take_the_first_known_one():
    payload = copy.deepcopy(POWER_CUT)
    payload["event"]["attributes"]["alarm"] = "overspeed,tampering,powerCut"

    assert traccar(payload).alarm == Alarm.TAMPERING


def test_an_unknown_alarm_is_other_with_its_name_kept():
    payload = copy.deepcopy(POWER_CUT)
    payload["event"]["attributes"]["alarm"] = "sos"
    payload["position"]["attributes"]["alarm"] = "sos"

    beat = traccar(payload)

    assert beat.alarm == Alarm.OTHER
    assert beat.attributes["alarm"] == "sos"


def test_device_offline_is_the_engines_verdict_not_contact():
    beat = traccar(event("deviceOffline", id=3702, eventTime="2024-05-01T11:15:31.000+00:00"))

    assert (beat.event, beat.contact, beat.alarm) == (EventKind.OFFLINE, False, "")
    assert beat.heard_at == datetime(2024, 5, 1, 11, 15, 31, tzinfo=UTC)
    assert (beat.fix_at, beat.valid, beat.latitude) == (None, None, None)
    assert beat.attributes == {}


def test_ignition_off_event_sets_ignition_and_counts_as_contact():
    beat = traccar(event("ignitionOff", id=3703))

    assert (beat.event, beat.ignition, beat.contact) == (EventKind.IGNITION_OFF, False, True)
    assert beat.event_id == "event:3703"


def test_an_older_traccar_event_with_server_time_is_read():
    payload = event("deviceOnline")
    payload["event"]["serverTime"] = payload["event"].pop("eventTime")

    beat = traccar(payload)

    assert beat.heard_at == datetime(2024, 5, 1, 10, 15, 31, tzinfo=UTC)
    assert beat.contact is True


def test_other_traccar_event_types_are_accepted_without_contact():
    beat = traccar(event("geofenceEnter", geofenceId=4))

    assert (beat.event, beat.contact, beat.alarm) == ("", False, "")
    assert beat.attributes == {"type": "geofenceEnter"}


def test_an_event_without_a_type_is_refused():
    payload = event("alarm")
    del payload["event"]["type"]

    assert error(traccar, payload).fields == {"event.type": "event.type is required."}


# --- Traccar positions ------------------------------------------------------------


def test_position_reads_readings_and_converts_knots_to_kmh():
    payload = position(speed=10.0)
    payload["position"]["attributes"]["operator"] = "Telkomsel"

    beat = traccar(payload)

    assert beat.speed == pytest.approx(18.52)
    assert beat.event_id == "position:88213"
    assert (beat.event, beat.alarm, beat.contact) == ("", "", True)
    assert (beat.ignition, beat.power, beat.battery) == (True, 12.6, 4.1)
    assert (beat.rssi, beat.satellites, beat.operator) == (22, 11, "Telkomsel")
    assert beat.attributes == {}  # kept only with an alarm


def test_an_outdated_position_is_not_a_valid_fix():
    beat = traccar(position(outdated=True, valid=True))

    assert beat.valid is False
    assert beat.latitude == -6.175392


def test_the_first_cell_tower_becomes_the_cell():
    tower = {"mobileCountryCode": 510, "mobileNetworkCode": 10, "locationAreaCode": 1234}
    network = {
        "radioType": "gsm",
        "considerIp": False,
        "cellTowers": [{**tower, "cellId": 56789}, {**tower, "cellId": 11111}],
    }

    assert traccar(position(network=network)).cell == "510-10-1234-56789"


@pytest.mark.parametrize(
    "fix_time",
    [
        "2024-05-01T10:15:30.000+00:00",
        "2024-05-01T10:15:30Z",
        "2024-05-01T17:15:30.000+07:00",
        "2024-05-01T10:15:30",  # naive: UTC
        1714558530000,  # epoch milliseconds
    ],
)
def test_traccar_times_are_read_as_utc(fix_time):
    beat = traccar(position(fixTime=fix_time))

    assert beat.fix_at == datetime(2024, 5, 1, 10, 15, 30, tzinfo=UTC)
    assert beat.fix_at.utcoffset() == timedelta(0)


def test_a_fix_time_in_the_future_is_decoded_as_given():
    beat = traccar(position(fixTime="2030-01-01T00:00:00Z"))

    assert beat.fix_at == datetime(2030, 1, 1, tzinfo=UTC)


# --- Traccar errors ---------------------------------------------------------------


def test_a_missing_unique_id_is_named():
    payload = position()
    del payload["device"]["uniqueId"]

    bad = error(traccar, payload)

    assert bad.message == "device.uniqueId is required."
    assert bad.fields == {"device.uniqueId": "device.uniqueId is required."}
    assert bad.status == 422


def test_a_unique_id_longer_than_32_characters_is_refused():
    payload = position()
    payload["device"]["uniqueId"] = "x" * 33

    assert error(traccar, payload).message == ("device.uniqueId must be at most 32 characters.")


def test_a_body_that_is_neither_event_nor_position_is_refused():
    bad = error(traccar, {"device": DEVICE})

    assert 'no "event" or "position"' in bad.message


def test_a_position_without_server_time_is_refused():
    payload = position()
    del payload["position"]["serverTime"]

    assert error(traccar, payload).message == "position.serverTime is required."


def test_an_unreadable_time_names_the_field_and_the_expected_form():
    bad = error(traccar, position(fixTime="01/05/2024 10:15"))

    assert bad.message.startswith('position.fixTime is not a time Sigap can read: "01/05/2024')
    assert "2024-05-01T10:15:30Z" in bad.message
    assert list(bad.fields) == ["position.fixTime"]


def test_a_latitude_out_of_range_is_refused():
    bad = error(traccar, position(latitude=-106.8, longitude=-6.2))

    assert bad.message == "position.latitude must be between -90 and 90 degrees, not -106.8."


def test_a_non_numeric_power_is_refused():
    payload = position()
    payload["position"]["attributes"]["power"] = "12,6V"

    bad = error(traccar, payload)

    assert bad.fields == {
        "position.attributes.power": 'position.attributes.power must be a number, not "12,6V".'
    }


# --- OsmAnd -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "timestamp",
    ["1609459200", "1609459200000", "2021-01-01T00:00:00Z", "2021-01-01 00:00:00"],
)
def test_osmand_reads_every_timestamp_form(timestamp):
    params = QueryDict(mutable=True)
    params.update({"id": "123456", "lat": "-6.2", "lon": "106.8", "timestamp": timestamp})

    beat = osmand(params, received_at=RECEIVED)

    assert beat.fix_at == datetime(2021, 1, 1, tzinfo=UTC)
    assert beat.heard_at == RECEIVED  # Sigap is the server
    assert beat.event_id == "osmand:123456:1609459200000"


def test_osmand_reads_the_documented_parameters():
    query = (
        "deviceid=862462030012345&lat=-7.2575&lon=112.7521&timestamp=1714558530"
        "&speed=20&bearing=90&altitude=8&accuracy=5&hdop=0.9&batt=76&charge=true"
        "&valid=0&ignition=true&power=12.4&battery=3.8&rssi=18&sat=7&alarm=powerCut"
        "&driverUniqueId=DRV-0042&odometer=1234"
    )

    beat = osmand(QueryDict(query), received_at=RECEIVED)

    assert (beat.imei, beat.source) == ("862462030012345", Source.OSMAND)
    assert (beat.latitude, beat.longitude, beat.valid) == (-7.2575, 112.7521, False)
    assert beat.speed == pytest.approx(37.04)  # knots
    assert (beat.ignition, beat.power, beat.battery) == (True, 12.4, 3.8)
    assert (beat.rssi, beat.satellites) == (18, 7)
    assert beat.alarm == Alarm.POWER_CUT
    assert beat.attributes == {
        "batteryLevel": 76.0,
        "charge": True,
        "driverUniqueId": "DRV-0042",
        "alarm": "powerCut",
    }


def test_osmand_without_a_timestamp_is_fixed_when_received():
    beat = osmand({"id": "123456", "lat": "-6.2", "lon": "106.8"}, received_at=RECEIVED)

    assert beat.fix_at == RECEIVED
    assert beat.valid is True
    assert beat.event_id == f"osmand:123456:{int(RECEIVED.timestamp() * 1000)}"


def test_osmand_without_an_id_is_refused():
    bad = error(osmand, {"lat": "-6.2", "lon": "106.8"}, received_at=RECEIVED)

    assert bad.fields == {"id": "id is required."}


def test_osmand_latitude_without_longitude_is_refused():
    bad = error(osmand, {"id": "123456", "lat": "-6.2"}, received_at=RECEIVED)

    assert bad.message == "lon is required when lat is given."


def test_osmand_non_numeric_values_are_named():
    params = {"id": "123456", "lat": "-6.2", "lon": "106.8", "sat": "many"}

    assert error(osmand, params, received_at=RECEIVED).message == (
        'sat must be a number, not "many".'
    )


def test_osmand_unreadable_timestamp_is_refused():
    params = {"id": "123456", "lat": "-6.2", "lon": "106.8", "timestamp": "yesterday"}

    bad = error(osmand, params, received_at=RECEIVED)

    assert bad.message.startswith('timestamp is not a time Sigap can read: "yesterday".')


# --- Traccar Client JSON ----------------------------------------------------------

TRACCAR_CLIENT = {
    "location": {
        "timestamp": "2024-05-01T10:15:30.412Z",
        "coords": {
            "latitude": -6.914744,
            "longitude": 107.60981,
            "accuracy": 6.1,
            "speed": 10.0,
            "heading": 271.5,
            "altitude": 768.2,
        },
        "is_moving": True,
        "odometer": 15320.4,
        "event": "motionchange",
        "battery": {"level": 0.85, "is_charging": False},
        "activity": {"type": "in_vehicle"},
        "extras": {},
    },
    "device_id": "48241179",
}


def test_traccar_client_json_is_read():
    beat = osmand_json(TRACCAR_CLIENT, received_at=RECEIVED)

    assert (beat.imei, beat.source, beat.heard_at) == ("48241179", Source.OSMAND, RECEIVED)
    assert beat.fix_at == datetime(2024, 5, 1, 10, 15, 30, 412000, tzinfo=UTC)
    assert (beat.latitude, beat.longitude, beat.valid) == (-6.914744, 107.60981, True)
    assert beat.speed == pytest.approx(36.0)  # m/s
    assert beat.attributes == {"batteryLevel": 85.0, "charge": False, "motion": True}
    assert beat.event_id == "osmand:48241179:1714558530412"


def test_traccar_client_json_without_device_id_is_refused():
    payload = copy.deepcopy(TRACCAR_CLIENT)
    del payload["device_id"]

    assert error(osmand_json, payload, received_at=RECEIVED).message == "device_id is required."


# --- MQTT -------------------------------------------------------------------------

TOPIC = f"sigap/units/{IMEI}/heartbeat"


def test_mqtt_single_heartbeat():
    message = {
        "imei": "862462030012345",
        "id": "gw1-88412",
        "time": "2024-05-01T10:15:30Z",
        "valid": True,
        "lat": -6.2,
        "lon": 106.8,
        "speed": 42.5,
        "ignition": True,
        "power": 12.6,
        "battery": 4.1,
        "rssi": 22,
        "sat": 9,
        "operator": "XL Axiata",
        "cell": "510-11-2041-40731",
    }

    [beat] = mqtt(json.dumps(message).encode(), topic=TOPIC, received_at=RECEIVED)

    assert (beat.imei, beat.source, beat.event_id) == ("862462030012345", "mqtt", "mqtt:gw1-88412")
    assert (beat.heard_at, beat.fix_at) == (RECEIVED, datetime(2024, 5, 1, 10, 15, 30, tzinfo=UTC))
    assert beat.speed == 42.5  # already km/h
    assert (beat.operator, beat.cell, beat.contact) == ("XL Axiata", "510-11-2041-40731", True)


def test_mqtt_array_with_server_time_and_alarm():
    messages = [
        {
            "imei": "A1",
            "time": 1714558530000,
            "server_time": "2024-05-01T10:15:31Z",
            "lat": 1,
            "lon": 2,
        },
        {"imei": "A2", "alarm": "removing", "valid": False, "door": "open"},
    ]

    first, second = mqtt(json.dumps(messages).encode(), topic="gw/1", received_at=RECEIVED)

    assert first.heard_at == datetime(2024, 5, 1, 10, 15, 31, tzinfo=UTC)
    assert first.fix_at == datetime(2024, 5, 1, 10, 15, 30, tzinfo=UTC)
    assert (second.alarm, second.valid, second.fix_at) == (Alarm.REMOVING, False, None)
    assert second.attributes == {"door": "open", "alarm": "removing"}


def test_mqtt_takes_the_imei_from_the_topic():
    [beat] = mqtt(b'{"lat": -6.2, "lon": 106.8}', topic=TOPIC, received_at=RECEIVED)

    assert beat.imei == IMEI
    assert (beat.fix_at, beat.valid) == (RECEIVED, True)


def test_mqtt_offline_event_is_not_contact():
    [beat] = mqtt(b'{"imei": "A1", "event": "deviceOffline"}', topic="x", received_at=RECEIVED)

    assert (beat.event, beat.contact) == (EventKind.OFFLINE, False)


def test_mqtt_without_imei_anywhere_says_where_to_put_it():
    bad = error(mqtt, b'{"lat": -6.2, "lon": 106.8}', topic="sigap/heartbeat", received_at=RECEIVED)

    assert bad.message == (
        "imei is required: put it in the message, or in the topic as in "
        "sigap/units/<imei>/heartbeat."
    )


def test_mqtt_that_is_not_json_is_refused():
    bad = error(mqtt, b"imei=1&lat=2", topic=TOPIC, received_at=RECEIVED)

    assert bad.message.startswith("The message is not UTF-8 JSON")


def test_mqtt_array_larger_than_1000_is_refused():
    payload = json.dumps([{"imei": "A1"}] * 1001).encode()

    bad = error(mqtt, payload, topic=TOPIC, received_at=RECEIVED)

    assert bad.message == "The array has 1001 heartbeats; send at most 1000 per message."


def test_mqtt_errors_name_the_item_in_the_array():
    payload = b'[{"imei": "A1", "lat": 1, "lon": 2}, {"imei": "A2", "lat": 91, "lon": 2}]'

    bad = error(mqtt, payload, topic=TOPIC, received_at=RECEIVED)

    assert bad.fields == {"[1].lat": "[1].lat must be between -90 and 90 degrees, not 91.0."}


def test_mqtt_takes_traccars_own_forwarding_json():
    payload = {
        "position": {
            "id": 9,
            "serverTime": "2024-05-01T10:15:30.000+00:00",
            "fixTime": "2024-05-01T10:15:29.000+00:00",
            "valid": True,
            "latitude": -6.2,
            "longitude": 106.8,
            "attributes": {"ignition": False, "power": 12.1},
        },
        "device": {"uniqueId": "356307042441013"},
    }
    [beat] = mqtt(
        json.dumps(payload).encode(),
        topic="traccar/positions",
        received_at=datetime(2024, 5, 1, 10, 16, tzinfo=UTC),
    )
    assert beat.imei == "356307042441013" and beat.ignition is False and beat.power == 12.1
    assert beat.heard_at == datetime(2024, 5, 1, 10, 15, 30, tzinfo=UTC)
