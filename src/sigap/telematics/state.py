"""Merging heartbeats into the units' state rows, a batch per transaction.

The writer records facts only: when each unit was last heard, its last valid fix, its
attributes, and `due_at`, the time it counts as silent unless heard again. Deciding
that a unit is silent, why, and what to do about it is the scan's (`detection`).

Times only move forward: a heartbeat older than what the row holds (out of order, a
retry, a buffered position) never puts the state back. A retry of a heartbeat already
merged changes nothing, and an event is stored once by the sender's id, so intake is
idempotent without keeping every heartbeat's id.
"""

from __future__ import annotations

import math
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from django.db import connection, transaction

from sigap.core import reference
from sigap.customers.models import Unit
from sigap.telematics.choices import Condition
from sigap.telematics.heartbeat import Heartbeat
from sigap.telematics.models import UnitEvent, UnitState
from sigap.telematics.rules import Rules, current_rules

# A fix stamped this far ahead of when it was heard comes from a wrong clock.
CLOCK_AHEAD = timedelta(minutes=5)
# A fix heard this long after it was taken was delivered late (buffered, or a clock
# running behind: see CLOCK_SAME).
LATE_AFTER = timedelta(minutes=2)
# A late fix whose lateness stays the same, within this, over CLOCK_SEEN fixes in a row
# is a clock running behind by a constant offset, not a buffer being emptied (whose
# fixes are heard together but were taken minutes apart).
CLOCK_SAME = 10
CLOCK_SEEN = 3
# Rows per INSERT statement of a batch (see `_write`).
ROWS_PER_INSERT = 10
# Trends of the voltages are smoothed over about this long.
TREND_SPAN = timedelta(minutes=30)

MERGED = [
    "last_contact_at",
    "last_fix_at",
    "fix_heard_at",
    "attributes_at",
    "latitude",
    "longitude",
    "area",
    "operator",
    "ignition",
    "power",
    "power_trend",
    "battery",
    "battery_trend",
    "rssi",
    "satellites",
    "last_alarm",
    "last_alarm_at",
    "delay_seconds",
    "clock_offset_seconds",
    "clock_offset_seen",
    "due_at",
    "recovered_at",
]


@dataclass(frozen=True, slots=True)
class UnitRef:
    id: int
    device_model_id: int


class UnitDirectory(reference._Copy):
    """IMEI -> unit, read from the database on a miss and kept for `ttl` seconds: the
    hooks look up every heartbeat's unit, and units rarely change (a change through
    the ORM drops the copy at once, as `core.reference` does)."""

    def __init__(self, ttl: float = 300.0) -> None:
        self.ttl = ttl
        self._units: dict[str, UnitRef] = {}
        self._loaded_at = time.monotonic()
        super().__init__((Unit,))

    def find(self, imeis: Iterable[str]) -> dict[str, UnitRef]:
        if time.monotonic() - self._loaded_at > self.ttl:
            self._units.clear()
            self._loaded_at = time.monotonic()
        wanted = set(imeis)
        missing = [imei for imei in wanted if imei not in self._units]
        if missing:
            for imei, pk, model_id in Unit.objects.filter(imei__in=missing).values_list(
                "imei", "pk", "device_model_id"
            ):
                self._units[imei] = UnitRef(pk, model_id)
        return {imei: self._units[imei] for imei in wanted if imei in self._units}

    def clear(self) -> None:
        self._units.clear()


directory = UnitDirectory()


@dataclass
class Applied:
    heartbeats: int = 0
    units: int = 0
    unknown: list[str] = field(default_factory=list)


def area_of(latitude: float, longitude: float) -> str:
    """The grid square (0.1 degree, about 11 km) a position falls in: units silent in
    the same square at once point to the network there."""
    return f"{math.floor(latitude * 10) / 10:.1f},{math.floor(longitude * 10) / 10:.1f}"


def _trend(old: float | None, value: float, old_trend: float | None, hours: float) -> float | None:
    if old is None or hours <= 0:
        return old_trend
    slope = (value - old) / hours
    if old_trend is None:
        return round(slope, 3)
    weight = min(1.0, hours / (TREND_SPAN.total_seconds() / 3600))
    return round(old_trend + weight * (slope - old_trend), 3)


