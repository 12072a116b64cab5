"""How many tickets of which kind arrive when: the study's Table 2, split into the
situations behind each category, spread over the desk's opening hours.

Counts are allocated exactly (largest remainder), never sampled, so every run and
every seed reproduces Table 2 to the ticket.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from sigap.accounts.models import User
from sigap.customers.models import Contact, Organisation, Unit, Vehicle
from sigap.demo.calendar import ZONE, WorkCalendar
from sigap.tickets.choices import Kind

# The study's Table 2: tickets per (year, month) and top-level category; zeros left out.
TABLE_2: dict[tuple[int, int], dict[str, int]] = {
    (2022, 1): {"gps_unit": 214, "payment": 8, "account": 3},
    (2022, 2): {"gps_unit": 162, "payment": 6, "account": 6},
    (2022, 3): {"gps_unit": 253, "payment": 6, "account": 20},
    (2022, 4): {
        "gps_unit": 76,
        "optional_feature": 3,
        "application": 2,
        "payment": 2,
        "account": 12,
    },
    (2022, 5): {"gps_unit": 67, "optional_feature": 2, "account": 7},
}

# The demo's "now": work planned after this has not happened yet, so a handful of
# late-May tickets are still open when the data set ends.
END = datetime(2022, 5, 31, 17, 0, tzinfo=ZONE)


@dataclass(frozen=True)
class Recipe:
    """One situation behind a category: what it is logged as and how it is handled."""

    key: str
    category: str
    kind: Kind
    causes: tuple[str, ...] = ()  # the causes it may turn out to have, weighted equally
    unit: bool = False  # is about one vehicle's GPS unit


RECIPES = {
    r.key: r
    for r in [
        Recipe("unit_old", "gps_unit.not_updating", Kind.INCIDENT, ("old_device",), unit=True),
        Recipe(
            "unit_driver",
            "gps_unit.not_updating",
            Kind.INCIDENT,
            ("driver_disconnected",),
            unit=True,
        ),
        Recipe("unit_blank", "gps_unit.not_updating", Kind.INCIDENT, ("blank_spot",), unit=True),
        Recipe(
            "unit_firmware",
            "gps_unit.not_updating",
            Kind.INCIDENT,
            ("firmware_upgrade",),
            unit=True,
        ),
        Recipe(
            "unit_damaged",
            "gps_unit.damaged",
            Kind.INCIDENT,
            ("old_device", "driver_disconnected"),
            unit=True,
        ),
        Recipe(
            "unit_removal",
            "gps_unit.removal",
            Kind.REQUEST,
            ("contract_ended", "vehicle_sold"),
            unit=True,
        ),
        Recipe(
            "unit_relocation",
            "gps_unit.relocation",
            Kind.REQUEST,
            ("vehicle_sold", "contract_ended"),
            unit=True,
        ),
        Recipe(
            "account_plate",
            "account.data_change",
            Kind.REQUEST,
            ("plate_changed", "plate_not_genuine"),
        ),
        Recipe("account_owner", "account.data_change", Kind.REQUEST, ("ownership_transfer",)),
        Recipe("account_password", "account.credentials", Kind.REQUEST, ("forgotten_credentials",)),
        Recipe("account_access", "account.access", Kind.REQUEST),
        Recipe("invoice_copy", "payment.invoice", Kind.REQUEST, ("invoice_copy",)),
        Recipe("invoice_error", "payment.invoice", Kind.INCIDENT, ("billing_error",)),
        Recipe("payment_confirm", "payment.confirmation", Kind.REQUEST),
        Recipe("feature_request", "optional_feature.request", Kind.REQUEST),
        Recipe(
            "feature_fault",
            "optional_feature.malfunction",
            Kind.INCIDENT,
            ("firmware_upgrade", "application_bug", "user_error"),
        ),
        Recipe("app_error", "application.error", Kind.INCIDENT, ("application_bug", "user_error")),
        Recipe("app_request", "application.request", Kind.REQUEST),
    ]
}

# Which situations make up each category, by weight. GPS units change over the
# period: a firmware fault hit many units in March, and the legacy units replaced
# after the March management escalations stop failing from April on.
_GPS_EARLY = {
    "unit_old": 30,
    "unit_driver": 22,
    "unit_blank": 20,
    "unit_firmware": 12,
    "unit_damaged": 5,
    "unit_removal": 7,
    "unit_relocation": 4,
}
_GPS_MARCH = {
    "unit_old": 24,
    "unit_driver": 16,
    "unit_blank": 14,
    "unit_firmware": 30,
    "unit_damaged": 5,
    "unit_removal": 7,
    "unit_relocation": 4,
}
_GPS_LATE = {
    "unit_old": 10,
    "unit_driver": 26,
    "unit_blank": 28,
    "unit_firmware": 12,
    "unit_damaged": 5,
    "unit_removal": 12,
    "unit_relocation": 7,
}
MIX: dict[str, Callable[[int], dict[str, int]]] = {
    "gps_unit": lambda month: _GPS_EARLY if month < 3 else _GPS_MARCH if month == 3 else _GPS_LATE,
    "account": lambda month: {
        "account_plate": 45,
        "account_owner": 15,
        "account_password": 30,
        "account_access": 10,
    },
    "payment": lambda month: {"invoice_copy": 45, "invoice_error": 25, "payment_confirm": 30},
    "optional_feature": lambda month: {"feature_request": 60, "feature_fault": 40},
    "application": lambda month: {"app_error": 50, "app_request": 50},
}
# The March firmware fault came in a wave: most of those reports fall in these days.
WAVES = {("unit_firmware", 3): (date(2022, 3, 7), date(2022, 3, 25), 4.0)}

CHANNELS = {"email": 45, "whatsapp": 35, "phone": 20}
# Arrivals by hour of a weekday: a morning peak, a lunch dip, a quieter late afternoon.
HOUR_WEIGHTS = {8: 8, 9: 13, 10: 14, 11: 11, 12: 6, 13: 11, 14: 12, 15: 10, 16: 7}
SATURDAY_WEIGHT = 0.15


@dataclass
class Step:
    at: datetime
    action: str  # assign start reply note customer escalate pend resume resolve close
    by: User | None
    body: str = ""
    group: str = ""
    reason: str = ""
    resolution: str = ""
    cause: str = ""
    via: str = "desk"
    document: str = ""  # a customer message's attachment: what the document is


@dataclass
class Plan:
    reported_at: datetime
    recipe: Recipe
    channel: str
    organisation: Organisation
    contact: Contact
    vehicle: Vehicle | None = None
    unit: Unit | None = None
    cause: str = ""  # known when logged (requests say why); incidents learn it later
    title: str = ""
    description: str = ""
    impact: str = "medium"
    urgency: str = "medium"
    external_ref: str | None = None
    created_by: User | None = None
    steps: list[Step] = field(default_factory=list)
    # Applied to the customer's records once the resolve step has been played.
    effect: Callable[[date], None] | None = None


def largest_remainder(total: int, weights: dict[str, int]) -> dict[str, int]:
    """Split `total` in proportion to `weights`, in whole numbers that add up exactly."""
    whole = sum(weights.values())
    shares = {k: total * w / whole for k, w in weights.items()}
    counts = {k: int(s) for k, s in shares.items()}
    order = sorted(weights, key=lambda k: (-(shares[k] - counts[k]), list(weights).index(k)))
    for key in order[: total - sum(counts.values())]:
        counts[key] += 1
    return counts


def arrivals(rng: random.Random, calendar: WorkCalendar) -> list[tuple[datetime, Recipe]]:
    """Every ticket's report time and situation, oldest first."""
    out: list[tuple[datetime, Recipe]] = []
    for (year, month), by_category in TABLE_2.items():
        first = date(year, month, 1)
        last = date(year + month // 12, month % 12 + 1, 1) - timedelta(days=1)
        days = calendar.open_days(first, last)
        for category, total in by_category.items():
            for key, count in largest_remainder(total, MIX[category](month)).items():
                weights = [_day_weight(day, WAVES.get((key, month))) for day in days]
                for day in rng.choices(days, weights=weights, k=count):
                    out.append((_moment(rng, day, calendar), RECIPES[key]))
    out.sort(key=lambda pair: (pair[0], pair[1].key))
    return out


def _day_weight(day: date, wave: tuple[date, date, float] | None) -> float:
    weight = SATURDAY_WEIGHT if day.weekday() == 5 else 1.0
    if wave is not None and wave[0] <= day <= wave[1]:
        weight *= wave[2]
    return weight


def _moment(rng: random.Random, day: date, calendar: WorkCalendar) -> datetime:
    opens, closes = calendar.hours(day) or (8, 17)
    hours = [h for h in HOUR_WEIGHTS if opens <= h < closes]
    hour = rng.choices(hours, weights=[HOUR_WEIGHTS[h] for h in hours])[0]
    return datetime.combine(day, time(hour, rng.randrange(60), rng.randrange(60)), tzinfo=ZONE)


def channel(rng: random.Random) -> str:
    return rng.choices(list(CHANNELS), weights=list(CHANNELS.values()))[0]
