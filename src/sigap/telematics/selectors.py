"""What the desk reads of unit monitoring: one unit's health for its ticket, and the
conditions of a customer's fleet in one query.

Support staff only: a unit's position is the customer's, not a vendor's to see. The
callers (the desk's ticket page) show these to staff alone."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sigap.core import clock
from sigap.customers.models import Unit
from sigap.telematics.models import Outage, UnitEvent, UnitState

ALARMS_SHOWN = 5
HISTORY_SHOWN = 10
DOWNTIME_WINDOW = timedelta(days=30)


@dataclass(frozen=True)
class UnitHealth:
    """A unit as monitoring last knew it. `outages` is the downtime history, newest
    first, the open outage (if any) among them; `downtime` is how long the unit was
    down in the last `DOWNTIME_WINDOW`, the open outage counted up to now."""

    state: UnitState
    open_outage: Outage | None
    alarms: list[UnitEvent]
    outages: list[Outage]
    downtime: timedelta


def unit_health(unit: Unit) -> UnitHealth | None:
    """The unit's health; None when Sigap has never heard from it (every heartbeat or
    event writes its state row, and outages are found from that row).

    Three queries at most, usually: the state (none when the caller brought it with
    `select_related("state")`), the outages, the alarms; a fourth only for a unit with
    more outages in the window than the history shows."""
    try:
        state = unit.state
    except UnitState.DoesNotExist:
        return None
    now = clock.now()
    since = now - DOWNTIME_WINDOW
    outages = list(
        Outage.objects.filter(unit=unit)
        .select_related("cause", "ticket", "group__ticket")
        .order_by("-started_at", "-id")[:HISTORY_SHOWN]
    )
    # A unit has one open outage at a time and a new one starts only after it ends,
    # so the open one is the newest.
    open_outage = outages[0] if outages and outages[0].ended_at is None else None
    alarms = list(
        UnitEvent.objects.filter(unit=unit).exclude(alarm="").order_by("-at", "-id")[:ALARMS_SHOWN]
    )
    return UnitHealth(
        state=state,
        open_outage=open_outage,
        alarms=alarms,
        outages=outages,
        downtime=_downtime(unit, outages, since=since, now=now),
    )


def _downtime(unit: Unit, shown: list[Outage], *, since: datetime, now: datetime) -> timedelta:
    # A unit's outages do not overlap: when the history is not cut short, or its oldest
    # started before the window, it holds every outage of the window.
    if len(shown) < HISTORY_SHOWN or shown[-1].started_at <= since:
        spans = [(o.started_at, o.ended_at) for o in shown]
    else:
        spans = list(
            Outage.objects.filter(unit=unit, started_at__lt=now)
            .exclude(ended_at__lte=since)
            .values_list("started_at", "ended_at")
        )
    total = timedelta()
    for started, ended in spans:
        start, end = max(started, since), min(ended or now, now)
        if end > start:
            total += end - start
    return total


def conditions_for(unit_ids: Iterable[int]) -> dict[int, UnitState]:
    """The state of each unit heard from, by unit id, in one query; a unit never heard
    from is not in it."""
    ids = set(unit_ids)
    if not ids:
        return {}
    return {state.unit_id: state for state in UnitState.objects.filter(unit_id__in=ids)}
