"""What a resolved ticket changes in the customer's records: a replaced unit, a new
firmware, a removed unit and its ended subscription, a new plate, a new owner.

Each function returns the change as a callable the player runs on the day the
ticket is resolved, through the customers services, so the records pass the same
validation as a change made at the desk. Everything a change needs (a new IMEI, a
new plate) is drawn when the ticket is planned, to keep the random sequence fixed.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date

from sigap.customers.choices import SubscriptionStatus, TerminationReason
from sigap.customers.models import Organisation, Unit, Vehicle
from sigap.customers.services import (
    subscription_create,
    subscription_update,
    unit_create,
    unit_update,
    vehicle_create,
    vehicle_update,
)
from sigap.demo.customers import MODELS, Fleet, Model, new_imei, new_phone

Effect = Callable[[date], None]

# What a legacy or broken unit is replaced with.
REPLACEMENT: Model = next(m for m in MODELS if m.name == "FMB920")


def replace_unit(rng: random.Random, fleet: Fleet, unit: Unit) -> Effect:
    imei = new_imei(rng, REPLACEMENT.tac, fleet.imeis)
    sim = new_phone(rng, fleet.phones)
    vehicle = unit.vehicle
    subscription = fleet.subscription_of[unit.pk]

    def apply(day: date) -> None:
        unit_update(unit=unit, vehicle=None, removed_on=day)
        new = unit_create(
            imei=imei,
            device_model=fleet.device_models[REPLACEMENT.name],
            firmware=REPLACEMENT.firmwares[-1],
            sim_number=sim,
            vehicle=vehicle,
            installed_on=day,
        )
        # The contract covers the vehicle's tracking, so it carries on with the new unit.
        subscription_update(subscription=subscription, unit=new)

    return apply


def upgrade_firmware(fleet: Fleet, unit: Unit) -> Effect:
    latest = fleet.specs[unit.device_model_id].firmwares[-1]

    def apply(day: date) -> None:
        unit_update(unit=unit, firmware=latest)

    return apply


def remove_unit(fleet: Fleet, unit: Unit, reason: str) -> Effect:
    vehicle = unit.vehicle
    subscription = fleet.subscription_of[unit.pk]

    def apply(day: date) -> None:
        subscription_update(
            subscription=subscription,
            status=SubscriptionStatus.TERMINATED,
            termination_reason=TerminationReason(reason),
            ends_on=day,
        )
        unit_update(unit=unit, vehicle=None, removed_on=day)
        vehicle_update(vehicle=vehicle, is_active=False)

    return apply


def relocate_unit(unit: Unit, new_plate: str) -> Effect:
    old = unit.vehicle

    def apply(day: date) -> None:
        new = vehicle_create(
            organisation=old.organisation, plate=new_plate, description=old.description
        )
        unit_update(unit=unit, vehicle=new)
        vehicle_update(vehicle=old, is_active=False)

    return apply


def change_plate(vehicle: Vehicle, new_plate: str) -> Effect:
    def apply(day: date) -> None:
        vehicle_update(vehicle=vehicle, plate=new_plate)

    return apply


def transfer_vehicle(fleet: Fleet, vehicle: Vehicle, buyer: Organisation) -> Effect:
    unit = fleet.unit_of[vehicle.pk]
    subscription = fleet.subscription_of[unit.pk]

    def apply(day: date) -> None:
        subscription_update(
            subscription=subscription,
            status=SubscriptionStatus.TERMINATED,
            termination_reason=TerminationReason.VEHICLE_SOLD,
            ends_on=day,
        )
        vehicle_update(vehicle=vehicle, organisation=buyer)
        subscription_create(organisation=buyer, unit=unit, starts_on=day)

    return apply
