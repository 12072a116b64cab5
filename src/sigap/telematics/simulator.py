"""A fleet's telemetry, made up for the demo: what Traccar would forward for the units
in service over the last hours, with a few units that fail in the ways unit
monitoring knows (`detection`, `diagnosis`), so a newcomer sees Sigap open its
incidents before any customer calls.

`build()` is pure: units in, payloads out (Traccar's position and event forwarding
JSON, with past `serverTime`s, which Sigap trusts as the contact time). `deliver()`
posts them through a `send` callable: `sigap simulate-fleet`'s posts over HTTP, the
tests' through Django's test client.
"""

from __future__ import annotations

import itertools
import math
import random
import threading
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from sigap.customers.choices import SubscriptionStatus
from sigap.customers.models import Subscription, Unit
from sigap.telematics.decode import KNOT_KMH
from sigap.telematics.diagnosis import firmware_outdated

BLANK_SPOT_UNITS = 12
BLANK_SPOT = (-7.25, 112.75)  # Surabaya: grid square -7.3,112.7 (state.area_of)
CLOCK_BEHIND = timedelta(hours=7)
CLOCK_POSITIONS = 4  # state.CLOCK_SEEN in a row, and one more: see Stream.delivery_order
STALE_FOR = timedelta(minutes=30)
PARKED_EVERY = timedelta(hours=2)
# The scenarios of units in service that any unit can play (the blank spot's aside).
PLAIN = ("power_cut", "gps_stale", "clock_error", "delayed", "parked")
SILENT_FOR = {"legacy": 30, "firmware": 25, "ended": 50}  # minutes before now
LIVE = ("normal", "gps_stale", "clock_error", "delayed", "parked")  # still reporting

# Where the healthy fleet drives: Java's cities, west to east.
CITIES = [
    (-6.20, 106.85), (-6.12, 106.15), (-6.60, 106.80), (-6.91, 107.61), (-6.73, 108.55),
    (-6.87, 109.14), (-6.99, 110.42), (-7.80, 110.36), (-7.57, 110.82), (-7.63, 111.52),
    (-7.82, 112.01), (-7.25, 112.75), (-7.98, 112.63), (-8.17, 113.70), (-8.22, 114.37),
]  # fmt: skip
PROTOCOLS = {"teltonika": "teltonika", "concox": "gt06", "queclink": "gl200"}


class SimulatorError(Exception):
    """What stops the simulation, said so that the reader knows what to do."""


@dataclass(frozen=True)
class Member:
    """A unit of the fleet, as the simulation needs it."""

    pk: int
    imei: str
    plate: str
    vendor: str
    legacy: bool
    outdated: bool
    subscribed: bool


def fleet_members() -> list[Member]:
    """Units installed in a vehicle that have a subscription: `subscribed` when it is
    active today (as the silence scan reads it)."""
    today = timezone.localdate()
    active = Subscription.objects.filter(
        unit=OuterRef("pk"), status=SubscriptionStatus.ACTIVE, starts_on__lte=today
    ).filter(Q(ends_on__isnull=True) | Q(ends_on__gte=today))
    units = (
        Unit.objects.filter(vehicle__isnull=False)
        .filter(Exists(Subscription.objects.filter(unit=OuterRef("pk"))))
        .annotate(subscribed=Exists(active))
        .select_related("vehicle", "device_model")
        .order_by("pk")
    )
    return [
        Member(
            pk=unit.pk,
            imei=unit.imei,
            plate=unit.vehicle.plate,
            vendor=unit.device_model.vendor,
            legacy=unit.device_model.is_legacy,
            outdated=firmware_outdated(unit.firmware, unit.device_model.min_firmware),
            subscribed=unit.subscribed and unit.removed_on is None,
        )
        for unit in units
    ]


@dataclass
class Walker:
    """A vehicle driving around its home town."""

    lat: float
    lon: float
    home: tuple[float, float]
    radius: float  # degrees it strays from home
    heading: float = 0.0
    speed: float = 40.0  # km/h
    box: float = 0.0  # when set, it never strays further from home (on either axis)

    def step(self, rng: random.Random, minutes: float) -> None:
        if math.hypot(self.lat - self.home[0], self.lon - self.home[1]) > self.radius:
            self.heading = math.degrees(
                math.atan2(self.home[1] - self.lon, self.home[0] - self.lat)
            )
        self.heading = (self.heading + rng.uniform(-35, 35)) % 360
        self.speed = min(80.0, max(15.0, self.speed + rng.uniform(-10, 10)))
        km = self.speed * minutes / 60
        self.lat += km / 111 * math.cos(math.radians(self.heading))
        self.lon += (
            km / (111 * math.cos(math.radians(self.lat))) * math.sin(math.radians(self.heading))
        )
        if self.box:
            self.clamp()

    def clamp(self) -> None:
        self.lat = min(max(self.lat, self.home[0] - self.box), self.home[0] + self.box)
        self.lon = min(max(self.lon, self.home[1] - self.box), self.home[1] + self.box)


