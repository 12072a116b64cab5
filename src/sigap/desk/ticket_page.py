"""What the desk's ticket page reads: the ticket, its SLA clocks, the customer and
the timeline, each restricted to what the user may see.

The number of queries does not grow with the timeline: actors come with the
entries and every entry's attachments with one more query.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.db.models import F, Prefetch, QuerySet
from django.utils import formats, timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from sigap.accounts.models import User
from sigap.core import clock
from sigap.core.durations import duration_text
from sigap.customers.models import Contact, Organisation, Subscription, Unit, Vehicle
from sigap.desk.unit_panel import UnitPanel, unit_panel_get
from sigap.routing.models import Escalation
from sigap.sla.choices import Clock
from sigap.sla.models import SlaBreach
from sigap.telematics.models import UnitState
from sigap.telematics.selectors import conditions_for
from sigap.tickets import selectors
from sigap.tickets.choices import OPEN_STATUSES, Action, Status, Via
from sigap.tickets.models import Attachment, Entry, Ticket

FLEET_LIMIT = 20
OPEN_TICKETS_LIMIT = 10

# A short mark per channel, drawn as a badge next to the channel's name (which is
# what a screen reader reads: the mark itself is hidden from it).
VIA_MARKS: dict[str, str] = {
    Via.EMAIL: "@",
    Via.WHATSAPP: "WA",
    Via.PHONE: "☎",
    Via.PORTAL: "P",
    Via.API: "{}",
    Via.DESK: "D",
    Via.SYSTEM: "S",
    Via.VENDOR: "V",
    Via.MONITORING: "M",
}
# Entries that came in from the customer's side when nobody signed in wrote them.
CUSTOMER_VIAS = frozenset({Via.EMAIL, Via.WHATSAPP, Via.PHONE, Via.PORTAL, Via.API})
STOPPED_AT = {
    Status.RESOLVED: "resolved_at",
    Status.CLOSED: "closed_at",
    Status.CANCELLED: "cancelled_at",
}


@dataclass(frozen=True)
class ClockView:
    """One SLA clock: `state` is running, paused or stopped; `since` when it paused
    or stopped; `late` once its target has passed."""

    name: str
    due_at: datetime | None
    state: str
    since: datetime | None
    late: bool


@dataclass(frozen=True)
class BreachView:
    clock: str
    due_at: datetime
    stopped_at: datetime | None
    late_by: str


@dataclass(frozen=True)
class ChangeView:
    field: str
    before: str
    after: str


@dataclass(frozen=True)
class EntryView:
    entry: Entry
    who: str
    via_mark: str
    action: str
    changes: list[ChangeView]
    attachments: list[Attachment]


@dataclass(frozen=True)
class UnitView:
    unit: Unit
    subscription: str
    state: UnitState | None = None  # in the fleet list; None: never heard from


@dataclass(frozen=True)
class VehicleView:
    vehicle: Vehicle
    units: list[UnitView]


@dataclass(frozen=True)
class CustomerPanel:
    organisation: Organisation | None
    contact: Contact | None
    vehicle: Vehicle | None
    unit: UnitView | None
    fleet: list[VehicleView]
    fleet_more: int
    open_tickets: list[Ticket]
    open_more: int


@dataclass(frozen=True)
class TicketPage:
    ticket: Ticket
    clocks: list[ClockView]
    breaches: list[BreachView]
    timeline: list[EntryView]
    # Support staff only: a vendor sees neither the customer nor the escalations.
    customer: CustomerPanel | None
    escalations: list[Escalation] | None
    unit: Unit | None
    # Support staff only, like the customer: where a customer's vehicle is is theirs.
    monitoring: UnitPanel | None


def ticket_page_get(*, user: User, number: str) -> TicketPage:
    """Everything the page shows of ticket `number`; NotFound when the user may not see it."""
    ticket = selectors.ticket_get(user=user, number=number)
    now = clock.now()
    staff = user.is_support_staff
    unit = _unit(ticket, subscriptions=staff)
    customer = _customer(user=user, ticket=ticket, unit=unit) if staff else None
    return TicketPage(
        ticket=ticket,
        clocks=_clocks(ticket, now),
        breaches=_breaches(ticket),
        timeline=_timeline(user=user, ticket=ticket, contact=customer and customer.contact),
        customer=customer,
        escalations=_escalations(ticket) if staff else None,
        unit=unit,
        monitoring=unit_panel_get(unit) if staff and unit is not None else None,
    )


def _unit(ticket: Ticket, *, subscriptions: bool) -> Unit | None:
    """The ticket's unit or, for a ticket about a vehicle, the unit in it now."""
    # ticket_get brings the unit without its device model, which the page shows, and
    # without its monitoring state, which the unit's card reads.
    if ticket.unit_id is not None:
        units = Unit.objects.filter(pk=ticket.unit_id)
    elif ticket.vehicle_id is not None:
        units = Unit.objects.filter(vehicle_id=ticket.vehicle_id, removed_on__isnull=True)
        units = units.order_by(F("installed_on").desc(nulls_last=True), "-id")
    else:
        return None
    units = units.select_related("device_model", "state")
    if subscriptions:
        units = units.prefetch_related(
            Prefetch("subscriptions", queryset=_subscriptions(ticket.organisation_id))
        )
    return units.first()


