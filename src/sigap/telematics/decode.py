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
import math
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from django.utils.translation import gettext as _

from sigap.core.errors import ValidationFailed
from sigap.telematics.choices import Alarm, EventKind, Source
from sigap.telematics.heartbeat import Heartbeat

KNOT_KMH = 1.852
MPS_KMH = 3.6
MAX_IMEI = 32
MAX_MQTT_ID = 48  # "mqtt:" + id must fit the event's 64-character external id
MAX_MQTT_ITEMS = 1000
MAX_TEXT = 64

TRACCAR, OSMAND, MQTT = Source.TRACCAR.value, Source.OSMAND.value, Source.MQTT.value
_ALARMS = frozenset(a.value for a in Alarm) - {Alarm.OTHER.value}
_EVENTS = frozenset(e.value for e in EventKind)
# The engine's own verdicts about a unit: no message from the unit stands behind them.
_VERDICTS = frozenset({EventKind.OFFLINE.value, EventKind.UNKNOWN.value, EventKind.INACTIVE.value})
_MQTT_KEYS = frozenset(
    "imei id time server_time valid lat lon speed ignition power battery rssi sat "
    "operator cell alarm event".split()
)


class BadTelemetry(ValidationFailed):
    """A payload Sigap cannot read; answered 422 so the sender sees its mistake."""


# --- Traccar ---------------------------------------------------------------------


def traccar(payload: dict) -> Heartbeat:
    """One Traccar forward: an event (with its position, if any) or a position."""
    if not isinstance(payload, dict):
        raise _bad("", _("The body must be a JSON object."))
    event, position = payload.get("event"), payload.get("position")
    if event is None and position is None:
        message = _('Expected a Traccar event or position: the body has no "event" or "position".')
        raise _bad("", message)
    device = _object(payload.get("device"), "device")
    imei = _imei(device.get("uniqueId"), "device.uniqueId")
    if event is not None:
        return _traccar_event(_object(event, "event"), imei, position)
    return _traccar_position(_object(position, "position"), imei)