@dataclass
class Stream:
    """One unit's payloads, oldest first, and how it goes on reporting with --live
    (`live` is a scenario name, or "" for a unit that stays silent)."""

    scenario: str
    member: Member
    walker: Walker
    live: str = ""
    payloads: list[dict] = field(default_factory=list)
    last_heard: datetime | None = None

    def delivery_order(self) -> list[dict]:
        """The newest payload and the newest valid fix first, then the rest oldest
        first. The worker's scan runs every minute while we post: a unit whose history
        had only reached two hours ago would look silent to it and get an incident.
        Sent this way the unit's contact time is its final one from the first post
        (times never move back), and the history still passes in order for what reads
        a sequence (the clock check, which is why the clock unit sends one more)."""
        if not self.payloads:
            return []
        first = [self.payloads[-1]]
        fixes = [p for p in self.payloads if p.get("position", {}).get("valid")]
        if fixes and fixes[-1] is not first[0]:
            first.insert(0, fixes[-1])
        return first + [p for p in self.payloads if all(p is not q for q in first)]


def heard_at(payload: dict) -> datetime:
    """When the engine heard the unit: the position's serverTime, the event's time."""
    if "event" in payload:
        return datetime.fromisoformat(payload["event"]["eventTime"])
    return datetime.fromisoformat(payload["position"]["serverTime"])


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="milliseconds")


def _device(member: Member, at: datetime) -> dict:
    return {
        "id": member.pk,
        "name": member.plate,
        "uniqueId": member.imei,
        "status": "online",
        "lastUpdate": _iso(at),
    }


@dataclass
class Simulation:
    now: datetime
    every: timedelta
    rng: random.Random
    ids: Iterator[int]
    start: datetime
    streams: list[Stream] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def fix(self, stream: Stream, heard: datetime, fix: datetime | None, **values) -> dict:
        """Traccar's position object for the unit where it is now, heard at `heard`."""
        walker, member = stream.walker, stream.member
        ignition = values.pop("ignition", True)
        return {
            "id": next(self.ids),
            "deviceId": member.pk,
            "protocol": PROTOCOLS.get(member.vendor.lower(), member.vendor.lower()),
            "serverTime": _iso(heard),
            "deviceTime": _iso(fix or heard),
            "fixTime": _iso(fix or heard),
            "outdated": False,
            "valid": values.pop("valid", True),
            "latitude": round(walker.lat, 6),
            "longitude": round(walker.lon, 6),
            "altitude": round(self.rng.uniform(5, 120)),
            "speed": round(walker.speed / KNOT_KMH, 1) if ignition else 0.0,
            "course": round(walker.heading),
            "attributes": {
                "ignition": ignition,
                "motion": ignition,
                "power": round(self.rng.uniform(12.3, 12.9), 2),
                "battery": round(self.rng.uniform(4.0, 4.2), 2),
                "rssi": self.rng.randint(14, 28),
                "sat": self.rng.randint(7, 12),
            }
            | values,
        }

    def _add(self, stream: Stream, heard: datetime, payload: dict) -> dict:
        stream.payloads.append(payload)
        stream.last_heard = max(heard, stream.last_heard or heard)
        return payload

    def position(
        self, stream: Stream, heard: datetime, *, fix: datetime | None = None, **values
    ) -> dict:
        """Traccar's position forwarding JSON for the unit, heard at `heard`."""
        position = self.fix(stream, heard, fix, **values)
        return self._add(
            stream, heard, {"position": position, "device": _device(stream.member, heard)}
        )

    def alarm(self, stream: Stream, at: datetime, alarm: str) -> dict:
        """Traccar's event forwarding JSON for an alarm, with the position it came with."""
        position = self.fix(stream, at, None, power=0.0)
        event = {
            "id": next(self.ids),
            "type": "alarm",
            "eventTime": _iso(at),
            "deviceId": stream.member.pk,
            "positionId": position["id"],
            "attributes": {"alarm": alarm},
        }
        payload = {"event": event, "position": position, "device": _device(stream.member, at)}
        return self._add(stream, at, payload)

    def times(self, end: datetime) -> list[datetime]:
        """Every `every` from the simulation's start to `end`, which is the last."""
        count = int((end - self.start) / self.every)
        return [end - self.every * k for k in range(count, -1, -1)]

    def live_payloads(self, at: datetime) -> list[list[dict]]:
        """One minute of --live: a fresh position from every unit still reporting."""
        batches = []
        for stream in self.streams:
            before = len(stream.payloads)
            if stream.live in ("normal", "clock_error", "gps_stale"):
                stream.walker.step(self.rng, 1)
                fix = at - CLOCK_BEHIND if stream.live == "clock_error" else None
                self.position(stream, at, fix=fix, valid=stream.live != "gps_stale")
            elif stream.live == "delayed":
                stream.walker.step(self.rng, 1)
                self.position(stream, at, fix=at - _lag(len(stream.payloads)))
            elif stream.live == "parked" and at - stream.last_heard >= PARKED_EVERY:
                self.position(stream, at, ignition=False)
            if len(stream.payloads) > before:
                batches.append(stream.payloads[before:])
        return batches