def _subscriptions(organisation_id: int | None) -> QuerySet[Subscription]:
    """Newest first; a unit that moved between customers keeps its old ones."""
    subscriptions = Subscription.objects.order_by("-starts_on", "-id")
    if organisation_id is not None:
        subscriptions = subscriptions.filter(organisation_id=organisation_id)
    return subscriptions


# SLA clocks ---------------------------------------------------------------------


def _clocks(ticket: Ticket, now: datetime) -> list[ClockView]:
    return [_response_clock(ticket, now), _resolution_clock(ticket, now)]


def _response_clock(ticket: Ticket, now: datetime) -> ClockView:
    due = ticket.response_due_at
    if ticket.first_response_at is not None:
        state, since = "stopped", ticket.first_response_at
    elif ticket.status in STOPPED_AT:
        # Finished without a reply: nothing is waiting for one any more.
        state, since = "stopped", getattr(ticket, STOPPED_AT[ticket.status])
    else:
        state, since = "running", None
    late = ticket.response_breached or (state == "running" and due is not None and now > due)
    return ClockView(str(Clock.RESPONSE.label), due, state, since, late)


def _resolution_clock(ticket: Ticket, now: datetime) -> ClockView:
    due = ticket.resolve_due_at
    if ticket.status in STOPPED_AT:
        # Resolution pauses the clock (a reopening resumes it); for the desk it is done.
        state, since = "stopped", getattr(ticket, STOPPED_AT[ticket.status])
    elif ticket.sla_paused_at is not None:
        state, since = "paused", ticket.sla_paused_at
    else:
        state, since = "running", None
    late = ticket.resolve_breached or (state == "running" and due is not None and now > due)
    return ClockView(str(Clock.RESOLUTION.label), due, state, since, late)


def _breaches(ticket: Ticket) -> list[BreachView]:
    # Read only when there is one to read: most tickets never breach.
    if not (ticket.response_breached or ticket.resolve_breached):
        return []
    return [
        BreachView(
            clock=b.get_clock_display(),
            due_at=b.due_at,
            stopped_at=b.stopped_at,
            late_by=duration_text(b.late_by) if b.late_by is not None else "",
        )
        for b in SlaBreach.objects.filter(ticket=ticket).order_by("due_at", "id")
    ]


# Timeline -----------------------------------------------------------------------


def _timeline(*, user: User, ticket: Ticket, contact: Contact | None) -> list[EntryView]:
    # The entries are those ticket_timeline lets the user see; an entry's files go
    # with it (a vendor sees only public entries, so only their files).
    entries = selectors.ticket_timeline(user=user, ticket=ticket).prefetch_related(
        Prefetch("attachments", queryset=Attachment.objects.order_by("created_at", "id"))
    )
    return [
        EntryView(
            entry=e,
            who=_who(e, contact),
            via_mark=VIA_MARKS.get(e.via, "?"),
            action=str(Action(e.action).label) if e.action in Action.values else "",
            changes=[_change(name, value) for name, value in e.changes.items()],
            attachments=list(e.attachments.all()),
        )
        for e in entries
    ]


