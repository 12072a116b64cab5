"""Decoders: each engine's documented payload into `Heartbeat` records.

Pure functions, no database: the intake hooks call them for every message (thousands
a second), so they read plain dicts and raise `BadTelemetry`, whose message tells the
sender which field is wrong and what was expected.

- `traccar(payload)`: Traccar's event forwarding (`{"event", "device", "position"?}`)
  or position forwarding (`{"position", "device"}`). Traccar speeds are knots.
- `osmand(params, received_at=...)`: the OsmAnd protocol's query or form parameters.
- `osmand_json(payload, received_at=...)`: the JSON body Traccar Client 9+ posts.
- `mqtt(payload, topic=..., received_at=...)`: Sigap's own MQTT heartbeat, below, or
  Traccar's forwarding JSON as Traccar publishes it to a broker (`forward.type` mqtt).

Sigap's MQTT heartbeat is a UTF-8 JSON object, or an array of at most 1,000 of them:

    {
      "imei": "356307042441013",       # optional: else the topic segment after "units"
                                       #   (sigap/units/356307042441013/heartbeat)
      "id": "gw1-88412",               # optional, at most 48 characters: the sender's
                                       #   id of this message; a repeat is ignored
      "time": "2024-05-01T10:15:30Z",  # optional: the fix time, ISO 8601 or Unix ms;
                                       #   default the server_time when lat/lon are sent
      "server_time": "...",            # optional: when the gateway heard the unit;
                                       #   default the time Sigap received the message
      "valid": true,                   # optional: whether the fix is valid; default
                                       #   true when lat/lon are sent
      "lat": -6.2, "lon": 106.8,       # optional, together; degrees
      "speed": 42.5,                   # km/h
      "ignition": true,
      "power": 12.6, "battery": 4.1,   # external and internal voltage, V
      "rssi": 22, "sat": 9,
      "operator": "Telkomsel", "cell": "510-10-1234-56789",
      "alarm": "powerCut",             # a Traccar alarm name (choices.Alarm)
      "event": "deviceOffline"         # optional: a choices.EventKind value
    }

Keys besides these are kept only on a heartbeat that carries an alarm. An unknown
alarm name becomes `Alarm.OTHER` with the name kept in `attributes["alarm"]`; an
event type outside `EventKind` is accepted as `event=""`, `contact=False`,
`attributes={"type": ...}`, the same as Traccar's other event types.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from django.utils.translation import gettext as _

from sigap.telematics import fields as read
from sigap.telematics.choices import Alarm, EventKind, Source
from sigap.telematics.fields import BadTelemetry
from sigap.telematics.heartbeat import Heartbeat

KNOT_KMH = 1.852
MPS_KMH = 3.6
MAX_MQTT_ID = 48  # "mqtt:" + id must fit the event's 64-character external id
MAX_MQTT_ITEMS = 1000

TRACCAR, OSMAND, MQTT = Source.TRACCAR.value, Source.OSMAND.value, Source.MQTT.value
_EVENTS = frozenset(e.value for e in EventKind)
# The engine's own verdicts about a unit: no message from the unit stands behind them.
_VERDICTS = frozenset({EventKind.OFFLINE.value, EventKind.UNKNOWN.value, EventKind.INACTIVE.value})
_MQTT_KEYS = frozenset(
    "imei id time server_time valid lat lon speed ignition power battery rssi sat "
    "operator cell alarm event".split()
)


# --- Traccar ---------------------------------------------------------------------


def traccar(payload: dict) -> Heartbeat:
    """One Traccar forward: an event (with its position, if any) or a position."""
    if not isinstance(payload, dict):
        raise read.bad("", _("The body must be a JSON object."))
    event, position = payload.get("event"), payload.get("position")
    if event is None and position is None:
        message = _('Expected a Traccar event or position: the body has no "event" or "position".')
        raise read.bad("", message)
    device = read.mapping(payload.get("device"), "device")
    imei = read.imei(device.get("uniqueId"), "device.uniqueId")
    if event is not None:
        return _traccar_event(read.mapping(event, "event"), imei, position)
    return _traccar_position(read.mapping(position, "position"), imei)


def _traccar_event(event: dict, imei: str, position: Any) -> Heartbeat:
    kind = event.get("type")
    if not isinstance(kind, str) or not kind:
        raise read.required("event.type")
    if "eventTime" in event:
        heard_at = read.time(event["eventTime"], "event.eventTime")
    else:  # Traccar before 5.x named it serverTime
        heard_at = read.time(event.get("serverTime"), "event.eventTime")
    event_id = f"event:{event['id']}" if event.get("id") is not None else ""
    if kind not in _EVENTS:
        # geofenceEnter, deviceMoving, commandResult...: accepted, but not the unit's
        # state; their positions arrive through position forwarding anyway.
        return Heartbeat(
            imei=imei,
            source=TRACCAR,
            heard_at=heard_at,
            contact=False,
            event_id=event_id,
            attributes={"type": kind},
        )
    event_attrs = read.mapping(event.get("attributes") or {}, "event.attributes")
    fix: dict[str, Any] = {}
    position_attrs: dict = {}
    if position is not None:
        fix, position_attrs = _traccar_fix(read.mapping(position, "position"))
    raw = event_attrs.get("alarm") or position_attrs.get("alarm")
    alarm = read.alarm(raw)
    if kind == EventKind.ALARM and not alarm:
        alarm = Alarm.OTHER.value
    if kind == EventKind.IGNITION_ON:
        fix["ignition"] = True
    elif kind == EventKind.IGNITION_OFF:
        fix["ignition"] = False
    return Heartbeat(
        imei=imei,
        source=TRACCAR,
        heard_at=heard_at,
        contact=kind not in _VERDICTS,
        alarm=alarm,
        event=kind,
        event_id=event_id,
        attributes={**position_attrs, **event_attrs} if alarm else {},
        **fix,
    )


def _traccar_position(position: dict, imei: str) -> Heartbeat:
    heard_at = read.time(position.get("serverTime"), "position.serverTime")
    fix, attrs = _traccar_fix(position)
    alarm = read.alarm(attrs.get("alarm"))
    return Heartbeat(
        imei=imei,
        source=TRACCAR,
        heard_at=heard_at,
        alarm=alarm,
        event_id=f"position:{position['id']}" if position.get("id") is not None else "",
        attributes=dict(attrs) if alarm else {},
        **fix,
    )


def _traccar_fix(position: dict) -> tuple[dict[str, Any], dict]:
    """The Heartbeat fields a Traccar position fills, and its attributes."""
    attrs = read.mapping(position.get("attributes") or {}, "position.attributes")
    lat, lon = read.coords(position, "latitude", "longitude", "position.")
    speed = read.number(position.get("speed"), "position.speed")
    # An outdated position is Traccar re-sending the last known one: not a fresh fix.
    valid = read.flag(position.get("valid"), "position.valid", False) and not read.flag(
        position.get("outdated"), "position.outdated", False
    )
    fields = {
        "fix_at": read.time(position.get("fixTime"), "position.fixTime"),
        "valid": valid,
        "latitude": lat,
        "longitude": lon,
        "speed": None if speed is None else speed * KNOT_KMH,
        **read.readings(attrs, "position.attributes."),
        "operator": read.text(attrs.get("operator")),
        "cell": _traccar_cell(position.get("network")),
    }
    return fields, attrs


def _traccar_cell(network: Any) -> str:
    # A diagnostic extra: a shape we do not know costs the cell, not the heartbeat.
    if not isinstance(network, dict):
        return ""
    towers = network.get("cellTowers")
    if not isinstance(towers, list) or not towers or not isinstance(towers[0], dict):
        return ""
    tower = towers[0]
    keys = ("mobileCountryCode", "mobileNetworkCode", "locationAreaCode", "cellId")
    parts = [tower.get(key) for key in keys]
    if any(part is None for part in parts):
        return ""
    return "-".join(str(part) for part in parts)


# --- OsmAnd ----------------------------------------------------------------------


def osmand(params: Mapping[str, str], *, received_at: datetime) -> Heartbeat:
    """One OsmAnd request's query or form parameters (https://www.traccar.org/osmand/)."""
    received_at = read.utc(received_at)
    imei = read.imei(params.get("id") or params.get("deviceid"), "id")
    where: Mapping[str, str] = params
    if "lat" not in params and "lon" not in params and params.get("location"):
        where = dict(zip(("lat", "lon"), params["location"].split(","), strict=False))
    lat, lon = read.coords(where, "lat", "lon", "")
    stamp = params.get("timestamp")
    at = received_at if stamp in (None, "") else read.time(stamp, "timestamp")
    speed = read.number(params.get("speed"), "speed")
    alarm = read.alarm(params.get("alarm"))
    attributes: dict[str, Any] = {}
    level = read.number(params.get("batt"), "batt")
    if level is not None:
        attributes["batteryLevel"] = level
    charge = read.flag(params.get("charge"), "charge", None)
    if charge is not None:
        attributes["charge"] = charge
    if params.get("driverUniqueId"):
        attributes["driverUniqueId"] = read.text(params["driverUniqueId"])
    if alarm:
        attributes["alarm"] = params["alarm"]
    has_fix = lat is not None
    return Heartbeat(
        imei=imei,
        source=OSMAND,
        heard_at=received_at,  # OsmAnd has no server time: Sigap is the server
        fix_at=at if has_fix else None,
        valid=read.flag(params.get("valid"), "valid", True if has_fix else None),
        latitude=lat,
        longitude=lon,
        speed=None if speed is None else speed * KNOT_KMH,
        alarm=alarm,
        event_id=_osmand_id(imei, at),
        attributes=attributes,
        **read.readings(params, ""),
    )