def _lag(n: int) -> timedelta:
    # 5 to 7 minutes, never within state.CLOCK_SAME seconds of the one before: a
    # constant lag is a clock running behind, not a delivery delay.
    return timedelta(seconds=300 + (n * 37) % 120)


def _walker(
    rng: random.Random, home: tuple[float, float], radius: float = 0.15, box: float = 0.0
) -> Walker:
    lat, lon = home[0] + rng.uniform(-0.1, 0.1), home[1] + rng.uniform(-0.1, 0.1)
    if box:  # a blank spot's units stay in its grid square
        walker = Walker(lat, lon, home, radius, rng.uniform(0, 360), rng.uniform(25, 60), box)
        walker.clamp()
        return walker
    return Walker(lat, lon, (lat, lon), radius, rng.uniform(0, 360), rng.uniform(25, 60))


def build(
    members: Iterable[Member],
    *,
    now: datetime,
    hours: int = 2,
    every: int = 5,
    seed: int = 1,
    mass_units: int = 10,
    mass_minutes: int = 10,
) -> Simulation:
    """The fleet's last `hours` of telemetry up to `now`, a position every `every`
    minutes, with the scenarios given to units picked by `seed` (the same seed and
    fleet, the same units)."""
    rng = random.Random(seed)
    now = now.replace(microsecond=0)
    # Traccar's ids are numbers; these differ from those of a run a second apart.
    ids = itertools.count(int(now.timestamp()) * 10**6)
    sim = Simulation(now, timedelta(minutes=every), rng, ids, now - timedelta(hours=hours))
    blank = max(BLANK_SPOT_UNITS, mass_units)
    # The blank spot's units fall silent 40 minutes ago, together (within the minutes
    # that make a mass outage).
    spread = min(timedelta(minutes=4), timedelta(minutes=mass_minutes) / 2) / (blank - 1)
    silent_at = (now - timedelta(minutes=40) - spread * n for n in itertools.count())
    for scenario, member in _cast(sim, members, blank):
        stream = Stream(scenario, member, _walker(rng, rng.choice(CITIES)))
        sim.streams.append(stream)
        _history(sim, stream, next(silent_at) if scenario == "blank_spot" else now)
        if scenario in LIVE:
            stream.live = scenario
    return sim


