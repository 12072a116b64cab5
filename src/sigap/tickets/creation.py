"""Logging a ticket: validate what it links to, prioritise it, put it with first
line, number it; and intake that a retry of the same message does not double."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.utils.translation import gettext as _

from sigap.accounts.models import User
from sigap.core import claim, clock
from sigap.core.errors import ValidationFailed
from sigap.customers.models import Contact, Organisation, Unit, Vehicle
from sigap.routing.choices import EscalationReason, SupportLevel
from sigap.routing.escalation import management_raise
from sigap.routing.selectors import support_group_by_code
from sigap.sla.clocks import clock_start
from sigap.sla.proposal import propose
from sigap.sla.services import levels_check, priority_for
from sigap.tickets.choices import NUMBER_PREFIX, Channel, EntryKind, Kind, Status
from sigap.tickets.models import Category, Cause, Entry, Ticket, TicketSequence
from sigap.tickets.signals import ticket_logged
from sigap.tickets.timeline import plain_value, record_entry

FIRST_LINE_GROUP = "customer_support"


def _number(ticket: Ticket) -> None:
    """Give a ticket just inserted the next number of its kind; the last write before COMMIT.

    The UPDATE takes the sequence row's lock until this transaction commits, so a
    concurrent creation waits and then reads the value after ours: numbers are distinct
    and, since a rollback undoes the increment too, consecutive. It comes last so that
    the lock is held for as short a time as possible: taken first, it made concurrent
    creations wait through each other's INSERTs. Plain SQL, because building these
    statements with the ORM took longer than running them.
    """
    sequence = TicketSequence._meta.db_table
    update = f"UPDATE {sequence} SET last_value = last_value + 1 WHERE kind = %s"
    with connection.cursor() as cursor:
        if claim.update_returning():
            cursor.execute(f"{update} RETURNING last_value", [ticket.kind])
        else:
            cursor.execute(update, [ticket.kind])
            cursor.execute(f"SELECT last_value FROM {sequence} WHERE kind = %s", [ticket.kind])
        (value,) = cursor.fetchone()
        ticket.number = f"{NUMBER_PREFIX[Kind(ticket.kind)]}-{value:06d}"
        cursor.execute(
            f"UPDATE {Ticket._meta.db_table} SET number = %s WHERE id = %s",
            [ticket.number, ticket.pk],
        )


def category_refusals(*, category: Category, kind: str, cause: Cause | None) -> dict[str, str]:
    """What is wrong with filing a ticket of `kind` under `category` with `cause`."""
    errors: dict[str, str] = {}
    if not category.is_active:
        errors["category"] = _("Category %(code)s is no longer in use.") % {"code": category.code}
    elif not category.allows(kind):
        errors["category"] = _("Category %(code)s is not used for %(kind)s tickets.") % {
            "code": category.code,
            "kind": Kind(kind).label,
        }
    if cause is not None and not cause_applies(cause=cause, category=category):
        errors["cause"] = _("Cause %(cause)s does not apply to category %(code)s.") % {
            "cause": cause.code,
            "code": category.code,
        }
    return errors


def _check_links(
    *,
    kind: str,
    category: Category,
    cause: Cause | None,
    organisation: Organisation | None,
    contact: Contact | None,
    vehicle: Vehicle | None,
    unit: Unit | None,
) -> dict[str, str]:
    errors = category_refusals(category=category, kind=kind, cause=cause)
    org_id = organisation.pk if organisation else None
    for field, obj, obj_org in (
        ("contact", contact, contact.organisation_id if contact else None),
        ("vehicle", vehicle, vehicle.organisation_id if vehicle else None),
    ):
        if obj is not None and obj_org != org_id:
            errors[field] = _("%(obj)s does not belong to this ticket's organisation.") % {
                "obj": obj
            }
    if unit is not None and vehicle is not None and unit.vehicle_id not in (None, vehicle.pk):
        errors["unit"] = _("Unit %(imei)s is not installed in vehicle %(plate)s.") % {
            "imei": unit.imei,
            "plate": vehicle.plate,
        }
    return errors


def cause_applies(*, cause: Cause, category: Category) -> bool:
    """Whether the cause is listed for the category or for its parent."""
    # all(), not a query of its own: a cause from the reference table has them loaded.
    return any(c.pk in (category.pk, category.parent_id) for c in cause.categories.all())


@transaction.atomic
def ticket_log(
    *,
    kind: str,
    title: str,
    category: Category,
    channel: str,
    by: User | None = None,
    description: str = "",
    organisation: Organisation | None = None,
    contact: Contact | None = None,
    vehicle: Vehicle | None = None,
    unit: Unit | None = None,
    cause: Cause | None = None,
    impact: str | None = None,
    urgency: str | None = None,
    scope: str | None = None,
    vehicles: int | None = None,
    moving: bool | None = None,
    external_ref: str | None = None,
    follow_up_of: Ticket | None = None,
) -> tuple[Ticket, Entry]:
    """Log a ticket: number it, prioritise it, put it with first line. Returns the
    ticket and its first timeline entry, which a caller answering with the whole
    ticket then need not read back.

    Impact and urgency not given are proposed (`sla.proposal`) from how much of the
    fleet the ticket touches (`scope`, or a count of `vehicles`), the organisation's
    tier, the category and whether the vehicle is `moving`."""
    if kind not in Kind.values:
        raise ValidationFailed(_("Unknown ticket kind."), fields={"kind": kind})
    if channel not in Channel.values:
        raise ValidationFailed(_("Unknown channel."), fields={"channel": channel})
    title = (title or "").strip()
    if not title:
        raise ValidationFailed(_("A ticket needs a title."), fields={"title": _("Required.")})
    if unit is not None and vehicle is None:
        vehicle = unit.vehicle
    if organisation is None:
        organisation = (contact and contact.organisation) or (vehicle and vehicle.organisation)
    errors = _check_links(
        kind=kind,
        category=category,
        cause=cause,
        organisation=organisation,
        contact=contact,
        vehicle=vehicle,
        unit=unit,
    )
    if errors:
        raise ValidationFailed(_("The ticket cannot be logged as given."), fields=errors)

    proposal = None
    if impact is None or urgency is None:
        fleet = None
        if scope is None and vehicles and vehicles > 1 and organisation is not None:
            fleet = organisation.vehicles.filter(is_active=True).count()
        proposal = propose(
            category=category,
            tier=organisation.tier if organisation is not None else "",
            scope=scope,
            vehicles=vehicles,
            fleet=fleet,
            moving=moving,
        )
        impact = impact or proposal.impact
        urgency = urgency or proposal.urgency
    levels_check(impact=impact, urgency=urgency)
    priority = priority_for(impact=impact, urgency=urgency)
    first_line = support_group_by_code(FIRST_LINE_GROUP)
    now = clock.now()
    ticket = Ticket(
        kind=kind,
        title=title[:200],
        description=description,
        organisation=organisation,
        contact=contact,
        vehicle=vehicle,
        unit=unit,
        category=category,
        cause=cause,
        channel=channel,
        external_ref=external_ref or None,
        impact=impact,
        urgency=urgency,
        priority=priority,
        status=Status.NEW,
        support_level=SupportLevel.L1,
        support_group=first_line,
        reported_at=now,
        updated_at=now,
        created_by=by,
        follow_up_of=follow_up_of,
    )
    clock_start(ticket, now)
    ticket.save()
    changes = {
        name: [None, plain_value(getattr(ticket, name))]
        for name in ("kind", "category", "channel", "impact", "urgency", "priority", "status")
    }
    if proposal is not None:
        changes["proposed"] = [None, list(proposal.basis)]
    entry = record_entry(
        ticket,
        kind=EntryKind.CREATED,
        by=by,
        via=channel,
        body=description,
        public=True,
        changes=changes,
    )
    if ticket.priority == 1 and ticket.kind == Kind.INCIDENT:
        management_raise([ticket], reason=EscalationReason.CRITICAL)
    _number(ticket)
    ticket_logged.send(sender=Ticket, ticket=ticket)
    return ticket, entry


def ticket_create(**fields: Any) -> Ticket:
    """`ticket_log` for callers that want only the ticket."""
    ticket, _entry = ticket_log(**fields)
    return ticket


@dataclass(frozen=True)
class Intake:
    """What one incoming message did."""

    ticket: Ticket
    entry: Entry | None  # the entry it wrote; None for a retry of a message already stored

    @property
    def created(self) -> bool:
        return self.entry is not None


def ticket_intake(*, channel: str, external_ref: str | None, **fields: Any) -> Intake:
    """Log a ticket unless the sender's id was seen before."""
    if external_ref:
        existing = Ticket.objects.filter(channel=channel, external_ref=external_ref).first()
        if existing is not None:
            return Intake(existing, None)
    try:
        ticket, entry = ticket_log(channel=channel, external_ref=external_ref, **fields)
    except IntegrityError:
        # A concurrent retry of the same message committed first: answer with its ticket.
        existing = Ticket.objects.filter(channel=channel, external_ref=external_ref).first()
        if external_ref and existing is not None:
            return Intake(existing, None)
        raise
    return Intake(ticket, entry)