def osmand_json(payload: dict, *, received_at: datetime) -> Heartbeat:
    """The JSON body Traccar Client posts: `{"device_id", "location": {...}}`."""
    received_at = read.utc(received_at)
    if not isinstance(payload, dict):
        raise read.bad("", _("The body must be a JSON object."))
    imei = read.imei(payload.get("device_id"), "device_id")
    location = read.mapping(payload.get("location"), "location")
    coords = read.mapping(location.get("coords") or {}, "location.coords")
    lat, lon = read.coords(coords, "latitude", "longitude", "location.coords.")
    stamp = location.get("timestamp")
    at = received_at if stamp in (None, "") else read.time(stamp, "location.timestamp")
    speed = read.number(coords.get("speed"), "location.coords.speed")
    attributes: dict[str, Any] = {}
    battery = location.get("battery")
    if isinstance(battery, dict):
        level = read.number(battery.get("level"), "location.battery.level")
        if level is not None and level >= 0:  # the SDK sends -1 when it cannot tell
            attributes["batteryLevel"] = round(level * 100, 1)
        charging = read.flag(battery.get("is_charging"), "location.battery.is_charging", None)
        if charging is not None:
            attributes["charge"] = charging
    motion = read.flag(location.get("is_moving"), "location.is_moving", None)
    if motion is not None:
        attributes["motion"] = motion
    has_fix = lat is not None
    return Heartbeat(
        imei=imei,
        source=OSMAND,
        heard_at=received_at,
        fix_at=at if has_fix else None,
        valid=True if has_fix else None,
        latitude=lat,
        longitude=lon,
        # m/s; the SDK sends -1 for an unknown speed
        speed=None if speed is None or speed < 0 else speed * MPS_KMH,
        event_id=_osmand_id(imei, at),
        attributes=attributes,
    )


