"""Prepare a Sigap database for the desk pages benchmark (run by `desk_pages.py` in a
subprocess, through `servers.SigapTarget`).

Expects DATABASE_URL and SIGAP_DATA_DIR in the environment and a migrated database.
Writes what an agent's screens read, at the size of a year of work:
- the demo's staff (`sigap.demo.staff`: four agents in customer_support, specialists
  in the second-line groups) and its customers (`sigap.demo.customers`: 240
  organisations with contacts and phones, about 3,000 vehicles with GPS units);
- `--tickets` tickets through `sigap_seed._seed_tickets`, each finished here: a
  customer with a vehicle and unit (an organisation with a larger fleet reports more),
  the demo's titles and descriptions, a status that depends on its age (about 8 % of
  them still open), an assignee in its support group, a second line and an escalation
  for some, SLA deadlines from the seeded policies with their breach flags and records;
- one timeline entry per ticket, and 30 on "the timed ticket" (the newest incident of
  the biggest fleet, escalated to the technicians, its resolution late);
- a signed-in session for the agent cs.rina.
Prints one JSON line: {"sessionid": ..., "ticket": ..., "plate": ..., "phone": ...}.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sigap.settings")

import django

django.setup()

import sigap_seed  # noqa: E402
from django.db import transaction  # noqa: E402
from django.db.models import Q  # noqa: E402
from django.test import Client  # noqa: E402

from sigap.accounts.models import User  # noqa: E402
from sigap.core import clock  # noqa: E402
from sigap.customers.models import Contact, Organisation, Vehicle  # noqa: E402
from sigap.demo import texts  # noqa: E402
from sigap.demo.customers import Fleet, create_fleet  # noqa: E402
from sigap.demo.names import PLACES  # noqa: E402
from sigap.demo.staff import Staff, create_staff  # noqa: E402
from sigap.routing.choices import EscalationKind, EscalationReason, SupportLevel  # noqa: E402
from sigap.routing.models import Escalation  # noqa: E402
from sigap.sla import business_time  # noqa: E402
from sigap.sla.choices import Clock  # noqa: E402
from sigap.sla.clocks import policy_for  # noqa: E402
from sigap.sla.models import SlaBreach  # noqa: E402
from sigap.sla.selectors import calendar_get  # noqa: E402
from sigap.tickets.choices import EntryKind, Kind, PendingReason, Status, Via  # noqa: E402
from sigap.tickets.models import Category, Entry, Ticket  # noqa: E402

AGENT = "cs.rina"
FIRST_LINE = "customer_support"
TIMELINE = 30  # entries on the timed ticket
BATCH = sigap_seed.BATCH

# Leaf categories, weighted roughly as the case study's desk sees them; the demo text
# each one's tickets are written with.
CATEGORIES: dict[str, list[tuple[str, int, str]]] = {
    Kind.INCIDENT: [
        ("gps_unit.not_updating", 60, "unit_down"),
        ("gps_unit.damaged", 14, "unit_damaged"),
        ("optional_feature.malfunction", 8, "feature_fault"),
        ("application.error", 8, "app_error"),
        ("payment.invoice", 6, "invoice_error"),
        ("other.general", 4, "app_error"),
    ],
    Kind.REQUEST: [
        ("gps_unit.installation", 14, "unit_relocation"),
        ("gps_unit.removal", 14, "unit_removal"),
        ("gps_unit.relocation", 12, "unit_relocation"),
        ("optional_feature.request", 10, "feature_request"),
        ("application.request", 8, "app_request"),
        ("payment.invoice", 6, "invoice_copy"),
        ("payment.confirmation", 10, "payment_confirm"),
        ("account.data_change", 12, "account_plate"),
        ("account.credentials", 8, "account_password"),
        ("account.access", 6, "account_access"),
    ],
}
WITH_VEHICLE = ("gps_unit.", "optional_feature.", "account.data_change")
OPEN = (Status.NEW, Status.ASSIGNED, Status.IN_PROGRESS, Status.PENDING)
WHY = list(texts.WHY.values())


def _open_share(age: timedelta) -> float:
    """How likely a ticket of this age is still open: most recent ones, a backlog of old."""
    days = age.total_seconds() / 86_400
    return 0.9 if days < 2 else 0.6 if days < 7 else 0.3 if days < 30 else 0.05


@dataclass
class Shaper:
    """Finishes each ticket `sigap_seed` draws (`__call__`), and keeps what must be
    written once the tickets have their ids: escalations and breach records."""

    rng: random.Random
    fleet: Fleet
    staff: Staff
    now: datetime
    escalations: list[tuple[Ticket, bool]] = field(default_factory=list)  # (ticket, open)
    breaches: list[tuple[Ticket, str, datetime, datetime | None]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.vehicles = [v for v in self.fleet.vehicles if v.is_active]
        self.organisations = {o.pk: o for o in self.fleet.organisations}
        codes = {c.code: c for c in Category.objects.all()}
        self.categories = {
            kind: (
                [codes[code] for code, _, _ in rows],
                [weight for _, weight, _ in rows],
                [key for *_, key in rows],
            )
            for kind, rows in CATEGORIES.items()
        }
        self.agents = self.staff.of(FIRST_LINE)
        self.first_line = self.staff.groups[FIRST_LINE]
        self.calendars: dict[str, business_time.Calendar] = {}  # by code

    def __call__(self, ticket: Ticket) -> None:
        rng = self.rng
        categories, weights, text_keys = self.categories[ticket.kind]
        index = rng.choices(range(len(categories)), weights=weights)[0]
        category = categories[index]
        ticket.category_id = category.pk
        vehicle = rng.choice(self.vehicles)  # a bigger fleet reports more
        organisation = self.organisations[vehicle.organisation_id]
        ticket.organisation_id = organisation.pk
        contacts = self.fleet.contacts.get(organisation.pk, [])
        contact = rng.choice(contacts) if contacts and rng.random() < 0.92 else None
        ticket.contact_id = contact.pk if contact else None
        if category.code.startswith(WITH_VEHICLE):
            ticket.vehicle_id = vehicle.pk
            unit = self.fleet.unit_of.get(vehicle.pk)
            ticket.unit_id = unit.pk if unit is not None else None
        language = contact.language if contact is not None else "id"
        values = self._values(ticket.reported_at, organisation, vehicle, language)
        ticket.title = texts.say(rng, f"title.{text_keys[index]}", language, values)[:200]
        ticket.description = texts.say(rng, f"desc.{text_keys[index]}", language, values)
        self._lifecycle(ticket, category)
        self._clocks(ticket, category, organisation)

    def _values(
        self, moment: datetime, organisation: Organisation, vehicle: Vehicle, language: str
    ) -> dict[str, object]:
        rng = self.rng
        feature, why = rng.choice(texts.FEATURES), rng.choice(WHY)
        count = rng.randint(2, 25)
        return {
            "plate": vehicle.plate,
            "vehicle": vehicle.description,
            "org": organisation.name,
            "buyer": rng.choice(self.fleet.organisations).name,
            "new_plate": self.fleet.new_plate(rng, "B"),
            "place": rng.choice(PLACES),
            "since": rng.choice(texts.SINCE[language if language in texts.SINCE else "id"]),
            "daypart": texts.daypart(moment, "id"),
            "daypart_en": texts.daypart(moment, "en"),
            "invoice": f"INV/{moment:%Y/%m}/{rng.randint(100, 2400):05d}",
            "month": texts.MONTHS_ID[(moment.month - 2) % 12],
            "month_en": texts.MONTHS_EN[(moment.month - 2) % 12],
            "count": count,
            "billed": count + rng.randint(1, 4),
            "feature": feature[0],
            "feature_en": feature[1],
            "why_id": why[0],
            "why_en": why[1],
        }

    def _minutes(self, low: float, high: float) -> timedelta:
        return timedelta(minutes=self.rng.uniform(low, high))

    def _lifecycle(self, ticket: Ticket, category: Category) -> None:
        """Status, people and the moments each step happened, by the ticket's age."""
        rng, now = self.rng, self.now
        reported = ticket.reported_at
        age = now - reported
        is_open = rng.random() < _open_share(age)
        if is_open:
            new_share = 40 if age < timedelta(days=2) else 4
            ticket.status = rng.choices(OPEN, weights=[new_share, 30, 30, 15])[0]
        else:
            ticket.status = rng.choices(
                [Status.CLOSED, Status.RESOLVED, Status.CANCELLED], weights=[84, 8, 8]
            )[0]
        ticket.support_group_id, ticket.support_level = self.first_line.pk, SupportLevel.L1
        ticket.assignee_id = None
        if ticket.status == Status.NEW:
            ticket.updated_at = reported
            return
        answered = min(now, reported + timedelta(minutes=self.rng.triangular(2, 180, 8)))
        if ticket.status == Status.CANCELLED and rng.random() < 0.5:
            ticket.cancelled_at = ticket.updated_at = answered
            return
        ticket.first_response_at = answered
        last = answered
        second_line = category.support_group_id
        if second_line is not None and rng.random() < (0.3 if is_open else 0.25):
            group = next(g for g in self.staff.groups.values() if g.pk == second_line)
            ticket.support_group_id, ticket.support_level = group.pk, SupportLevel.L2
            ticket.escalated_at = last = min(now, answered + self._minutes(10, 24 * 60))
            members = self.staff.members.get(group.code, [])
            if members and (not is_open or rng.random() < 0.7):
                ticket.assignee_id = rng.choice(members).pk
            self.escalations.append((ticket, is_open))
        elif not is_open or rng.random() < 0.8:
            ticket.assignee_id = rng.choice(self.agents).pk
        if ticket.status == Status.PENDING:
            ticket.pending_reason = rng.choices(
                [PendingReason.CUSTOMER, PendingReason.VENDOR, PendingReason.OTHER],
                weights=[7, 2, 1],
            )[0]
            if ticket.pending_reason != PendingReason.OTHER:
                ticket.sla_paused_at = last = min(now, last + self._minutes(5, 600))
        if not is_open:
            done = min(now, last + timedelta(hours=self.rng.triangular(0.3, 96, 3)))
            if ticket.status == Status.CANCELLED:
                ticket.cancelled_at = done
            else:
                ticket.resolved_at = ticket.sla_paused_at = done
                closed = done + timedelta(days=3)  # customers rarely confirm; auto-closed
                if ticket.status == Status.CLOSED and closed < now:
                    ticket.closed_at = done = closed
                else:
                    ticket.status = Status.RESOLVED
            last = done
        ticket.updated_at = min(now, last + self._minutes(0, 120)) if is_open else last

    def _clocks(self, ticket: Ticket, category: Category, organisation: Organisation) -> None:
        """Deadlines as `sla.clocks.clock_start` sets them, and breach flags and records
        as the sweep and the services leave them."""
        policy = policy_for(
            kind=ticket.kind, priority=ticket.priority, tier=organisation.tier, category=category
        )
        if policy is None:
            return
        code = policy.calendar.code
        calendar = self.calendars.get(code) or self.calendars.setdefault(code, calendar_get(code))
        start, now = ticket.reported_at, self.now
        ticket.sla_policy_id = policy.pk
        ticket.response_due_at = business_time.add(
            calendar, start, timedelta(minutes=policy.response_minutes)
        )
        ticket.resolve_due_at = business_time.add(
            calendar, start, timedelta(minutes=policy.resolve_minutes)
        )
        running = ticket.status in OPEN
        for name, due, stopped in (
            (Clock.RESPONSE, ticket.response_due_at, ticket.first_response_at),
            (Clock.RESOLUTION, ticket.resolve_due_at, ticket.resolved_at or ticket.sla_paused_at),
        ):
            if stopped is None and not running:
                continue  # cancelled unanswered: nothing waits any more
            prefix = "response" if name == Clock.RESPONSE else "resolve"
            if (stopped or now) > due:
                setattr(ticket, f"{prefix}_breached", True)
                self.breaches.append((ticket, name, due, stopped))
            elif stopped is None:
                # A warning still to come, at 80 % of the time (the sweep empties it once given).
                warn = due - (due - start) / 5
                if warn > now:
                    setattr(ticket, f"{prefix}_warn_at", warn)

    def write_escalations(self) -> int:
        rows, rng = [], self.rng
        for ticket, is_open in self.escalations:
            acknowledged = not is_open or rng.random() < 0.5
            ended = ticket.resolved_at or ticket.cancelled_at
            rows.append(
                Escalation(
                    ticket_id=ticket.pk,
                    kind=EscalationKind.FUNCTIONAL,
                    reason=EscalationReason.MANUAL,
                    from_group_id=self.first_line.pk,
                    from_level=SupportLevel.L1,
                    to_group_id=ticket.support_group_id,
                    to_level=SupportLevel.L2,
                    by_id=rng.choice(self.agents).pk,
                    at=ticket.escalated_at,
                    acknowledged_at=(
                        ticket.escalated_at + self._minutes(5, 90) if acknowledged else None
                    ),
                    acknowledged_by_id=ticket.assignee_id if acknowledged else None,
                    reminders_sent=0 if acknowledged else rng.randint(0, 2),
                    next_reminder_at=None if acknowledged else self.now + self._minutes(5, 60),
                    ended_at=ended,
                )
            )
        Escalation.objects.bulk_create(rows, batch_size=BATCH)
        return len(rows)

    def write_breaches(self) -> int:
        SlaBreach.objects.bulk_create(
            (
                SlaBreach(
                    ticket_id=ticket.pk,
                    clock=name,
                    due_at=due,
                    stopped_at=stopped,
                    late_by=stopped - due if stopped is not None else None,
                )
                for ticket, name, due, stopped in self.breaches
            ),
            batch_size=BATCH,
        )
        return len(self.breaches)


