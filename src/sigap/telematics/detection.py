"""The silence scan: which units stopped reporting, which came back.

It runs every minute and reads only what changed: the units still counted as reporting
whose `due_at` passed (an index range), and the few in an outage. New outages are
recorded with their probable cause in one transaction, mass outages grouped; opening
their incidents and telling the customers is `incidents`' work, after the commit.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, OuterRef, Q, Subquery
from django.db.models.functions import Greatest
from django.utils import timezone

from sigap.core import clock
from sigap.customers.choices import SubscriptionStatus
from sigap.customers.models import Subscription
from sigap.telematics.choices import Condition, GroupBy
from sigap.telematics.diagnosis import Silent, diagnose
from sigap.telematics.models import Outage, OutageGroup, UnitState
from sigap.telematics.rules import Rules, current_rules
from sigap.telematics.state import CLOCK_SEEN
from sigap.tickets.selectors import cause_by_code

log = logging.getLogger(__name__)

GROUP_CAUSE = {GroupBy.AREA: "blank_spot", GroupBy.OPERATOR: "carrier_outage"}
# Open outages this recent can still turn out to be part of a mass outage.
GROUPING_HORIZON = timedelta(hours=6)

_SILENT_FIELDS = (
    "unit_id",
    "last_contact_at",
    "fix_heard_at",
    "last_fix_at",
    "last_alarm",
    "last_alarm_at",
    "ignition",
    "power",
    "power_trend",
    "rssi",
    "clock_offset_seconds",
    "clock_offset_seen",
    "area",
    "operator",
    "unit__device_model_id",
    "unit__device_model__vendor",
    "unit__device_model__name",
    "unit__device_model__is_legacy",
    "unit__device_model__min_firmware",
    "unit__firmware",
)


# When this share of the units counted as reporting falls due at once, it is Sigap that
# stopped hearing (its intake, the engine forwarding to it, the network between), not
# the units: nothing is blamed on them until heartbeats flow again.
STALLED_SHARE = 0.5
# ... in a fleet of at least this many units; in a smaller one every unit counts.
STALLED_FLEET = 100


@dataclass
class Scan:
    stalled: bool = False  # the intake, not the units, went quiet: no outage opened
    silent: int = 0  # outages opened
    unsubscribed: int = 0  # silent units without an active subscription: no incident
    recovered: int = 0  # outages ended
    grouped: int = 0  # outages put into a mass outage
    outage_ids: list[int] = field(default_factory=list)
    ended_ids: list[int] = field(default_factory=list)
    group_ids: list[int] = field(default_factory=list)


def _condition(row: dict, rules: Rules, now: datetime) -> str:
    if row["clock_offset_seen"] >= CLOCK_SEEN:
        return Condition.CLOCK_ERROR
    limits = rules.limits(row["unit__device_model_id"], row["ignition"])
    if row["last_contact_at"] is None or row["last_contact_at"] + limits.contact <= now:
        return Condition.OFFLINE
    return Condition.GPS_STALE


def _silent(row: dict, condition: str, now: datetime) -> Silent:
    started = {
        Condition.OFFLINE: row["last_contact_at"],
        Condition.GPS_STALE: row["fix_heard_at"] or row["last_contact_at"],
    }.get(condition) or now
    return Silent(
        unit_id=row["unit_id"],
        condition=condition,
        started_at=started,
        last_contact_at=row["last_contact_at"],
        fix_heard_at=row["fix_heard_at"],
        last_alarm=row["last_alarm"],
        last_alarm_at=row["last_alarm_at"],
        ignition=row["ignition"],
        power=row["power"],
        power_trend=row["power_trend"],
        rssi=row["rssi"],
        clock_offset_seconds=row["clock_offset_seconds"],
        area=row["area"],
        operator=row["operator"],
        model=f"{row['unit__device_model__vendor']} {row['unit__device_model__name']}",
        legacy=row["unit__device_model__is_legacy"],
        firmware=row["unit__firmware"],
        min_firmware=row["unit__device_model__min_firmware"],
    )


def _subscribed(unit_ids: list[int], today) -> set[int]:
    return set(
        Subscription.objects.filter(
            unit_id__in=unit_ids, status=SubscriptionStatus.ACTIVE, starts_on__lte=today
        )
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=today))
        .values_list("unit_id", flat=True)
    )


def _locked_due(now: datetime):
    rows = UnitState.objects.filter(condition=Condition.OK, due_at__lte=now)
    if connection.features.has_select_for_update_skip_locked:
        # A unit a batch is writing right now is read at the next scan, with its news.
        rows = rows.select_for_update(skip_locked=True, of=("self",))
    return list(rows.values(*_SILENT_FIELDS))


def _open_outages(rows: list[dict], now: datetime, rules: Rules, scan: Scan) -> None:
    subscribed = _subscribed([row["unit_id"] for row in rows], timezone.localtime(now).date())
    outages: list[Outage] = []
    by_condition: dict[str, list[int]] = defaultdict(list)
    for row in rows:
        if row["unit_id"] not in subscribed:
            by_condition[Condition.UNSUBSCRIBED].append(row["unit_id"])
            continue
        condition = _condition(row, rules, now)
        silent = _silent(row, condition, now)
        code, evidence = diagnose(silent)
        outages.append(
            Outage(
                unit_id=row["unit_id"],
                condition=condition,
                started_at=silent.started_at,
                detected_at=now,
                cause=cause_by_code(code) if code else None,
                evidence=evidence,
            )
        )
        by_condition[condition].append(row["unit_id"])
    for condition, unit_ids in by_condition.items():
        UnitState.objects.filter(unit_id__in=unit_ids).update(
            condition=condition, condition_since=now, recovered_at=None
        )
    created = Outage.objects.bulk_create(outages)
    if created and created[0].pk is None:  # SQLite before RETURNING: read the ids back
        created = list(Outage.objects.filter(detected_at=now, ended_at__isnull=True))
    scan.silent = len(created)
    scan.unsubscribed = len(by_condition[Condition.UNSUBSCRIBED])
    scan.outage_ids = [outage.pk for outage in created]


def _windows(outages: list[Outage], minutes: int, size: int) -> list[list[Outage]]:
    """Runs of at least `size` outages that started within `minutes` of each other."""
    outages = sorted(outages, key=lambda outage: outage.started_at)
    span = timedelta(minutes=minutes)
    runs: list[list[Outage]] = []
    start = 0
    for end in range(len(outages)):
        while outages[end].started_at - outages[start].started_at > span:
            start += 1
        if end - start + 1 >= size:
            if runs and runs[-1][-1] is outages[end - 1] and outages[start] in runs[-1]:
                runs[-1].append(outages[end])
            else:
                runs.append(outages[start : end + 1])
    return runs


def _group(now: datetime, scan: Scan) -> None:
    """Put open outages that share an area (else an operator) into mass outages: a
    new one when enough started together, an open one when it is already there. Only
    the areas and operators of this scan's new outages can have changed."""
    if not scan.outage_ids:
        return
    shared = UnitState.objects.filter(unit__outages__pk__in=scan.outage_ids)
    areas = set(shared.exclude(area="").values_list("area", flat=True))
    operators = set(shared.exclude(operator="").values_list("operator", flat=True))
    candidates = list(
        Outage.objects.filter(
            Q(unit__state__area__in=areas) | Q(unit__state__operator__in=operators),
            ended_at__isnull=True,
            group__isnull=True,
            condition__in=[Condition.OFFLINE, Condition.GPS_STALE],
            started_at__gte=now - GROUPING_HORIZON,
        ).select_related("unit__state")
    )
    if not candidates:
        return
    open_groups = {
        (g.group_by, g.key): g for g in OutageGroup.objects.filter(ended_at__isnull=True)
    }
    size, minutes = settings.SIGAP_TELEMETRY_MASS_UNITS, settings.SIGAP_TELEMETRY_MASS_MINUTES
    taken: set[int] = set()
    for group_by in (GroupBy.AREA, GroupBy.OPERATOR):
        buckets: dict[str, list[Outage]] = defaultdict(list)
        for outage in candidates:
            key = outage.unit.state.area if group_by == GroupBy.AREA else outage.unit.state.operator
            if key and outage.pk not in taken:
                buckets[key].append(outage)
        for key, members in buckets.items():
            group = open_groups.get((group_by, key))
            if group is not None:
                runs = [members]
            else:
                runs = _windows(members, minutes, size)
            for run in runs:
                if group is None:
                    group = OutageGroup.objects.create(
                        group_by=group_by,
                        key=key,
                        started_at=min(o.started_at for o in run),
                        detected_at=now,
                        cause=cause_by_code(GROUP_CAUSE[group_by]),
                    )
                    open_groups[(group_by, key)] = group
                ids = [outage.pk for outage in run]
                Outage.objects.filter(pk__in=ids).update(group=group, cause=group.cause)
                taken.update(ids)
                scan.grouped += len(ids)
                if group.pk not in scan.group_ids:
                    scan.group_ids.append(group.pk)