def _attributes(state: UnitState, beat: Heartbeat) -> None:
    """The newest message's attributes (an older one's are not the unit's state)."""
    hours = (
        (beat.heard_at - state.attributes_at).total_seconds() / 3600 if state.attributes_at else 0
    )
    if beat.valid and beat.latitude is not None and beat.longitude is not None:
        state.latitude, state.longitude = beat.latitude, beat.longitude
        state.area = area_of(beat.latitude, beat.longitude)
    if beat.ignition is not None:
        state.ignition = beat.ignition
    if beat.power is not None:
        state.power_trend = _trend(state.power, beat.power, state.power_trend, hours)
        state.power = beat.power
    if beat.battery is not None:
        state.battery_trend = _trend(state.battery, beat.battery, state.battery_trend, hours)
        state.battery = beat.battery
    if beat.rssi is not None:
        state.rssi = beat.rssi
    if beat.satellites is not None:
        state.satellites = beat.satellites
    if beat.operator:
        state.operator = beat.operator[:64]
    state.attributes_at = beat.heard_at


def _fix(state: UnitState, beat: Heartbeat, newest: bool) -> None:
    """A valid fix: in time, delivered late, or from a wrong clock."""
    heard, fix_at = beat.heard_at, beat.fix_at
    offset = round((fix_at - heard).total_seconds())
    clock_wrong = False
    if fix_at - heard > CLOCK_AHEAD:
        state.clock_offset_seconds, state.clock_offset_seen = offset, CLOCK_SEEN
        clock_wrong = True
    elif heard - fix_at > LATE_AFTER:
        previous = state.clock_offset_seconds
        if previous is not None and abs(offset - previous) <= CLOCK_SAME:
            state.clock_offset_seen = min(state.clock_offset_seen + 1, 100)
        else:
            state.clock_offset_seconds, state.clock_offset_seen = offset, 1
        clock_wrong = state.clock_offset_seen >= CLOCK_SEEN
    else:
        state.clock_offset_seconds, state.clock_offset_seen = None, 0
    # A wrong clock's fix is a fix all the same, taken when it was heard.
    taken = heard if clock_wrong else fix_at
    if state.last_fix_at is None or taken > state.last_fix_at:
        state.last_fix_at = taken
    if state.fix_heard_at is None or heard > state.fix_heard_at:
        state.fix_heard_at = heard
    if newest:
        state.delay_seconds = 0 if clock_wrong else max(0, -offset)
    recovering = state.condition != Condition.OK and state.recovered_at is None
    if recovering and heard > (state.condition_since or heard) and not clock_wrong:
        state.recovered_at = heard


def merge(state: UnitState, beat: Heartbeat) -> None:
    """Fold one heartbeat into the unit's state; older news never overwrites newer."""
    heard = beat.heard_at
    if beat.contact and (state.last_contact_at is None or heard > state.last_contact_at):
        state.last_contact_at = heard
        if state.condition == Condition.UNSUBSCRIBED and state.recovered_at is None:
            state.recovered_at = heard
    if beat.alarm and (state.last_alarm_at is None or heard >= state.last_alarm_at):
        state.last_alarm, state.last_alarm_at = beat.alarm, heard
    newest = state.attributes_at is None or heard >= state.attributes_at
    if beat.valid and beat.fix_at is not None:
        _fix(state, beat, newest)
    if newest and beat.contact:
        _attributes(state, beat)


def due(state: UnitState, rules: Rules, device_model_id: int) -> datetime | None:
    """When the unit counts as silent (or its GPS as stale) unless heard again; now,
    when its clock is wrong."""
    if state.clock_offset_seen >= CLOCK_SEEN:
        return state.fix_heard_at or state.last_contact_at
    if state.last_contact_at is None:
        return None
    limits = rules.limits(device_model_id, state.ignition)
    deadlines = [state.last_contact_at + limits.contact]
    if state.fix_heard_at is not None:
        deadlines.append(state.fix_heard_at + limits.fix)
    return min(deadlines)


def _events(beats: list[Heartbeat], refs: dict) -> list[UnitEvent]:
    return [
        UnitEvent(
            unit_id=refs[beat.imei].id,
            source=beat.source,
            external_id=beat.event_id[:64],
            kind=beat.event or "alarm",
            alarm=beat.alarm,
            at=beat.heard_at,
            attributes=beat.attributes,
        )
        for beat in beats
        if beat.event or beat.alarm
    ]


# What a batch reads of each unit's state, and what it writes back.
READ = ["unit_id", *MERGED, "condition", "condition_since"]
_DATETIMES = {name for name in READ if name.endswith("_at") or name in ("condition_since",)}


class Row:
    """A unit's state as a batch merges it: plain attributes, no model instance (a
    batch of hundreds spent most of its time building and saving those)."""

    __slots__ = tuple(READ)

    def __init__(self, unit_id: int, values: tuple | None = None) -> None:
        if values is not None:
            for name, value in zip(READ, values, strict=True):
                setattr(self, name, value)
            return
        for name in READ:
            setattr(self, name, None)
        self.unit_id = unit_id
        self.area = self.operator = self.last_alarm = ""
        self.clock_offset_seen = 0
        self.condition = Condition.OK


