"""The ticket page's "Unit monitoring" card: what monitoring knows of the ticket's unit
(`telematics.selectors.unit_health`), with its numbers put into words. Times stay
datetimes: the template shows them in the reader's timezone like the rest of the page."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils import formats
from django.utils.translation import gettext as _

from sigap.core.durations import duration_text
from sigap.customers.models import Unit
from sigap.telematics.choices import Alarm
from sigap.telematics.evidence import evidence_lines
from sigap.telematics.models import Outage, UnitState
from sigap.telematics.selectors import DOWNTIME_WINDOW, UnitHealth, unit_health

# A voltage moving less than this (V/h) is steady: the trend is smoothed, not exact.
STEADY = 0.05


@dataclass(frozen=True)
class VoltageView:
    volts: str
    arrow: str  # drawn; `direction` is what a screen reader reads
    direction: str
    trend: str  # "" when no trend is known yet


@dataclass(frozen=True)
class AlarmView:
    label: str
    at: datetime


@dataclass(frozen=True)
class OutageView:
    outage: Outage
    downtime: str  # "" while it lasts


@dataclass(frozen=True)
class UnitPanel:
    """`state` is None for a unit Sigap has never heard from; the rest is then empty."""

    unit: Unit
    state: UnitState | None
    delay: str
    clock_offset: str
    power: VoltageView | None
    battery: VoltageView | None
    last_alarm: str
    open_outage: Outage | None
    evidence: list[str]
    alarms: list[AlarmView]
    history: list[OutageView]
    downtime: str
    window_days: int


def unit_panel_get(unit: Unit) -> UnitPanel:
    health = unit_health(unit)
    if health is None:
        return UnitPanel(
            unit=unit,
            state=None,
            delay="",
            clock_offset="",
            power=None,
            battery=None,
            last_alarm="",
            open_outage=None,
            evidence=[],
            alarms=[],
            history=[],
            downtime="",
            window_days=DOWNTIME_WINDOW.days,
        )
    return _panel(unit, health)


def _panel(unit: Unit, health: UnitHealth) -> UnitPanel:
    state = health.state
    delay = state.delay_seconds or 0
    offset = state.clock_offset_seconds or 0
    outage = health.open_outage
    return UnitPanel(
        unit=unit,
        state=state,
        delay=span_text(timedelta(seconds=delay)) if delay > 0 else "",
        clock_offset=_offset_text(offset) if offset else "",
        power=_voltage(state.power, state.power_trend),
        battery=_voltage(state.battery, state.battery_trend),
        last_alarm=alarm_label(state.last_alarm) if state.last_alarm else "",
        open_outage=outage,
        evidence=evidence_lines(outage) if outage is not None else [],
        alarms=[AlarmView(alarm_label(e.alarm), e.at) for e in health.alarms],
        history=[
            OutageView(o, span_text(o.downtime) if o.downtime is not None else "")
            for o in health.outages
        ],
        downtime=span_text(health.downtime) if health.downtime else _("none"),
        window_days=DOWNTIME_WINDOW.days,
    )


def alarm_label(alarm: str) -> str:
    return str(Alarm(alarm).label) if alarm in Alarm.values else alarm


def span_text(amount: timedelta) -> str:
    """Seconds for a short delay; longer spans as the rest of the page writes them."""
    if amount < timedelta(minutes=1):
        return _("%(seconds)d s") % {"seconds": int(amount.total_seconds())}
    return duration_text(amount)


def _offset_text(seconds: int) -> str:
    span = span_text(timedelta(seconds=abs(seconds)))
    # The unit stamps its fixes ahead of (or behind) the time Sigap hears them.
    if seconds > 0:
        return _("%(span)s ahead") % {"span": span}
    return _("%(span)s behind") % {"span": span}


def _voltage(volts: float | None, trend: float | None) -> VoltageView | None:
    if volts is None:
        return None
    text = f"{formats.number_format(volts, 1)} V"
    if trend is None:
        return VoltageView(text, "", "", "")
    if trend >= STEADY:
        arrow, direction = "↑", _("rising")
    elif trend <= -STEADY:
        arrow, direction = "↓", _("falling")
    else:
        arrow, direction = "→", _("steady")
    sign = "+" if trend >= 0 else "\N{MINUS SIGN}"
    return VoltageView(text, arrow, direction, f"{sign}{formats.number_format(abs(trend), 2)} V/h")
