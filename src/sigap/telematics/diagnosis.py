"""Why a unit probably went silent, from what its state and model say, with the
evidence for it. Mass outages (many units at once) are found by the scan, which sees
them all; this module reads one unit."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sigap.telematics.choices import DISCONNECT_ALARMS, GPS_ALARMS, Condition
from sigap.telematics.evidence import item

# An alarm this long before the silence explains it.
ALARM_BEFORE = timedelta(hours=1)
WEAK_RSSI = 10  # on the 0-31 GSM scale


@dataclass(frozen=True)
class Silent:
    """What the scan read about a silent unit."""

    unit_id: int
    condition: str
    started_at: datetime
    last_contact_at: datetime | None
    fix_heard_at: datetime | None
    last_alarm: str
    last_alarm_at: datetime | None
    ignition: bool | None
    power: float | None
    power_trend: float | None
    rssi: int | None
    clock_offset_seconds: int | None
    area: str
    operator: str
    model: str
    legacy: bool
    firmware: str
    min_firmware: str


def version_key(version: str) -> tuple:
    """'1.10.2' > '1.9': compare dotted versions by their numbers."""
    parts = []
    for piece in version.replace("-", ".").replace("_", ".").split("."):
        digits = "".join(ch for ch in piece if ch.isdigit())
        parts.append(int(digits) if digits else 0)
    return tuple(parts)


def firmware_outdated(firmware: str, minimum: str) -> bool:
    return bool(firmware and minimum) and version_key(firmware) < version_key(minimum)


def diagnose(unit: Silent) -> tuple[str | None, list[dict[str, Any]]]:
    """The probable cause's code (None: not known yet) and the evidence."""
    evidence: list[dict[str, Any]] = []
    if unit.condition == Condition.OFFLINE:
        evidence.append(item("last_contact", at=unit.last_contact_at))
    elif unit.condition == Condition.GPS_STALE:
        evidence.append(item("no_fix", contact=unit.last_contact_at, fix=unit.fix_heard_at))
    elif unit.condition == Condition.CLOCK_ERROR:
        evidence.append(item("clock", seconds=unit.clock_offset_seconds or 0))
    if unit.ignition is not None:
        evidence.append(item("ignition", on=unit.ignition))
    if unit.power is not None:
        evidence.append(item("power", power=unit.power, trend=unit.power_trend))
    if unit.rssi is not None and unit.rssi < WEAK_RSSI:
        evidence.append(item("signal", rssi=unit.rssi))

    cause = None
    if unit.condition == Condition.CLOCK_ERROR:
        cause = "clock_error"
    alarms = (
        GPS_ALARMS | DISCONNECT_ALARMS
        if unit.condition == Condition.GPS_STALE
        else DISCONNECT_ALARMS
    )
    if (
        cause is None
        and unit.last_alarm in alarms
        and unit.last_alarm_at is not None
        and unit.started_at - ALARM_BEFORE <= unit.last_alarm_at
    ):
        minutes = max(0, int((unit.started_at - unit.last_alarm_at).total_seconds() // 60))
        evidence.insert(
            0, item("alarm", alarm=unit.last_alarm, at=unit.last_alarm_at, minutes=minutes)
        )
        cause = "driver_disconnected"
    if unit.legacy:
        evidence.append(item("legacy", model=unit.model))
        cause = cause or "old_device"
    if firmware_outdated(unit.firmware, unit.min_firmware):
        evidence.append(
            item("firmware", firmware=unit.firmware, minimum=unit.min_firmware, model=unit.model)
        )
        cause = cause or "firmware_upgrade"
    if cause is None:
        evidence.append(item("unknown"))
    return cause, evidence
