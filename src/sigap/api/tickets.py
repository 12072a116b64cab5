"""Tickets: log, list, read, act on, comment."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Header, Query, Router, Schema
from ninja import Status as HttpStatus
from pydantic import Field

from sigap.accounts.models import User
from sigap.core.errors import Forbidden, ValidationFailed
from sigap.customers.models import Contact, Unit, Vehicle
from sigap.customers.validators import normalise_imei, normalise_phone, normalise_plate
from sigap.routing.models import Escalation
from sigap.sla.choices import Level
from sigap.sla.proposal import Scope
from sigap.tickets import creation, importing, selectors
from sigap.tickets.choices import Channel, Kind, Sort, Status, Via
from sigap.tickets.models import Entry, Ticket

router = Router(tags=["tickets"])


class TicketIn(Schema):
    kind: Kind
    title: str = Field(min_length=1, max_length=200)
    description: str = ""
    category: str = Field(description="category code, e.g. gps_unit.not_updating")
    channel: Channel = Channel.API
    contact_id: int | None = None
    email: str | None = Field(None, description="the contact's e-mail, if no contact_id")
    phone: str | None = Field(None, description="the contact's phone, if no contact_id")
    plate: str | None = None
    imei: str | None = None
    cause: str | None = Field(None, description="cause code")
    impact: Level | None = Field(None, description="support staff only; proposed when left out")
    urgency: Level | None = Field(None, description="support staff only; proposed when left out")
    scope: Scope | None = Field(
        None, description="how much of the fleet is touched: one, several or all vehicles"
    )
    vehicles: int | None = Field(None, ge=1, description="how many vehicles, if known")
    moving: bool | None = Field(None, description="whether the vehicle is on the road now")
    external_id: str | None = Field(
        None, max_length=255, description="the sender's own id; a retry with it is not doubled"
    )
    # A ticket of the old system with its own lifecycle (permission tickets.import_history).
    reported_at: datetime | None = Field(None, description="history import: with a time zone")
    first_response_at: datetime | None = None
    first_response: str | None = Field(None, description="history import: the reply's text")
    resolved_at: datetime | None = None
    resolution_code: str | None = None
    resolution_summary: str | None = None
    closed_at: datetime | None = None
    cancelled_at: datetime | None = None


class TicketItem(Schema):
    number: str
    kind: str
    title: str
    status: str
    priority: int
    category: str
    channel: str
    organisation: str | None
    reported_at: datetime
    first_response_at: datetime | None
    escalated_at: datetime | None
    resolved_at: datetime | None
    closed_at: datetime | None


class TicketPageOut(Schema):
    items: list[TicketItem]
    next_cursor: str | None


class EntryOut(Schema):
    at: datetime
    kind: str
    action: str
    actor: str | None
    via: str
    public: bool
    body: str
    changes: dict[str, Any]


class BreachOut(Schema):
    clock: str
    due_at: datetime
    stopped_at: datetime | None = Field(description="empty while the clock still runs")
    late_by_minutes: int | None = Field(
        description="working time past the target; empty while the clock still runs"
    )


class EscalationOut(Schema):
    id: int
    kind: str
    reason: str
    note: str
    from_group: str | None
    from_level: str
    to_group: str
    to_level: str
    by: str | None
    at: datetime
    acknowledged_at: datetime | None
    acknowledged_by: str | None
    reminders_sent: int
    next_reminder_at: datetime | None
    ended_at: datetime | None
    vendor_done_at: datetime | None


class TicketDetail(TicketItem):
    description: str
    impact: str
    urgency: str
    cause: str | None
    pending_reason: str
    support_level: str
    support_group: str | None
    assignee: str | None
    contact_id: int | None
    plate: str | None
    imei: str | None
    resolution_code: str
    resolution_summary: str
    cancelled_at: datetime | None
    response_due_at: datetime | None
    resolve_due_at: datetime | None
    sla_paused_at: datetime | None
    breaches: list[BreachOut]
    escalations: list[EscalationOut] = Field(description="support staff only")
    parent: str | None = Field(description="the ticket this one is part of")
    duplicate_of: str | None = Field(description="the ticket this cancelled one duplicates")
    version: int
    allowed_actions: list[str]
    timeline: list[EntryOut]


def _item(t: Ticket) -> dict[str, Any]:
    return {
        "number": t.number,
        "kind": t.kind,
        "title": t.title,
        "status": t.status,
        "priority": t.priority,
        "category": t.category.code,
        "channel": t.channel,
        "organisation": t.organisation.code if t.organisation_id else None,
        "reported_at": t.reported_at,
        "first_response_at": t.first_response_at,
        "escalated_at": t.escalated_at,
        "resolved_at": t.resolved_at,
        "closed_at": t.closed_at,
    }


def entry_out(e: Entry) -> dict[str, Any]:
    return {
        "at": e.at,
        "kind": e.kind,
        "action": e.action,
        "actor": e.actor.get_username() if e.actor_id else None,
        "via": e.via,
        "public": e.public,
        "body": e.body,
        "changes": e.changes,
    }


def detail_out(user: User, t: Ticket, timeline: list[Entry] | None = None) -> dict[str, Any]:
    if timeline is None:
        timeline = list(selectors.ticket_timeline(user=user, ticket=t))
    return {
        **_item(t),
        "description": t.description,
        "impact": t.impact,
        "urgency": t.urgency,
        "cause": t.cause.code if t.cause_id else None,
        "pending_reason": t.pending_reason,
        "support_level": t.support_level,
        "support_group": t.support_group.code if t.support_group_id else None,
        "assignee": t.assignee.get_username() if t.assignee_id else None,
        "contact_id": t.contact_id,
        "plate": t.vehicle.plate if t.vehicle_id else None,
        "imei": t.unit.imei if t.unit_id else None,
        "resolution_code": t.resolution_code,
        "resolution_summary": t.resolution_summary,
        "cancelled_at": t.cancelled_at,
        "response_due_at": t.response_due_at,
        "resolve_due_at": t.resolve_due_at,
        "sla_paused_at": t.sla_paused_at,
        "parent": t.parent.number if t.parent_id else None,
        "duplicate_of": t.duplicate_of.number if t.duplicate_of_id else None,
        "breaches": [
            {
                "clock": b.clock,
                "due_at": b.due_at,
                "stopped_at": b.stopped_at,
                "late_by_minutes": (
                    None if b.late_by is None else int(b.late_by.total_seconds() // 60)
                ),
            }
            # Read only when there is one to read: most tickets never breach.
            for b in (t.breaches.all() if t.response_breached or t.resolve_breached else ())
        ],
        "escalations": _escalations(user, t),
        "version": t.version,
        "allowed_actions": [a.value for a in selectors.ticket_actions_for(user=user, ticket=t)],
        "timeline": [entry_out(e) for e in timeline],
    }


def _username(user: User | None) -> str | None:
    return user.get_username() if user else None


def _escalations(user: User, t: Ticket) -> list[dict[str, Any]]:
    if not user.is_support_staff or t.pk is None:
        return []
    return [
        {
            "id": e.pk,
            "kind": e.kind,
            "reason": e.reason,
            "note": e.note,
            "from_group": e.from_group.code if e.from_group else None,
            "from_level": e.from_level,
            "to_group": e.to_group.code,
            "to_level": e.to_level,
            "by": _username(e.by),
            "at": e.at,
            "acknowledged_at": e.acknowledged_at,
            "acknowledged_by": _username(e.acknowledged_by),
            "reminders_sent": e.reminders_sent,
            "next_reminder_at": e.next_reminder_at,
            "ended_at": e.ended_at,
            "vendor_done_at": e.vendor_done_at,
        }
        for e in Escalation.objects.filter(ticket=t).select_related(
            "from_group", "to_group", "by", "acknowledged_by"
        )
    ]


def _lookup(model, field: str, value: str, normalise, message: str, lookup: str = ""):
    """The one object whose `lookup` equals the normalised `value`, or a 422 on `field`."""
    try:
        key = normalise(value)
    except DjangoValidationError as exc:
        raise ValidationFailed(exc.messages[0], fields={field: exc.messages[0]}) from None
    obj = model.objects.filter(**{lookup or field: key}).first()
    if obj is None:
        text = message % {"value": value}
        raise ValidationFailed(text, fields={field: text})
    return obj


def _contact(user: User, payload: TicketIn) -> Contact | None:
    if user.is_customer:  # a customer logs tickets as themselves
        return user.contact
    if payload.contact_id is not None:
        try:
            # With its organisation: ticket_create reads it, and a lazy load is a query.
            return Contact.objects.select_related("organisation").get(pk=payload.contact_id)
        except Contact.DoesNotExist:
            raise ValidationFailed(
                _("There is no contact %s.") % payload.contact_id,
                fields={"contact_id": _("Unknown contact.")},
            ) from None
    if payload.email:
        return _lookup(
            Contact,
            "email",
            payload.email,
            lambda v: v.strip().lower(),
            _("No contact has the e-mail address %(value)s."),
            lookup="email__iexact",
        )
    if payload.phone:
        return _lookup(
            Contact,
            "phone",
            payload.phone,
            normalise_phone,
            _("No contact has the phone number %(value)s."),
        )
    return None


@router.post("/tickets", response={200: TicketDetail, 201: TicketDetail})
def ticket_create(
    request: HttpRequest,
    payload: TicketIn,
    idempotency_key: str | None = Header(None, alias="Idempotency-Key", max_length=255),
):
    """Log an incident or a request. A retry with the same `external_id` (or
    `Idempotency-Key` header) answers 200 with the ticket already logged.

    With the permission to import history, a ticket of the old system comes with its
    own `reported_at` (and first response, resolution, closure or cancellation, with
    time zones): its life is replayed at those times, so its SLA deadlines and breaches
    are those a live ticket would have."""
    user: User = request.auth
    if user.is_vendor or not (user.is_support_staff or user.is_customer):
        raise Forbidden(_("You may not log tickets."))
    history = _history(user, payload)
    category = selectors.category_by_code(payload.category)
    if category is None:
        raise ValidationFailed(
            _("There is no category %s.") % payload.category,
            fields={"category": _("Unknown category code.")},
        )
    cause = None
    if payload.cause:
        cause = selectors.cause_by_code(payload.cause)
        if cause is None:
            raise ValidationFailed(
                _("There is no cause %s.") % payload.cause,
                fields={"cause": _("Unknown cause code.")},
            )
    if user.is_customer and (payload.impact or payload.urgency):
        raise ValidationFailed(
            _(
                "The desk sets impact and urgency. Say how many vehicles are affected "
                "(scope) and whether the vehicle is moving."
            ),
            fields={"impact" if payload.impact else "urgency": _("Not for customers.")},
        )
    contact = _contact(user, payload)
    vehicle = unit = None
    if payload.plate:
        vehicle = _lookup(
            Vehicle,
            "plate",
            payload.plate,
            normalise_plate,
            _("No vehicle has the plate %(value)s."),
        )
    if payload.imei:
        unit = _lookup(
            Unit, "imei", payload.imei, normalise_imei, _("No unit has the IMEI %(value)s.")
        )
    organisation = user.organisation if user.is_customer else None
    if user.is_customer and any(
        obj is not None and obj.organisation_id != user.organisation_id
        for obj in (vehicle, unit and unit.vehicle)
    ):
        raise ValidationFailed(_("That vehicle or unit is not yours."), fields={"plate": ""})
    fields = dict(
        channel=Channel.PORTAL if user.is_customer else payload.channel,
        external_ref=payload.external_id or idempotency_key,
        kind=payload.kind,
        title=payload.title,
        description=payload.description,
        category=category,
        cause=cause,
        organisation=organisation,
        contact=contact,
        vehicle=vehicle,
        unit=unit,
        impact=payload.impact,
        urgency=payload.urgency,
        scope=payload.scope,
        vehicles=payload.vehicles,
        moving=payload.moving,
    )
    if history is None:
        intake = creation.ticket_intake(by=user, **fields)
    else:
        intake = importing.ticket_import(by=user, history=history, via=Via.API, **fields)
    if not intake.created or history is not None:
        # A retry is answered with the ticket as it is now (200); an imported one with
        # its whole replayed life (201).
        ticket = selectors.ticket_get(user=user, number=intake.ticket.number)
        return HttpStatus(201 if intake.created else 200, detail_out(user, ticket))
    # A new ticket is answered from what the service just wrote: the instance holds every
    # related object detail_out reads, and its timeline is the one entry of its creation.
    return HttpStatus(201, detail_out(user, intake.ticket, timeline=[intake.entry]))


def _history(user: User, payload: TicketIn) -> importing.History | None:
    """The old system's lifecycle of the ticket, if the payload brings one."""
    given = [name for name in importing.HISTORY_FIELDS if getattr(payload, name)]
    if not given:
        return None
    if not user.has_perm(importing.PERMISSION):
        raise Forbidden(
            _("Only users allowed to import history may send %(fields)s.")
            % {"fields": ", ".join(given)}
        )
    if payload.reported_at is None or not payload.external_id:
        missing = [n for n in ("reported_at", "external_id") if not getattr(payload, n)]
        raise ValidationFailed(
            _("A ticket of the old system needs %(fields)s.") % {"fields": ", ".join(missing)},
            fields=dict.fromkeys(missing, _("Required.")),
        )
    return importing.History(
        **{name: getattr(payload, name) for name in importing.MOMENTS},
        first_response=payload.first_response or "",
        resolution_code=payload.resolution_code or "",
        resolution_summary=payload.resolution_summary or "",
    )