def _osmand_id(imei: str, at: datetime) -> str:
    # OsmAnd has no message id: the device and its fix time identify a position.
    return f"osmand:{imei}:{int(at.timestamp() * 1000)}"


# --- MQTT ------------------------------------------------------------------------


def mqtt(payload: bytes, *, topic: str, received_at: datetime) -> list[Heartbeat]:
    """One MQTT message: a heartbeat object or an array of them (see the module doc)."""
    received_at = read.utc(received_at)
    try:
        data = json.loads(payload)
    except ValueError as exc:  # UnicodeDecodeError is one
        raise read.bad("", _("The message is not UTF-8 JSON: %(error)s"), error=exc) from None
    if isinstance(data, dict):
        return [_mqtt_one(data, "", _topic_imei(topic), received_at)]
    if not isinstance(data, list):
        raise read.bad("", _("The message must be a JSON object or an array of objects."))
    if len(data) > MAX_MQTT_ITEMS:
        message = _("The array has %(count)d heartbeats; send at most %(max)d per message.")
        raise read.bad("", message, count=len(data), max=MAX_MQTT_ITEMS)
    unit = _topic_imei(topic)
    return [_mqtt_one(item, f"[{i}].", unit, received_at) for i, item in enumerate(data)]


def _mqtt_one(item: Any, at: str, topic_imei: str, received_at: datetime) -> Heartbeat:
    if not isinstance(item, dict):
        raise read.bad(at.rstrip("."), _("Each heartbeat must be a JSON object."))
    if isinstance(item.get("position"), dict) or isinstance(item.get("event"), dict):
        # Traccar's own forwarding to a broker (forward.type / event.forward.type mqtt)
        # publishes the JSON it would post.
        return traccar(item)
    raw_imei = item.get("imei")
    if raw_imei in (None, ""):
        if not topic_imei:
            message = _(
                "%(field)s is required: put it in the message, or in the topic as in "
                "sigap/units/<imei>/heartbeat."
            )
            raise read.bad(at + "imei", message)
        raw_imei = topic_imei
    imei = read.imei(raw_imei, at + "imei")
    sender_id = item.get("id")
    if sender_id in (None, ""):
        event_id = ""
    elif len(str(sender_id)) > MAX_MQTT_ID:
        raise read.bad(
            at + "id", _("%(field)s must be at most %(max)d characters."), max=MAX_MQTT_ID
        )
    else:
        event_id = f"mqtt:{sender_id}"
    server_time = item.get("server_time")
    heard_at = (
        received_at if server_time in (None, "") else read.time(server_time, at + "server_time")
    )
    lat, lon = read.coords(item, "lat", "lon", at)
    has_fix = lat is not None
    fix_time = item.get("time")
    if fix_time not in (None, ""):
        fix_at: datetime | None = read.time(fix_time, at + "time")
    else:
        fix_at = heard_at if has_fix else None
    kind = item.get("event") or ""
    if not isinstance(kind, str):
        raise read.bad(at + "event", _("%(field)s must be a string, such as deviceOffline."))
    foreign = kind if kind not in _EVENTS else ""  # kept like Traccar's other types
    if foreign:
        kind = ""
    alarm = read.alarm(item.get("alarm"))
    if kind == EventKind.ALARM and not alarm:
        alarm = Alarm.OTHER.value
    attributes: dict[str, Any] = {"type": foreign} if foreign else {}
    if alarm:
        attributes.update((k, v) for k, v in item.items() if k not in _MQTT_KEYS)
        attributes["alarm"] = item.get("alarm") or ""
    readings = read.readings(item, at)
    if readings["ignition"] is None and kind in (EventKind.IGNITION_ON, EventKind.IGNITION_OFF):
        readings["ignition"] = kind == EventKind.IGNITION_ON
    return Heartbeat(
        imei=imei,
        source=MQTT,
        heard_at=heard_at,
        contact=not foreign and kind not in _VERDICTS,
        fix_at=fix_at,
        valid=read.flag(item.get("valid"), at + "valid", True if has_fix else None),
        latitude=lat,
        longitude=lon,
        speed=read.number(item.get("speed"), at + "speed"),
        operator=read.text(item.get("operator")),
        cell=read.text(item.get("cell")),
        alarm=alarm,
        event=kind,
        event_id=event_id,
        attributes=attributes,
        **readings,
    )


def _topic_imei(topic: str) -> str:
    """The segment after "units" in a topic such as sigap/units/<imei>/heartbeat."""
    segments = topic.split("/")
    for i, segment in enumerate(segments[:-1]):
        if segment == "units" and segments[i + 1] not in ("", "+", "#"):
            return segments[i + 1]
    return ""


__all__ = ["BadTelemetry", "mqtt", "osmand", "osmand_json", "traccar"]
