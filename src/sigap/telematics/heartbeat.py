"""The one shape every intake (Traccar, OsmAnd, MQTT) is decoded into.

A heartbeat is what one message says about one unit: when the unit was heard, its
fix, and whatever attributes it carried. Decoders (`telematics.decode`) build them
from the engines' documented payloads; the writer (`telematics.state`) merges them
into the unit's one state row.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


@dataclass(frozen=True, slots=True)
class Heartbeat:
    imei: str  # the unit's IMEI (Traccar's uniqueId, OsmAnd's id)
    source: str  # choices.Source
    heard_at: datetime  # when the engine heard the unit (aware, UTC); for OsmAnd, receipt
    contact: bool = True  # False for an engine's own verdict (deviceOffline, ...)
    fix_at: datetime | None = None  # the device's own time of the fix (aware, UTC)
    valid: bool | None = None  # whether the fix is valid; None when no position
    latitude: float | None = None
    longitude: float | None = None
    speed: float | None = None  # km/h
    ignition: bool | None = None
    power: float | None = None  # external (vehicle) voltage, V
    battery: float | None = None  # internal battery voltage, V
    rssi: int | None = None
    satellites: int | None = None
    operator: str = ""  # mobile operator, when the device reports it
    cell: str = ""  # cell id ("mcc-mnc-lac-cid"), when reported
    alarm: str = ""  # choices.Alarm value, or "" for none
    event: str = ""  # choices.EventKind value for a Traccar event, "" for a position
    event_id: str = ""  # the sender's id of this event or position, for dedup
    attributes: dict[str, Any] = field(default_factory=dict)  # extras, kept on events