def _recover(now: datetime, scan: Scan) -> None:
    """Units in an outage that reported a valid fix (or, for a silent unit without a
    subscription, any contact) since: the outage ends at that first fix."""
    back = UnitState.objects.filter(~Q(condition=Condition.OK), recovered_at__isnull=False)
    unit_ids = list(back.values_list("unit_id", flat=True))
    if not unit_ids:
        return
    ending = Outage.objects.filter(unit_id__in=unit_ids, ended_at__isnull=True)
    scan.ended_ids = list(ending.values_list("pk", flat=True))
    first_fix = UnitState.objects.filter(unit_id=OuterRef("unit_id")).values("recovered_at")
    ending.update(ended_at=Greatest(Subquery(first_fix), F("started_at")))
    UnitState.objects.filter(unit_id__in=unit_ids).update(
        condition=Condition.OK, condition_since=now, recovered_at=None
    )
    scan.recovered = len(scan.ended_ids)


def _stalled(due: int, now: datetime) -> bool:
    """Whether the units due are Sigap not hearing rather than units going silent:
    nothing heard from any unit lately, or most of the fleet due at once."""
    if due < settings.SIGAP_TELEMETRY_MASS_UNITS:
        return False
    reporting = UnitState.objects.filter(condition=Condition.OK).count()
    if reporting < STALLED_FLEET:
        return False
    recent = now - timedelta(minutes=settings.SIGAP_TELEMETRY_SILENT_MOVING)
    # Stops at the first unit heard lately: cheap while heartbeats flow.
    heard = UnitState.objects.filter(last_contact_at__gte=recent).exists()
    return not heard or due > STALLED_SHARE * reporting


def silence_scan(now: datetime | None = None) -> Scan:
    """One pass: record new outages with their probable cause, group mass outages, end
    the outages of units that came back. Incidents follow after the commit."""
    now = now or clock.now()
    scan = Scan()
    rules = current_rules()
    with transaction.atomic():
        rows = _locked_due(now)
        if rows and _stalled(len(rows), now):
            log.warning(
                "%d units due at once: Sigap is not hearing heartbeats; no unit is blamed",
                len(rows),
            )
            scan.stalled = True
        elif rows:
            _open_outages(rows, now, rules, scan)
        _group(now, scan)
        _recover(now, scan)
    return scan