def _who(entry: Entry, contact: Contact | None) -> str:
    if entry.actor is not None:
        return entry.actor.get_full_name() or entry.actor.get_username()
    if entry.via == Via.VENDOR:
        return _("Vendor")
    if entry.via in CUSTOMER_VIAS:
        # Only staff get the contact: a vendor is not told who the customer is.
        return contact.name if contact is not None else _("Customer")
    return "Sigap"


def _change(name: str, value: Any) -> ChangeView:
    try:
        field: models.Field | None = Ticket._meta.get_field(name)  # type: ignore[assignment]
    except FieldDoesNotExist:
        field = None
    if field is not None and not field.concrete:
        field = None  # a reverse relation with the same name (the ticket's survey)
    if name == "proposed":
        label = _("proposed from")
    else:
        label = str(field.verbose_name) if field is not None else name.replace("_", " ")
    before, after = value if isinstance(value, list) and len(value) == 2 else (None, value)
    return ChangeView(capfirst(label), _value_text(field, before), _value_text(field, after))


def _value_text(field: models.Field | None, value: Any) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    if field is not None and field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(field, models.DateTimeField) and isinstance(value, str):
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            return value
        return formats.date_format(timezone.localtime(moment), "j M Y H:i")
    return str(value)


# Customer -----------------------------------------------------------------------


def _customer(*, user: User, ticket: Ticket, unit: Unit | None) -> CustomerPanel:
    organisation = ticket.organisation
    contact = Contact.objects.filter(pk=ticket.contact_id).first() if ticket.contact_id else None
    if contact is not None:
        ticket.contact = contact  # read once: the reply's routes need it too
    fleet: list[VehicleView] = []
    fleet_more = 0
    if organisation is not None:
        fleet, fleet_more = _fleet(organisation)
    open_tickets, open_more = _open_tickets(user=user, ticket=ticket)
    return CustomerPanel(
        organisation=organisation,
        contact=contact,
        vehicle=ticket.vehicle,
        unit=UnitView(unit, _subscription_text(unit)) if unit is not None else None,
        fleet=fleet,
        fleet_more=fleet_more,
        open_tickets=open_tickets,
        open_more=open_more,
    )


def _fleet(organisation: Organisation) -> tuple[list[VehicleView], int]:
    units = (
        Unit.objects.filter(removed_on__isnull=True)
        .select_related("device_model")
        .prefetch_related(Prefetch("subscriptions", queryset=_subscriptions(organisation.pk)))
        .order_by("imei")
    )
    vehicles = organisation.vehicles.filter(is_active=True).order_by("plate")
    # One more than shown tells whether to count the rest.
    shown = list(vehicles.prefetch_related(Prefetch("units", queryset=units))[: FLEET_LIMIT + 1])
    more = vehicles.count() - FLEET_LIMIT if len(shown) > FLEET_LIMIT else 0
    shown = shown[:FLEET_LIMIT]
    states = conditions_for(u.pk for v in shown for u in v.units.all())
    return [
        VehicleView(
            v,
            [UnitView(u, _subscription_text(u), states.get(u.pk)) for u in v.units.all()],
        )
        for v in shown
    ], more


def _subscription_text(unit: Unit) -> str:
    latest = next(iter(unit.subscriptions.all()), None)
    return latest.get_status_display() if latest is not None else _("no subscription")


def _open_tickets(*, user: User, ticket: Ticket) -> tuple[list[Ticket], int]:
    if ticket.organisation_id is not None:
        same: dict[str, Any] = {"organisation_id": ticket.organisation_id}
    elif ticket.contact_id is not None:
        same = {"contact_id": ticket.contact_id}
    else:
        return [], 0
    qs: QuerySet[Ticket] = (
        selectors.ticket_visible(user=user)
        .filter(status__in=OPEN_STATUSES, **same)
        .exclude(pk=ticket.pk)
        .only("number", "title", "status", "priority", "reported_at")
        .order_by("-reported_at", "-id")
    )
    shown = list(qs[: OPEN_TICKETS_LIMIT + 1])
    more = qs.count() - OPEN_TICKETS_LIMIT if len(shown) > OPEN_TICKETS_LIMIT else 0
    return shown[:OPEN_TICKETS_LIMIT], more


# Escalations --------------------------------------------------------------------


def _escalations(ticket: Ticket) -> list[Escalation]:
    return list(
        Escalation.objects.filter(ticket=ticket)
        .select_related("to_group", "by", "acknowledged_by")
        .order_by("at", "id")
    )
