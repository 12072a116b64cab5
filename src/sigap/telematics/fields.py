"""Reading one field of a telemetry payload: each reader returns the value or raises
`BadTelemetry` naming the field and what was expected. Shared by the decoders."""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from django.utils.translation import gettext as _

from sigap.core.errors import ValidationFailed
from sigap.telematics.choices import Alarm

MAX_IMEI = 32
MAX_TEXT = 64
_ALARMS = frozenset(a.value for a in Alarm) - {Alarm.OTHER.value}


class BadTelemetry(ValidationFailed):
    """A payload Sigap cannot read; answered 422 so the sender sees its mistake."""


def bad(field: str, template: str, **values: Any) -> BadTelemetry:
    """The error for `field`; `template` is a translated message with %(field)s etc."""
    message = template % {"field": field, **values}
    return BadTelemetry(message, fields={field: message} if field else None)


def required(field: str) -> BadTelemetry:
    return bad(field, _("%(field)s is required."))


def show(value: Any) -> str:
    text = f'"{value}"' if isinstance(value, str) else json.dumps(value, default=str)
    return text if len(text) <= 40 else text[:37] + "..."


def mapping(value: Any, field: str) -> dict:
    if value is None:
        raise required(field)
    if not isinstance(value, dict):
        raise bad(field, _("%(field)s must be a JSON object."))
    return value


def imei(value: Any, field: str) -> str:
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        if value is None:
            raise required(field)
        raise bad(field, _("%(field)s must be a string."))
    given = value.strip()
    if not given:
        raise required(field)
    if len(given) > MAX_IMEI:
        raise bad(field, _("%(field)s must be at most %(max)d characters."), max=MAX_IMEI)
    return given


def number(value: Any, field: str) -> float | None:
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
    raise bad(field, _("%(field)s must be a number, not %(value)s."), value=show(value))


def integer(value: Any, field: str) -> int | None:
    amount = number(value, field)
    return None if amount is None else round(amount)


def flag(value: Any, field: str, default: bool | None) -> bool | None:
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
    raise bad(field, _("%(field)s must be true or false, not %(value)s."), value=show(value))


def readings(values: Mapping, at: str) -> dict[str, Any]:
    """The unit's readings, named alike in Traccar's attributes, OsmAnd and MQTT."""
    return {
        "ignition": flag(values.get("ignition"), at + "ignition", None),
        "power": number(values.get("power"), at + "power"),
        "battery": number(values.get("battery"), at + "battery"),
        "rssi": integer(values.get("rssi"), at + "rssi"),
        "satellites": integer(values.get("sat"), at + "sat"),
    }


def text(value: Any) -> str:
    return "" if value is None else str(value).strip()[:MAX_TEXT]


def coords(
    values: Mapping, lat_key: str, lon_key: str, at: str
) -> tuple[float | None, float | None]:
    """Latitude and longitude, both or neither, in range."""
    lat_field, lon_field = at + lat_key, at + lon_key
    latitude = number(values.get(lat_key), lat_field)
    longitude = number(values.get(lon_key), lon_field)
    if latitude is None and longitude is None:
        return None, None
    if latitude is None or longitude is None:
        missing, given = (lat_field, lon_field) if latitude is None else (lon_field, lat_field)
        raise bad(missing, _("%(field)s is required when %(other)s is given."), other=given)
    for field, degrees, limit in ((lat_field, latitude, 90), (lon_field, longitude, 180)):
        if not -limit <= degrees <= limit:
            message = _(
                "%(field)s must be between -%(limit)d and %(limit)d degrees, not %(value)s."
            )
            raise bad(field, message, limit=limit, value=show(degrees))
    return latitude, longitude


def alarm(raw: Any) -> str:
    """The first known alarm in Traccar's comma-separated list; OTHER for unknown names."""
    if raw is None or raw == "":
        return ""
    names = [name.strip() for name in str(raw).split(",")]
    for name in names:
        if name in _ALARMS:
            return name
    return Alarm.OTHER.value if any(names) else ""


def time(value: Any, field: str) -> datetime:
    """ISO 8601 (naive means UTC), "yyyy-MM-dd HH:mm:ss", or Unix seconds or ms."""
    if value is None or value == "":
        raise required(field)
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
            return utc(datetime.fromisoformat(value.strip()))
        except ValueError:
            pass
    message = _(
        "%(field)s is not a time Sigap can read: %(value)s. Send ISO 8601 such as "
        "2024-05-01T10:15:30Z, or Unix time in milliseconds such as 1714558530000."
    )
    raise bad(field, message, value=show(value))


def utc(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)
