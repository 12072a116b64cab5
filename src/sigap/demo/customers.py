"""The provider's fleet customers: organisations, contacts, vehicles, GPS units and
their subscriptions, generated from a seeded random source.

Rows go in with `bulk_create` (a few thousand of them; one `save()` each would
dominate the load time), but every identifier first goes through the same
normalisers the customers services use, and must come out unchanged: the demo
only holds plates, IMEIs and phone numbers that intake would have stored.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

import phonenumbers

from sigap.customers.choices import Language, SubscriptionStatus, TerminationReason, Tier
from sigap.customers.models import (
    Contact,
    DeviceModel,
    Organisation,
    Subscription,
    Unit,
    Vehicle,
)
from sigap.customers.validators import luhn_ok, normalise_imei, normalise_phone, normalise_plate
from sigap.demo import names
from sigap.demo.calendar import ZONE

ORGANISATIONS = 240
TIERS = [(Tier.STANDARD, 0.70), (Tier.PRIORITY, 0.22), (Tier.VIP, 0.08)]
FLEET_SIZE = {Tier.STANDARD: (2, 12), Tier.PRIORITY: (8, 30), Tier.VIP: (25, 80)}
CONTACTS = {Tier.STANDARD: (1, 2), Tier.PRIORITY: (2, 3), Tier.VIP: (3, 4)}
# Share of organisations run by foreign-owned groups whose staff mostly write in English.
INTERNATIONAL = 0.10


@dataclass(frozen=True)
class Model:
    vendor: str
    name: str
    tac: str  # the 8-digit type allocation code that starts each IMEI
    legacy: bool
    firmwares: tuple[str, ...]  # oldest first
    minimum: str
    share: float


# Made-up type allocation codes; the vendors and models are the kind a provider runs.
MODELS = [
    Model(
        "Teltonika",
        "FMB920",
        "35209310",
        False,
        ("03.25.14", "03.27.07", "03.28.03"),
        "03.27.07",
        0.26,
    ),
    Model(
        "Teltonika",
        "FMB130",
        "35209311",
        False,
        ("03.25.14", "03.27.07", "03.28.03"),
        "03.27.07",
        0.14,
    ),
    Model("Teltonika", "FM1100", "35631604", True, ("00.01.05", "00.01.09"), "00.01.09", 0.07),
    Model("Concox", "GT06N", "86876002", True, ("1.1.4", "1.2.0"), "1.2.0", 0.12),
    Model("Concox", "JM-VL02", "86295505", False, ("2.0.7", "2.1.3", "2.2.1"), "2.1.3", 0.13),
    Model("Queclink", "GV300", "86231501", True, ("1.02", "1.05"), "1.05", 0.06),
    Model("Queclink", "GV350MA", "86258003", False, ("1.01", "1.03", "1.04"), "1.03", 0.10),
    Model(
        "Ruptela", "FM-Eco4 light+", "35331008", False, ("00.02.58", "00.02.64"), "00.02.64", 0.07
    ),
    Model("Meitrack", "T333", "86325602", True, ("3.8", "4.1"), "4.1", 0.05),
]
# Share of units still on a firmware below their model's minimum.
OUTDATED = 0.13

MOBILE_PREFIXES = (
    "811 812 813 821 822 823 851 852 853 814 815 816 855 856 857 858 817 818 819 "
    "859 877 878 831 832 833 838 895 896 897 898 899 881 882 883 887 888 889"
).split()


def version_key(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in re.findall(r"\d+", version))


@dataclass
class Fleet:
    organisations: list[Organisation] = field(default_factory=list)
    international: set[int] = field(default_factory=set)  # organisation pks
    contacts: dict[int, list[Contact]] = field(default_factory=dict)  # by organisation pk
    vehicles: list[Vehicle] = field(default_factory=list)
    units: list[Unit] = field(default_factory=list)
    unit_of: dict[int, Unit] = field(default_factory=dict)  # by vehicle pk
    subscription_of: dict[int, Subscription] = field(default_factory=dict)  # by unit pk
    device_models: dict[str, DeviceModel] = field(default_factory=dict)  # by name
    specs: dict[int, Model] = field(default_factory=dict)  # by device model pk
    region_of: dict[int, str] = field(default_factory=dict)  # organisation pk -> plate prefix
    plates: set[str] = field(default_factory=set)
    imeis: set[str] = field(default_factory=set)
    phones: set[str] = field(default_factory=set)  # contacts' phones and SIM numbers

    def in_service(self) -> list[Unit]:
        """Units installed in a vehicle under an active subscription: what tickets are about."""
        return [
            u for u in self.units if self.subscription_of[u.pk].status == SubscriptionStatus.ACTIVE
        ]

    def is_outdated(self, unit: Unit) -> bool:
        spec = self.specs[unit.device_model_id]
        return version_key(unit.firmware) < version_key(spec.minimum)

    def new_plate(self, rng: random.Random, prefix: str) -> str:
        while True:
            digits = rng.choices((1, 2, 3, 4), weights=(2, 6, 18, 74))[0]
            number = rng.randint(10 ** (digits - 1), 10**digits - 1)
            letters = rng.choices((1, 2, 3), weights=(10, 35, 55))[0]
            suffix = "".join(rng.choice("ABCDEFGHJKLMNPRSTUVWXYZ") for _ in range(letters))
            plate = f"{prefix} {number} {suffix}"
            if plate not in self.plates:
                self.plates.add(plate)
                return _as_stored(plate, normalise_plate)


def _as_stored(value: str, normalise: Callable[[str], str]) -> str:
    """`value`, checked to be exactly what intake would store for it."""
    if normalise(value) != value:
        raise ValueError(f"demo identifier {value!r} is not in its normal form")
    return value


def new_phone(rng: random.Random, used: set[str]) -> str:
    while True:
        length = rng.choice((7, 8))  # subscriber digits after the operator prefix
        number = f"+62{rng.choice(MOBILE_PREFIXES)}{rng.randrange(10 ** (length - 1), 10**length)}"
        parsed = phonenumbers.parse(number, "ID")
        if number not in used and phonenumbers.is_valid_number(parsed):
            used.add(number)
            return _as_stored(number, normalise_phone)


def new_imei(rng: random.Random, tac: str, used: set[str]) -> str:
    while True:
        body = f"{tac}{rng.randrange(10**6):06d}"
        imei = next(body + d for d in "0123456789" if luhn_ok(body + d))
        if imei not in used:
            used.add(imei)
            return _as_stored(imei, normalise_imei)


def _day_between(rng: random.Random, first: date, last: date) -> date:
    return first + timedelta(days=rng.randrange((last - first).days + 1))


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def create_fleet(rng: random.Random) -> Fleet:
    fleet = Fleet()
    _device_models(fleet)
    _organisations(rng, fleet)
    _contacts(rng, fleet)
    _vehicles_units_subscriptions(rng, fleet)
    return fleet


def _device_models(fleet: Fleet) -> None:
    rows = DeviceModel.objects.bulk_create(
        DeviceModel(vendor=m.vendor, name=m.name, is_legacy=m.legacy, min_firmware=m.minimum)
        for m in MODELS
    )
    for row, spec in zip(rows, MODELS, strict=True):
        fleet.device_models[spec.name] = row
        fleet.specs[row.pk] = spec


def _organisations(rng: random.Random, fleet: Fleet) -> None:
    taken: set[str] = set()
    rows: list[Organisation] = []
    since: list[date] = []
    international: list[bool] = []
    prefixes: list[str] = []
    while len(rows) < ORGANISATIONS:
        is_international = rng.random() < INTERNATIONAL
        name = names.organisation_name(rng, international=is_international)
        code = _slug(re.sub(r"^(PT|CV) ", "", name))[:32].strip("-")
        if code in taken:
            continue
        taken.add(code)
        region, prefix = names.region(rng)
        tier = rng.choices([t for t, _ in TIERS], weights=[w for _, w in TIERS])[0]
        rows.append(
            Organisation(
                code=code,
                name=name,
                tier=tier,
                email_domain=f"{code.replace('-', '')}.example",
                region=region,
            )
        )
        prefixes.append(prefix)
        since.append(_day_between(rng, date(2017, 3, 1), date(2021, 9, 30)))
        international.append(is_international)
    fleet.organisations = Organisation.objects.bulk_create(rows)
    fleet.region_of = {
        org.pk: prefix for org, prefix in zip(fleet.organisations, prefixes, strict=True)
    }
    fleet.international = {
        org.pk for org, flag in zip(fleet.organisations, international, strict=True) if flag
    }
    # `created_at` is stamped with today's date on insert; the customers joined years ago.
    for org, day in zip(fleet.organisations, since, strict=True):
        org.created_at = datetime.combine(day, time(10), tzinfo=ZONE)
    Organisation.objects.bulk_update(fleet.organisations, ["created_at"])


def _contacts(rng: random.Random, fleet: Fleet) -> None:
    emails: set[str] = set()
    rows: list[Contact] = []
    for org in fleet.organisations:
        low, high = CONTACTS[Tier(org.tier)]
        is_international = org.pk in fleet.international
        for _ in range(rng.randint(low, high)):
            english = rng.random() < (0.7 if is_international else 0.04)
            first, last = names.person(rng, expatriate=english and rng.random() < 0.4)
            local = _slug(f"{first}.{last}").replace("-", ".")
            email = f"{local}@{org.email_domain}"
            if email in emails:
                email = f"{local}{len(emails)}@{org.email_domain}"
            emails.add(email)
            phone = new_phone(rng, fleet.phones)
            rows.append(
                Contact(
                    organisation=org,
                    name=f"{first} {last}",
                    email=email,
                    phone=phone,
                    # Most fleet staff chat with the desk on WhatsApp; a few only write.
                    whatsapp_id=phone.removeprefix("+") if rng.random() < 0.9 else "",
                    language=Language.ENGLISH if english else Language.INDONESIAN,
                )
            )
    created = Contact.objects.bulk_create(rows)
    for contact in created:
        contact.created_at = contact.organisation.created_at
        fleet.contacts.setdefault(contact.organisation_id, []).append(contact)
    Contact.objects.bulk_update(created, ["created_at"])


def _vehicles_units_subscriptions(rng: random.Random, fleet: Fleet) -> None:
    vehicles: list[Vehicle] = []
    for org in fleet.organisations:
        low, high = FLEET_SIZE[Tier(org.tier)]
        kinds = names.vehicle_kinds(rng)
        for _ in range(rng.randint(low, high)):
            vehicles.append(
                Vehicle(
                    organisation=org,
                    plate=fleet.new_plate(rng, fleet.region_of[org.pk]),
                    description=rng.choice(kinds),
                )
            )
    fleet.vehicles = Vehicle.objects.bulk_create(vehicles)

    units: list[Unit] = []
    weights = [m.share for m in MODELS]
    for vehicle in fleet.vehicles:
        joined = vehicle.organisation.created_at.date()
        installed = _day_between(rng, joined, max(joined, date(2021, 12, 15)))
        spec = rng.choices(MODELS, weights=weights)[0]
        below = [f for f in spec.firmwares if version_key(f) < version_key(spec.minimum)]
        at_least = [f for f in spec.firmwares if f not in below]
        firmware = rng.choice(below if rng.random() < OUTDATED else at_least)
        units.append(
            Unit(
                imei=new_imei(rng, spec.tac, fleet.imeis),
                device_model=fleet.device_models[spec.name],
                firmware=firmware,
                sim_number=new_phone(rng, fleet.phones),
                vehicle=vehicle,
                installed_on=installed,
            )
        )
    subscriptions: list[Subscription] = []
    for unit in units:
        ends_on, status, reason = None, SubscriptionStatus.ACTIVE, ""
        roll = rng.random()
        if roll < 0.05:  # a fixed-term contract that ran out before 2022
            status = SubscriptionStatus.ENDED
        elif roll < 0.08:
            status = SubscriptionStatus.TERMINATED
            reason = rng.choices(
                [
                    TerminationReason.CONTRACT_ENDED,
                    TerminationReason.VEHICLE_SOLD,
                    TerminationReason.OTHER,
                ],
                weights=[5, 4, 1],
            )[0]
        if status != SubscriptionStatus.ACTIVE:
            ends_on = _day_between(
                rng, max(unit.installed_on, date(2020, 1, 1)), date(2021, 12, 31)
            )
            ends_on = max(ends_on, unit.installed_on)
            unit.removed_on = ends_on
            unit.vehicle.is_active = False
        subscriptions.append(
            Subscription(
                organisation=unit.vehicle.organisation,
                unit=unit,
                starts_on=unit.installed_on,
                ends_on=ends_on,
                status=status,
                termination_reason=reason,
            )
        )
    fleet.units = Unit.objects.bulk_create(units)
    Vehicle.objects.bulk_update([v for v in fleet.vehicles if not v.is_active], ["is_active"])
    for unit, subscription in zip(
        fleet.units, Subscription.objects.bulk_create(subscriptions), strict=True
    ):
        fleet.unit_of[unit.vehicle_id] = unit
        fleet.subscription_of[unit.pk] = subscription