def _traccar_event(event: dict, imei: str, position: Any) -> Heartbeat:
    kind = event.get("type")
    if not isinstance(kind, str) or not kind:
        raise _required("event.type")
    if "eventTime" in event:
        heard_at = _time(event["eventTime"], "event.eventTime")
    else:  # Traccar before 5.x named it serverTime
        heard_at = _time(event.get("serverTime"), "event.eventTime")
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
    event_attrs = _object(event.get("attributes") or {}, "event.attributes")
    fix: dict[str, Any] = {}
    position_attrs: dict = {}
    if position is not None:
        fix, position_attrs = _traccar_fix(_object(position, "position"))
    raw = event_attrs.get("alarm") or position_attrs.get("alarm")
    alarm = _alarm(raw)
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
    heard_at = _time(position.get("serverTime"), "position.serverTime")
    fix, attrs = _traccar_fix(position)
    alarm = _alarm(attrs.get("alarm"))
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
    attrs = _object(position.get("attributes") or {}, "position.attributes")
    lat, lon = _coords(position, "latitude", "longitude", "position.")
    speed = _number(position.get("speed"), "position.speed")
    # An outdated position is Traccar re-sending the last known one: not a fresh fix.
    valid = _flag(position.get("valid"), "position.valid", False) and not _flag(
        position.get("outdated"), "position.outdated", False
    )
    fields = {
        "fix_at": _time(position.get("fixTime"), "position.fixTime"),
        "valid": valid,
        "latitude": lat,
        "longitude": lon,
        "speed": None if speed is None else speed * KNOT_KMH,
        **_readings(attrs, "position.attributes."),
        "operator": _text(attrs.get("operator")),
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
    received_at = _utc(received_at)
    imei = _imei(params.get("id") or params.get("deviceid"), "id")
    where: Mapping[str, str] = params
    if "lat" not in params and "lon" not in params and params.get("location"):
        where = dict(zip(("lat", "lon"), params["location"].split(","), strict=False))
    lat, lon = _coords(where, "lat", "lon", "")
    stamp = params.get("timestamp")
    at = received_at if stamp in (None, "") else _time(stamp, "timestamp")
    speed = _number(params.get("speed"), "speed")
    alarm = _alarm(params.get("alarm"))
    attributes: dict[str, Any] = {}
    level = _number(params.get("batt"), "batt")
    if level is not None:
        attributes["batteryLevel"] = level
    charge = _flag(params.get("charge"), "charge", None)
    if charge is not None:
        attributes["charge"] = charge
    if params.get("driverUniqueId"):
        attributes["driverUniqueId"] = _text(params["driverUniqueId"])
    if alarm:
        attributes["alarm"] = params["alarm"]
    has_fix = lat is not None
    return Heartbeat(
        imei=imei,
        source=OSMAND,
        heard_at=received_at,  # OsmAnd has no server time: Sigap is the server
        fix_at=at if has_fix else None,
        valid=_flag(params.get("valid"), "valid", True if has_fix else None),
        latitude=lat,
        longitude=lon,
        speed=None if speed is None else speed * KNOT_KMH,
        alarm=alarm,
        event_id=_osmand_id(imei, at),
        attributes=attributes,
        **_readings(params, ""),
    )


def osmand_json(payload: dict, *, received_at: datetime) -> Heartbeat:
    """The JSON body Traccar Client posts: `{"device_id", "location": {...}}`."""
    received_at = _utc(received_at)
    if not isinstance(payload, dict):
        raise _bad("", _("The body must be a JSON object."))
    imei = _imei(payload.get("device_id"), "device_id")
    location = _object(payload.get("location"), "location")
    coords = _object(location.get("coords") or {}, "location.coords")
    lat, lon = _coords(coords, "latitude", "longitude", "location.coords.")
    stamp = location.get("timestamp")
    at = received_at if stamp in (None, "") else _time(stamp, "location.timestamp")
    speed = _number(coords.get("speed"), "location.coords.speed")
    attributes: dict[str, Any] = {}
    battery = location.get("battery")
    if isinstance(battery, dict):
        level = _number(battery.get("level"), "location.battery.level")
        if level is not None and level >= 0:  # the SDK sends -1 when it cannot tell
            attributes["batteryLevel"] = round(level * 100, 1)
        charging = _flag(battery.get("is_charging"), "location.battery.is_charging", None)
        if charging is not None:
            attributes["charge"] = charging
    motion = _flag(location.get("is_moving"), "location.is_moving", None)
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
    received_at = _utc(received_at)
    try:
        data = json.loads(payload)
    except ValueError as exc:  # UnicodeDecodeError is one
        raise _bad("", _("The message is not UTF-8 JSON: %(error)s"), error=exc) from None
    if isinstance(data, dict):
        return [_mqtt_one(data, "", _topic_imei(topic), received_at)]
    if not isinstance(data, list):
        raise _bad("", _("The message must be a JSON object or an array of objects."))
    if len(data) > MAX_MQTT_ITEMS:
        message = _("The array has %(count)d heartbeats; send at most %(max)d per message.")
        raise _bad("", message, count=len(data), max=MAX_MQTT_ITEMS)
    unit = _topic_imei(topic)
    return [_mqtt_one(item, f"[{i}].", unit, received_at) for i, item in enumerate(data)]


def _mqtt_one(item: Any, at: str, topic_imei: str, received_at: datetime) -> Heartbeat:
    if not isinstance(item, dict):
        raise _bad(at.rstrip("."), _("Each heartbeat must be a JSON object."))
    if "position" in item or "event" in item:
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
            raise _bad(at + "imei", message)
        raw_imei = topic_imei
    imei = _imei(raw_imei, at + "imei")
    sender_id = item.get("id")
    if sender_id in (None, ""):
        event_id = ""
    elif len(str(sender_id)) > MAX_MQTT_ID:
        raise _bad(at + "id", _("%(field)s must be at most %(max)d characters."), max=MAX_MQTT_ID)
    else:
        event_id = f"mqtt:{sender_id}"
    server_time = item.get("server_time")
    heard_at = received_at if server_time in (None, "") else _time(server_time, at + "server_time")
    lat, lon = _coords(item, "lat", "lon", at)
    has_fix = lat is not None
    fix_time = item.get("time")
    if fix_time not in (None, ""):
        fix_at: datetime | None = _time(fix_time, at + "time")
    else:
        fix_at = heard_at if has_fix else None
    kind = item.get("event") or ""
    if not isinstance(kind, str):
        raise _bad(at + "event", _("%(field)s must be a string, such as deviceOffline."))
    foreign = kind if kind not in _EVENTS else ""  # kept like Traccar's other types
    if foreign:
        kind = ""
    alarm = _alarm(item.get("alarm"))
    if kind == EventKind.ALARM and not alarm:
        alarm = Alarm.OTHER.value
    attributes: dict[str, Any] = {"type": foreign} if foreign else {}
    if alarm:
        attributes.update((k, v) for k, v in item.items() if k not in _MQTT_KEYS)
        attributes["alarm"] = item.get("alarm") or ""
    readings = _readings(item, at)
    if readings["ignition"] is None and kind in (EventKind.IGNITION_ON, EventKind.IGNITION_OFF):
        readings["ignition"] = kind == EventKind.IGNITION_ON
    return Heartbeat(
        imei=imei,
        source=MQTT,
        heard_at=heard_at,
        contact=not foreign and kind not in _VERDICTS,
        fix_at=fix_at,
        valid=_flag(item.get("valid"), at + "valid", True if has_fix else None),
        latitude=lat,
        longitude=lon,
        speed=_number(item.get("speed"), at + "speed"),
        operator=_text(item.get("operator")),
        cell=_text(item.get("cell")),
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


# --- Fields ----------------------------------------------------------------------


def _bad(field: str, template: str, **values: Any) -> BadTelemetry:
    """The error for `field`; `template` is a translated message with %(field)s etc."""
    message = template % {"field": field, **values}
    return BadTelemetry(message, fields={field: message} if field else None)


def _required(field: str) -> BadTelemetry:
    return _bad(field, _("%(field)s is required."))


def _show(value: Any) -> str:
    text = f'"{value}"' if isinstance(value, str) else json.dumps(value, default=str)
    return text if len(text) <= 40 else text[:37] + "..."


def _object(value: Any, field: str) -> dict:
    if value is None:
        raise _required(field)
    if not isinstance(value, dict):
        raise _bad(field, _("%(field)s must be a JSON object."))
    return value


def _imei(value: Any, field: str) -> str:
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        if value is None:
            raise _required(field)
        raise _bad(field, _("%(field)s must be a string."))
    imei = value.strip()
    if not imei:
        raise _required(field)
    if len(imei) > MAX_IMEI:
        raise _bad(field, _("%(field)s must be at most %(max)d characters."), max=MAX_IMEI)
    return imei


def _number(value: Any, field: str) -> float | None:
    if value is None or value == "":
        return None
    if not isinstance(value, bool):
        try:
            number = float(value)
        except (TypeError, ValueError):
            pass
        else:
            if math.isfinite(number):
                return number
    raise _bad(field, _("%(field)s must be a number, not %(value)s."), value=_show(value))


def _integer(value: Any, field: str) -> int | None:
    number = _number(value, field)
    return None if number is None else round(number)


def _flag(value: Any, field: str, default: bool | None) -> bool | None:
    if value is None or value == "":
        return default
    if isinstance(value, bool):
        return value
    if value in (0, 1):
        return bool(value)
    if isinstance(value, str):
        text = value.strip().lower()
        if text in ("true", "1"):
            return True
        if text in ("false", "0"):
            return False
    raise _bad(field, _("%(field)s must be true or false, not %(value)s."), value=_show(value))


def _readings(values: Mapping, at: str) -> dict[str, Any]:
    """The unit's readings, named alike in Traccar's attributes, OsmAnd and MQTT."""
    return {
        "ignition": _flag(values.get("ignition"), at + "ignition", None),
        "power": _number(values.get("power"), at + "power"),
        "battery": _number(values.get("battery"), at + "battery"),
        "rssi": _integer(values.get("rssi"), at + "rssi"),
        "satellites": _integer(values.get("sat"), at + "sat"),
    }


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()[:MAX_TEXT]


def _coords(
    values: Mapping, lat_key: str, lon_key: str, at: str
) -> tuple[float | None, float | None]:
    """Latitude and longitude, both or neither, in range."""
    lat_field, lon_field = at + lat_key, at + lon_key
    latitude = _number(values.get(lat_key), lat_field)
    longitude = _number(values.get(lon_key), lon_field)
    if latitude is None and longitude is None:
        return None, None
    if latitude is None or longitude is None:
        missing, given = (lat_field, lon_field) if latitude is None else (lon_field, lat_field)
        raise _bad(missing, _("%(field)s is required when %(other)s is given."), other=given)
    for field, number, limit in ((lat_field, latitude, 90), (lon_field, longitude, 180)):
        if not -limit <= number <= limit:
            message = _(
                "%(field)s must be between -%(limit)d and %(limit)d degrees, not %(value)s."
            )
            raise _bad(field, message, limit=limit, value=_show(number))
    return latitude, longitude


def _alarm(raw: Any) -> str:
    """The first known alarm in Traccar's comma-separated list; OTHER for unknown names."""
    if raw is None or raw == "":
        return ""
    names = [name.strip() for name in str(raw).split(",")]
    for name in names:
        if name in _ALARMS:
            return name
    return Alarm.OTHER.value if any(names) else ""


def _time(value: Any, field: str) -> datetime:
    """ISO 8601 (naive means UTC), "yyyy-MM-dd HH:mm:ss", or Unix seconds or ms."""
    if value is None or value == "":
        raise _required(field)
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    if isinstance(value, int | float) and not isinstance(value, bool):
        # Milliseconds from 1973 on are above 1e11; seconds stay below it until 5138.
        seconds = value / 1000 if abs(value) >= 1e11 else value
        try:
            return datetime.fromtimestamp(seconds, UTC)
        except (OverflowError, OSError, ValueError):
            pass
    elif isinstance(value, str) and len(value.strip()) > 10:  # a date alone is no time
        try:
            return _utc(datetime.fromisoformat(value.strip()))
        except ValueError:
            pass
    message = _(
        "%(field)s is not a time Sigap can read: %(value)s. Send ISO 8601 such as "
        "2024-05-01T10:15:30Z, or Unix time in milliseconds such as 1714558530000."
    )
    raise _bad(field, message, value=_show(value))


def _utc(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)