def _created_entries() -> int:
    """Each ticket's first timeline entry, as `ticket_create` writes it."""
    rows = list(Ticket.objects.values_list("pk", "reported_at", "channel", "description"))
    for start in range(0, len(rows), BATCH):
        Entry.objects.bulk_create(
            Entry(
                ticket_id=pk,
                kind=EntryKind.CREATED,
                at=at,
                via=channel,
                public=True,
                body=description,
            )
            for pk, at, channel, description in rows[start : start + BATCH]
        )
    return len(rows)


def _timed_ticket(staff: Staff, fleet: Fleet, now: datetime) -> Ticket:
    """The ticket whose page is timed: the newest incident of the biggest fleet with a
    vehicle, unit and contact, reported at least a day ago. It is made as busy as a
    ticket gets: escalated to the technicians, its resolution late, and 30 entries."""
    sizes: dict[int, int] = {}
    for vehicle in fleet.vehicles:
        sizes[vehicle.organisation_id] = sizes.get(vehicle.organisation_id, 0) + 1
    biggest = max(sizes, key=sizes.__getitem__)
    ticket = (
        Ticket.objects.filter(
            organisation_id=biggest,
            kind=Kind.INCIDENT,
            vehicle__isnull=False,
            unit__isnull=False,
            contact__isnull=False,
            reported_at__lt=now - timedelta(days=1),
        )
        .order_by("-reported_at")
        .first()
    )
    assert ticket is not None, "no ticket to time"
    agent, technician = staff.users[AGENT], staff.of("technicians")[0]
    technicians = staff.groups["technicians"]
    at = ticket.reported_at
    step = min(timedelta(minutes=40), (now - at) / (TIMELINE + 2))
    answered, escalated = at + step, at + 4 * step
    Ticket.objects.filter(pk=ticket.pk).update(
        status=Status.IN_PROGRESS,
        pending_reason="",
        support_group=technicians,
        support_level=SupportLevel.L2,
        assignee=technician,
        first_response_at=answered,
        escalated_at=escalated,
        resolved_at=None,
        closed_at=None,
        cancelled_at=None,
        sla_paused_at=None,
        response_breached=False,
        resolve_breached=True,
        resolve_due_at=at + timedelta(hours=2),
        updated_at=at + TIMELINE * step,
    )
    SlaBreach.objects.filter(ticket=ticket).delete()
    SlaBreach.objects.create(
        ticket=ticket, clock=Clock.RESOLUTION, due_at=at + timedelta(hours=2), stopped_at=None
    )
    Escalation.objects.filter(ticket=ticket).delete()
    Escalation.objects.create(
        ticket=ticket,
        kind=EscalationKind.FUNCTIONAL,
        reason=EscalationReason.MANUAL,
        note="Unit perlu dicek teknisi di lokasi.",
        from_group=staff.groups[FIRST_LINE],
        from_level=SupportLevel.L1,
        to_group=technicians,
        to_level=SupportLevel.L2,
        by=agent,
        at=escalated,
        reminders_sent=1,
        next_reminder_at=now + timedelta(minutes=30),
    )
    rng = random.Random(TIMELINE)
    unit, contact = ticket.unit, ticket.contact
    values = {
        "imei": unit.imei,
        "model": str(unit.device_model),
        "since_id": "tadi pagi",
        "place": rng.choice(PLACES),
        "daypart": texts.daypart(at, "id"),
        "contact": contact.name,
        "number": ticket.number,
        "agent": agent.first_name,
    }
    escalation = {"support_group": [FIRST_LINE, "technicians"], "support_level": ["l1", "l2"]}
    # (kind, actor, via, public, body, changes); the created entry is already there.
    script: list[tuple[str, User | None, str, bool, str, dict]] = [
        (EntryKind.TRANSITION, agent, Via.DESK, False, "", {"status": ["new", "assigned"]}),
        (EntryKind.COMMENT, agent, Via.DESK, True, texts.say(rng, "ack", "id", values), {}),
        (EntryKind.NOTE, agent, Via.DESK, False, texts.note(rng, "note.old_device", values), {}),
        (EntryKind.ESCALATION, agent, Via.DESK, False, "Perlu dicek teknisi.", escalation),
        (EntryKind.CHANGE, agent, Via.DESK, False, "", {"priority": [3, 2]}),
        (EntryKind.CALL, agent, Via.PHONE, True, "Driver menelepon: unit belum update.", {}),
        (EntryKind.COMMENT, None, Via.WHATSAPP, True, "Posisinya masih belum berubah.", {}),
        (
            EntryKind.TRANSITION,
            technician,
            Via.DESK,
            False,
            "",
            {"status": ["assigned", "in_progress"]},
        ),
        (EntryKind.SLA, None, Via.SYSTEM, False, "", {"resolve_breached": [False, True]}),
    ]
    entries = []
    for i in range(TIMELINE - 1):
        kind, actor, via, public, body, changes = script[i % len(script)]
        entries.append(
            Entry(
                ticket=ticket,
                kind=kind,
                action="",
                at=at + (i + 1) * step,
                actor=actor,
                via=via,
                public=public,
                body=body,
                changes=changes,
            )
        )
    Entry.objects.bulk_create(entries)
    return Ticket.objects.select_related("vehicle", "contact").get(pk=ticket.pk)


