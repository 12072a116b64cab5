"""Who reports each ticket and about what.

`Planner.plan()` turns an arrival (a moment and a situation) into a complete
`Plan`: the customer and asset, the words, and the timeline (from `flows`). Plans
are made in arrival order and played at once, so a vehicle whose records a ticket
changes (a removed unit, a new plate) is not picked by any later ticket.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import datetime

from sigap.customers.choices import Language, Tier
from sigap.customers.models import Organisation, Unit, Vehicle
from sigap.demo import effects, texts
from sigap.demo.calendar import ZONE, WorkCalendar
from sigap.demo.customers import Fleet
from sigap.demo.flows import FLOWS
from sigap.demo.names import PLACES
from sigap.demo.plan import Plan, Recipe, channel
from sigap.demo.staff import Staff
from sigap.demo.story import Story
from sigap.tickets.choices import Kind


class Planner:
    def __init__(
        self, rng: random.Random, calendar: WorkCalendar, fleet: Fleet, staff: Staff
    ) -> None:
        self.rng, self.calendar, self.fleet, self.staff = rng, calendar, fleet, staff
        in_service = fleet.in_service()
        self.units = in_service
        self.legacy = [u for u in in_service if fleet.specs[u.device_model_id].legacy]
        self.outdated = [u for u in in_service if fleet.is_outdated(u)]
        self.retired: set[int] = set()  # vehicles a planned ticket changes
        self.upgraded: set[int] = set()  # units whose firmware a planned ticket fixes
        sizes: dict[int, int] = {}
        for unit in in_service:
            org_id = unit.vehicle.organisation_id
            sizes[org_id] = sizes.get(org_id, 0) + 1
        self.customers = [o for o in fleet.organisations if o.pk in sizes]
        # Bigger fleets write more, though not in proportion to their size.
        self.customer_weights = [sizes[o.pk] ** 0.6 for o in self.customers]

    # --- who and what -------------------------------------------------------------
    def _unit(self, pool: list[Unit], ok: Callable[[Unit], bool] = lambda u: True) -> Unit:
        # Rejection sampling: the excluded units are few, so this rarely draws twice.
        for _ in range(200):
            unit = self.rng.choice(pool)
            if self._usable(unit) and ok(unit):
                return unit
        # The special pool ran dry (only if the mix is changed): any unit in service.
        return self.rng.choice([u for u in self.units if self._usable(u)])

    def _usable(self, unit: Unit) -> bool:
        # A removed or replaced unit has no vehicle any more (tickets are played as
        # they are planned, so the change may already be made).
        return unit.vehicle_id is not None and unit.vehicle_id not in self.retired

    def _vehicle(self, org: Organisation) -> Vehicle:
        vehicles = [
            u.vehicle for u in self.units if self._usable(u) and u.vehicle.organisation_id == org.pk
        ]
        return self.rng.choice(vehicles)

    def plan(self, reported_at: datetime, recipe: Recipe) -> Plan:
        rng, fleet = self.rng, self.fleet
        cause = rng.choice(recipe.causes) if recipe.causes else ""
        unit: Unit | None = None
        if recipe.key == "unit_old" or (recipe.key == "unit_damaged" and cause == "old_device"):
            unit = self._unit(self.legacy)
        elif recipe.key == "unit_firmware":
            unit = self._unit(self.outdated, lambda u: u.pk not in self.upgraded)
        elif recipe.unit:
            unit = self._unit(self.units)
        if unit is not None:
            org = unit.vehicle.organisation
        else:
            org = rng.choices(self.customers, weights=self.customer_weights)[0]
        vehicle = unit.vehicle if unit is not None else None
        if recipe.key in ("account_plate", "account_owner", "feature_fault"):
            vehicle = self._vehicle(org)
        contact = rng.choice(fleet.contacts[org.pk])
        via = channel(rng)
        if via == "whatsapp" and not contact.whatsapp_id:
            via = "phone"
        plan = Plan(
            reported_at=reported_at,
            recipe=recipe,
            channel=via,
            organisation=org,
            contact=contact,
            vehicle=vehicle,
            unit=unit,
            # A request says why when it is made; an incident's cause is found later.
            cause=cause if recipe.kind == Kind.REQUEST else "",
        )
        plan.impact, plan.urgency = self._levels(recipe, org)
        plan.external_ref = self._external_ref(plan)
        language = contact.language if contact.language in Language.values else "id"
        values = self._values(plan, cause, language)
        story = Story(
            rng=rng,
            calendar=self.calendar,
            staff=self.staff,
            plan=plan,
            language=language,
            values=values,
            # Every "not updating" report reads alike, whatever its cause turns out to be.
            text_key="unit_down" if recipe.category == "gps_unit.not_updating" else recipe.key,
        )
        FLOWS[recipe.key](self, story, cause)
        return plan

    def _levels(self, recipe: Recipe, org: Organisation) -> tuple[str, str]:
        rng = self.rng
        if recipe.kind == Kind.INCIDENT and recipe.unit:
            impact = "low" if org.tier == Tier.STANDARD and rng.random() < 0.6 else "medium"
            urgency = "high" if org.tier == Tier.VIP or rng.random() < 0.3 else "medium"
        elif recipe.kind == Kind.INCIDENT:
            impact, urgency = "medium", rng.choice(["medium", "high"])
        else:
            impact = "low"
            urgency = "medium" if org.tier == Tier.VIP or rng.random() < 0.3 else "low"
        return impact, urgency

    def _external_ref(self, plan: Plan) -> str | None:
        """The sender's message id, as the mail and WhatsApp intakes store it."""
        bits = self.rng.getrandbits(64)
        if plan.channel == "email":
            stamp = plan.reported_at.astimezone(ZONE).strftime("%Y%m%d%H%M%S")
            return f"<{stamp}.{bits:016x}@mail.{plan.organisation.email_domain}>"
        if plan.channel == "whatsapp":
            return f"wamid.HBgN{plan.contact.whatsapp_id}FQIAEhgU{bits:016X}"
        return None

    def _values(self, plan: Plan, cause: str, language: str) -> dict[str, object]:
        rng, fleet = self.rng, self.fleet
        local = plan.reported_at.astimezone(ZONE)
        feature = rng.choice(texts.FEATURES)
        count = rng.randint(2, 25)
        since = rng.randrange(len(texts.SINCE["en"]))
        values: dict[str, object] = {
            "number": "{number}",  # filled in by the player
            "contact": plan.contact.name,
            "org": plan.organisation.name,
            "place": rng.choice(PLACES),
            "since": texts.SINCE[language][since],
            "since_id": texts.SINCE["id"][since],
            # Invoices go out at the start of a month for the month before.
            "invoice": f"INV/{local:%Y/%m}/{rng.randint(100, 2400):05d}",
            "month": texts.MONTHS_ID[(local.month - 2) % 12],
            "month_en": texts.MONTHS_EN[(local.month - 2) % 12],
            "count": count,
            "billed": count + rng.randint(1, 4),
            "feature": feature[0],
            "feature_en": feature[1],
            "why_id": texts.WHY.get(cause, ("", ""))[0],
            "why_en": texts.WHY.get(cause, ("", ""))[1],
            "tech": "",
            "new_model": f"{effects.REPLACEMENT.vendor} {effects.REPLACEMENT.name}",
        }
        vehicle = plan.vehicle
        if vehicle is not None:
            values |= {"plate": vehicle.plate, "vehicle": vehicle.description}
        if plan.unit is not None:
            spec = fleet.specs[plan.unit.device_model_id]
            values |= {
                "imei": plan.unit.imei,
                "model": f"{spec.vendor} {spec.name}",
                "firmware": plan.unit.firmware,
                "minimum": spec.minimum,
            }
        return values