def _moment(value: date | datetime | None, *, end: bool = False) -> datetime | None:
    """A date means the whole day in Sigap's zone; `to` is inclusive of that day."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value if timezone.is_aware(value) else timezone.make_aware(value)
    moment = timezone.make_aware(datetime.combine(value, time.min))
    return moment + timezone.timedelta(days=1) if end else moment


@router.get("/tickets", response=TicketPageOut)
def ticket_list(
    request: HttpRequest,
    kind: Kind | None = None,
    status: list[Status] = Query(None),
    priority: list[int] = Query(None),
    category: str | None = None,
    organisation: str | None = None,
    channel: Channel | None = None,
    reported_from: date | datetime | None = None,
    reported_to: date | datetime | None = None,
    sort: Sort = Sort.NEWEST,
    cursor: str | None = None,
    limit: int = Query(50, ge=1, le=200),
):
    """Newest first unless `sort` says otherwise. Pass `next_cursor` back as `cursor`
    (with the same `sort`) for the next page."""
    filters = selectors.TicketFilters(
        kind=kind,
        status=status or None,
        priority=priority or None,
        category=category,
        organisation=organisation,
        channel=channel,
        reported_from=_moment(reported_from),
        reported_to=_moment(reported_to, end=True),
    )
    page = selectors.ticket_list(
        user=request.auth, filters=filters, cursor=cursor, limit=limit, sort=sort
    )
    return {"items": [_item(t) for t in page.items], "next_cursor": page.next_cursor}


@router.get("/tickets/{number}", response=TicketDetail)
def ticket_get(request: HttpRequest, number: str):
    ticket = selectors.ticket_get(user=request.auth, number=number)
    return detail_out(request.auth, ticket)
