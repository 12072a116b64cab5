"""The evidence behind a probable cause: stored as data on the outage (a code and its
values), read as sentences in the reader's language."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.conf import settings
from django.utils import formats, timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from sigap.telematics.choices import Alarm, Condition, GroupBy


def item(code: str, **values: Any) -> dict[str, Any]:
    """One piece of evidence; datetimes are kept as ISO text."""
    return {
        "code": code,
        **{k: v.isoformat() if isinstance(v, datetime) else v for k, v in values.items()},
    }


def _when(text: str | None) -> str:
    moment = parse_datetime(text) if text else None
    if moment is None:
        return "—"
    return formats.date_format(timezone.localtime(moment), "j M Y H:i")


def _label(choices, value: str) -> str:
    return str(dict(choices.choices).get(value, value))


def sentence(evidence: dict[str, Any]) -> str:
    code = evidence.get("code", "")
    v = evidence
    if code == "last_contact":
        return _("No contact from the unit since %(at)s.") % {"at": _when(v.get("at"))}
    if code == "no_fix":
        return _(
            "The unit is in contact (last %(contact)s) but its last valid fix was %(fix)s."
        ) % {
            "contact": _when(v.get("contact")),
            "fix": _when(v.get("fix")),
        }
    if code == "clock":
        return _("The unit's clock is off by %(minutes)d minutes (fix times %(direction)s).") % {
            "minutes": abs(v.get("seconds", 0)) // 60,
            "direction": _("ahead") if v.get("seconds", 0) > 0 else _("behind"),
        }
    if code == "alarm":
        return _("Alarm “%(alarm)s” at %(at)s, %(minutes)d minutes before the silence.") % {
            "alarm": _label(Alarm, v.get("alarm", "")),
            "at": _when(v.get("at")),
            "minutes": v.get("minutes", 0),
        }
    if code == "mass":
        return _(
            "%(units)d units went silent within %(minutes)d minutes in the same %(shared)s (%(key)s)."
        ) % {
            "units": v.get("units", 0),
            "minutes": v.get("minutes", 0),
            "shared": _label(GroupBy, v.get("group_by", "")).lower(),
            "key": v.get("key", ""),
        }
    if code == "legacy":
        return _("The unit is a %(model)s, an old device type known to stop updating.") % {
            "model": v.get("model", "")
        }
    if code == "firmware":
        return _("Firmware %(firmware)s is below the minimum %(minimum)s for %(model)s.") % {
            "firmware": v.get("firmware", ""),
            "minimum": v.get("minimum", ""),
            "model": v.get("model", ""),
        }
    if code == "power":
        return _("Vehicle power was %(power).1f V (trend %(trend)+.2f V/h) when last heard.") % {
            "power": v.get("power", 0.0),
            "trend": v.get("trend") or 0.0,
        }
    if code == "signal":
        return _("Signal was weak when last heard (RSSI %(rssi)d).") % {"rssi": v.get("rssi", 0)}
    if code == "ignition":
        return (
            _("The ignition was on: the vehicle was in use.")
            if v.get("on")
            else _("The ignition was off: the vehicle was parked.")
        )
    if code == "delay":
        return _("Positions from the gap arrived late (last delivery delay %(minutes)d min).") % {
            "minutes": v.get("seconds", 0) // 60
        }
    if code == "unknown":
        return _("No alarm, shared outage or known device problem explains the silence yet.")
    if code == "condition":
        return _label(Condition, v.get("condition", ""))
    return code


def group_evidence(group) -> dict[str, Any]:
    """What a mass outage says about each of its units."""
    return item(
        "mass",
        group_by=group.group_by,
        key=group.key,
        units=group.outages.count(),
        minutes=settings.SIGAP_TELEMETRY_MASS_MINUTES,
    )


def outage_evidence(outage) -> list[dict[str, Any]]:
    """The outage's evidence, its mass outage's first when it is part of one (which then
    explains what the unit alone could not)."""
    evidence = list(outage.evidence or [])
    if outage.group_id:
        evidence = [group_evidence(outage.group)] + [e for e in evidence if e["code"] != "unknown"]
    return evidence


def evidence_lines(outage) -> list[str]:
    """The outage's evidence as sentences in the active language."""
    return [sentence(entry) for entry in outage_evidence(outage)]