def _cast(sim: Simulation, members: Iterable[Member], blank: int) -> list[tuple[str, Member]]:
    """Which unit plays which scenario; the other units in service report normally."""
    members = sorted(members, key=lambda m: m.pk)
    in_service = [m for m in members if m.subscribed]
    if not in_service:
        raise SimulatorError(
            _(
                "There are no units in service (installed in a vehicle, with an active subscription): run `sigap demo` first."
            )
        )
    if len(in_service) < blank + len(PLAIN):
        raise SimulatorError(
            _(
                "The simulation needs at least %(needed)d units in service; there are %(count)d. Run `sigap demo` first."
            )
            % {"needed": blank + len(PLAIN), "count": len(in_service)}
        )
    order = in_service[:]
    sim.rng.shuffle(order)
    taken: set[int] = set()

    def pick(candidates: list[Member]) -> Member | None:
        member = next((m for m in candidates if m.pk not in taken), None)
        if member is not None:
            taken.add(member.pk)
        return member

    # A legacy model or an old firmware is a cause of its own, which would hide the one
    # a scenario shows: the other scenarios take the other units first.
    rest = sorted(order, key=lambda m: m.legacy or m.outdated)  # stable: still shuffled
    cast = [("blank_spot", pick(rest)) for _n in range(blank)]
    cast += [(scenario, pick(rest)) for scenario in PLAIN]
    for scenario, candidates, note in [
        ("legacy", [m for m in order if m.legacy], _("No other unit of a legacy device model is in service")),
        ("firmware", [m for m in order if m.outdated and not m.legacy], _("No other unit in service has a firmware below its model's minimum")),
        ("ended", [m for m in members if not m.subscribed], _("No unit in a vehicle has an ended subscription")),
    ]:  # fmt: skip
        cast.append((scenario, pick(candidates)))
        if cast[-1][1] is None:
            sim.notes.append(_("%(note)s: that scenario is skipped.") % {"note": note})
    cast += [("normal", m) for m in in_service if m.pk not in taken]
    return [(scenario, m) for scenario, m in cast if m is not None]


def _history(sim: Simulation, stream: Stream, silent_at: datetime) -> None:
    """The unit's payloads over the simulated hours, as its scenario has it."""
    now, rng, scenario = sim.now, sim.rng, stream.scenario
    end = now - timedelta(seconds=rng.randrange(60))  # units do not report in step
    if scenario == "blank_spot":
        stream.walker = _walker(rng, BLANK_SPOT, radius=0.03, box=0.045)
        _drive(sim, stream, silent_at)
    elif scenario == "power_cut":
        cut = now - timedelta(minutes=45)
        _drive(sim, stream, cut - timedelta(minutes=1))
        sim.alarm(stream, cut, "powerCut")
    elif scenario in SILENT_FOR:
        _drive(sim, stream, end - timedelta(minutes=SILENT_FOR[scenario]))
    elif scenario == "gps_stale":
        _drive(sim, stream, end, valid=lambda n, at: at <= now - STALE_FOR)
    elif scenario == "clock_error":
        last = len(sim.times(end)) - CLOCK_POSITIONS
        _drive(sim, stream, end, fix=lambda n, at: at - CLOCK_BEHIND if n >= last else None)
    elif scenario == "delayed":
        for n, fix in enumerate(sim.times(end)):
            if fix + _lag(n) <= now:
                stream.walker.step(rng, sim.every.total_seconds() / 60)
                sim.position(stream, fix + _lag(n), fix=fix)
    elif scenario == "parked":
        for k in (2, 1, 0):
            heard = now - timedelta(minutes=110) - PARKED_EVERY * k
            sim.position(stream, heard, ignition=False)
    else:
        _drive(sim, stream, end)


def _drive(
    sim: Simulation,
    stream: Stream,
    end: datetime,
    *,
    valid: Callable[[int, datetime], bool] = lambda n, at: True,
    fix: Callable[[int, datetime], datetime | None] = lambda n, at: None,
) -> None:
    for n, at in enumerate(sim.times(end)):
        stream.walker.step(sim.rng, sim.every.total_seconds() / 60)
        sim.position(stream, at, fix=fix(n, at), valid=valid(n, at))


# --- Delivery ---------------------------------------------------------------------

# Posts payloads (as one JSON array: the hook takes up to 1,000); raises SimulatorError.
Send = Callable[[list[dict]], None]
PER_POST = 1000


def deliver(
    batches: Iterable[list[dict]],
    send: Send,
    *,
    threads: int = 8,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Post each batch's payloads (one unit's) in one request, in order, the batches
    side by side on `threads` threads; the first failure stops the rest and is raised."""
    stop = threading.Event()
    lock = threading.Lock()
    posted = 0

    def run(batch: list[dict]) -> None:
        nonlocal posted
        for start in range(0, len(batch), PER_POST):
            if stop.is_set():
                return
            try:
                send(batch[start : start + PER_POST])
            except BaseException:
                stop.set()
                raise
        with lock:
            posted += len(batch)
            if progress:
                progress(posted)

    if threads <= 1:
        for batch in batches:
            run(batch)
        return posted
    with ThreadPoolExecutor(max_workers=threads, thread_name_prefix="simulate-fleet") as pool:
        futures = [pool.submit(run, batch) for batch in batches]
    for future in futures:
        future.result()  # the first error, if any
    return posted