def _count(phrase: str) -> int:
    """Tickets whose title or description holds every word of `phrase` (the search's
    rule on SQLite), to say how selective each timed search is."""
    qs = Ticket.objects.all()
    for word in phrase.split():
        qs = qs.filter(Q(title__icontains=word) | Q(description__icontains=word))
    return qs.count()


# What the searches and the caller lookup look for (besides the timed ticket's own
# number, plate and contact): words many tickets hold, and words few do.
COMMON_WORDS = "tidak update"
RARE_WORDS = "kamera dashboard"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--tickets", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=20240601)
    args = parser.parse_args(argv)
    started = time.perf_counter()
    now = clock.now()
    with transaction.atomic():
        staff = create_staff()
        fleet = create_fleet(random.Random(f"{args.seed}:customers"))
        shaper = Shaper(random.Random(f"{args.seed}:desk"), fleet, staff, now)
        sigap_seed._seed_tickets(args.tickets, args.seed, shape=shaper)
        escalations = shaper.write_escalations()
        breaches = shaper.write_breaches()
        entries = _created_entries()
        ticket = _timed_ticket(staff, fleet, now)
    client = Client()
    client.force_login(staff.users[AGENT])
    contact: Contact = ticket.contact
    result = {
        "sessionid": client.cookies["sessionid"].value,
        "agent": AGENT,
        "ticket": ticket.number,
        "plate": ticket.vehicle.plate,
        "phone": contact.phone,
        "common_words": COMMON_WORDS,
        "rare_words": RARE_WORDS,
        "matches": {COMMON_WORDS: _count(COMMON_WORDS), RARE_WORDS: _count(RARE_WORDS)},
        "plate_tickets": Ticket.objects.filter(vehicle=ticket.vehicle).count(),
        "organisation_tickets": Ticket.objects.filter(organisation=ticket.organisation_id).count(),
        "open_tickets": Ticket.objects.filter(status__in=OPEN).count(),
        "escalations": escalations,
        "breaches": breaches,
        "entries": entries + TIMELINE - 1,
        "vehicles": Vehicle.objects.count(),
        "contacts": Contact.objects.count(),
        "tickets": Ticket.objects.count(),
        "seconds": round(time.perf_counter() - started, 1),
    }
    sys.stdout.write(json.dumps(result) + "\n")


if __name__ == "__main__":
    main()