def _columns() -> str:
    return ", ".join(map(connection.ops.quote_name, READ))


def _read(ids: list[int]) -> dict[int, Row]:
    """The batch's rows, locked until the commit on PostgreSQL (another process writing
    the same units waits, then reads what this one wrote; SQLite has one writer at a
    time anyway). Plain SQL, with times as PostgreSQL's seconds since the epoch or
    SQLite's text: the ORM's compiling and its conversion of every time column were
    most of a batch's reading."""
    quote = connection.ops.quote_name
    table = quote(UnitState._meta.db_table)
    if connection.vendor == "postgresql":
        columns = ", ".join(
            f"EXTRACT(EPOCH FROM {quote(name)})::float8" if name in _DATETIMES else quote(name)
            for name in READ
        )
        sql = f"SELECT {columns} FROM {table} WHERE unit_id = ANY(%s) ORDER BY unit_id FOR UPDATE"
        params: list = [ids]

        def moment(value):
            return datetime.fromtimestamp(value, UTC)
    else:
        marks = ", ".join(["%s"] * len(ids))
        sql = f"SELECT {_columns()} FROM {table} WHERE unit_id IN ({marks})"
        params = ids

        def moment(value):  # Django's converter gives naive UTC datetimes
            if isinstance(value, str):
                value = datetime.fromisoformat(value)
            return value.replace(tzinfo=UTC)

    times = [i for i, name in enumerate(READ) if name in _DATETIMES]
    rows = {}
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for values in cursor.fetchall():
            values = list(values)
            for i in times:
                if values[i] is not None:
                    values[i] = moment(values[i])
            rows[values[0]] = Row(values[0], values)
    return rows


def _upsert(source: str) -> str:
    quote = connection.ops.quote_name
    return (
        f"INSERT INTO {quote(UnitState._meta.db_table)} ({_columns()}) {source} "
        f"ON CONFLICT ({quote('unit_id')}) DO UPDATE SET "
        + ", ".join(f"{quote(name)} = EXCLUDED.{quote(name)}" for name in MERGED)
    )


def _write(rows: list[Row]) -> None:
    """INSERT ... ON CONFLICT DO UPDATE of every row: new units get their row, known
    ones the merged values; the scan's columns are left alone. Sent together
    (executemany: pipelined on PostgreSQL), `ROWS_PER_INSERT` rows to a statement: few
    enough that the statement's text stays in psycopg's cache of parsed queries."""
    if connection.vendor == "postgresql":

        def adapt(value):
            return value  # psycopg sends aware datetimes as they are
    else:

        def adapt(value):  # SQLite keeps UTC as text, as Django writes it
            return value.astimezone(UTC).replace(tzinfo=None).isoformat(" ")

    flat = [
        adapt(value) if name in _DATETIMES and value is not None else value
        for row in rows
        for name, value in zip(READ, (getattr(row, name) for name in READ), strict=True)
    ]
    one = "(" + ", ".join(["%s"] * len(READ)) + ")"
    width = len(READ) * ROWS_PER_INSERT
    full, rest = divmod(len(rows), ROWS_PER_INSERT)
    with connection.cursor() as cursor:
        if full:
            sql = _upsert("VALUES " + ", ".join([one] * ROWS_PER_INSERT))
            cursor.executemany(sql, [flat[i * width : (i + 1) * width] for i in range(full)])
        if rest:
            cursor.execute(_upsert("VALUES " + ", ".join([one] * rest)), flat[full * width :])


def heartbeats_apply(beats: list[Heartbeat], *, rules: Rules | None = None) -> Applied:
    """Merge a batch of heartbeats in one transaction: one read of the units' rows
    (locked), one write. Heartbeats of units Sigap does not know are left out and
    named in the result."""
    refs = directory.find(beat.imei for beat in beats)
    known = [beat for beat in beats if beat.imei in refs]
    applied = Applied(heartbeats=len(known), unknown=sorted({b.imei for b in beats} - set(refs)))
    if not known:
        return applied
    rules = rules or current_rules()
    known.sort(key=lambda beat: beat.heard_at)
    ids = sorted({refs[beat.imei].id for beat in known})
    models_of = {ref.id: ref.device_model_id for ref in refs.values()}
    with transaction.atomic():
        events = _events(known, refs)
        if events:
            UnitEvent.objects.bulk_create(events, ignore_conflicts=True)
        rows = _read(ids)
        for beat in known:
            unit_id = refs[beat.imei].id
            row = rows.get(unit_id)
            if row is None:
                row = rows[unit_id] = Row(unit_id)
            merge(row, beat)
        for unit_id, row in rows.items():
            row.due_at = due(row, rules, models_of[unit_id])
        _write(list(rows.values()))
    applied.units = len(rows)
    return applied
