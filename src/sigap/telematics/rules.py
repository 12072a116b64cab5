"""How long a unit may be unheard before it counts as silent: per device model and
ignition state, from `SilenceRule` rows, else the settings' defaults."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings

from sigap.core import reference
from sigap.telematics.choices import Ignition
from sigap.telematics.models import SilenceRule


@dataclass(frozen=True, slots=True)
class Limits:
    contact: timedelta  # silent (offline) after this long without contact
    fix: timedelta  # GPS stale after this long in contact without a valid fix


def ignition_key(ignition: bool | None) -> str:
    if ignition is None:
        return Ignition.UNKNOWN
    return Ignition.ON if ignition else Ignition.OFF


def default_limits() -> dict[str, Limits]:
    minutes = {
        Ignition.ON: settings.SIGAP_TELEMETRY_SILENT_MOVING,
        Ignition.OFF: settings.SIGAP_TELEMETRY_SILENT_PARKED,
        Ignition.UNKNOWN: settings.SIGAP_TELEMETRY_SILENT_UNKNOWN,
    }
    return {key: Limits(timedelta(minutes=m), timedelta(minutes=m)) for key, m in minutes.items()}


class Rules:
    """The silence rules, read once: one instance serves a batch or a scan."""

    def __init__(self) -> None:
        self._defaults = default_limits()
        self._by_model: dict[int, dict[str, Limits]] = {}
        for rule in SilenceRule.objects.all():
            limits = Limits(
                timedelta(minutes=rule.contact_minutes), timedelta(minutes=rule.fix_minutes)
            )
            if rule.device_model_id is None:
                self._defaults[rule.ignition] = limits
            else:
                self._by_model.setdefault(rule.device_model_id, {})[rule.ignition] = limits

    def limits(self, device_model_id: int | None, ignition: bool | None) -> Limits:
        key = ignition_key(ignition)
        own = self._by_model.get(device_model_id) if device_model_id is not None else None
        if own and key in own:
            return own[key]
        return self._defaults[key]


_current = reference.Table(lambda: {"rules": Rules()}, watch=(SilenceRule,))


def current_rules() -> Rules:
    """The rules as this process last read them (a change reaches it within seconds)."""
    return _current.get("rules")
