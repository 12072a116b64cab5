"""Phone calls: find the caller, log the call on a ticket or as a new one."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Header, Router, Schema
from ninja import Status as HttpStatus
from pydantic import Field

from sigap.accounts.models import User
from sigap.api.auth import require_staff
from sigap.channels.phone import selectors, services
from sigap.core.errors import ValidationFailed
from sigap.customers.validators import normalise_phone
from sigap.sla.choices import Level
from sigap.sla.proposal import Scope
from sigap.tickets import selectors as tickets
from sigap.tickets.choices import Kind

router = Router(tags=["calls"])


class CallerContact(Schema):
    id: int
    name: str
    organisation: str | None
    verified: bool


class CallerTicket(Schema):
    number: str
    title: str
    status: str
    category: str


class CallerOut(Schema):
    phone: str
    organisation: str | None
    contacts: list[CallerContact]
    vehicles: list[str]
    open_tickets: list[CallerTicket]


class NewTicketIn(Schema):
    kind: Kind
    title: str = Field(min_length=1, max_length=200)
    category: str
    description: str = ""
    impact: Level | None = Field(None, description="proposed when left out")
    urgency: Level | None = Field(None, description="proposed when left out")
    scope: Scope | None = Field(None, description="one, several or all of the fleet's vehicles")
    moving: bool | None = Field(None, description="whether the vehicle is on the road now")


class CallIn(Schema):
    phone: str = Field(min_length=1, description="the caller's number, in any usual form")
    name: str = Field("", description="the caller's name, for a caller the desk does not know")
    summary: str = Field(min_length=1, description="what was said")
    ticket: str | None = Field(None, description="the ticket the call is about, e.g. INC-000123")
    new_ticket: NewTicketIn | None = Field(None, description="or the ticket the call opens")


class CallOut(Schema):
    ticket: str
    created: bool


@router.get("/calls/caller", response=CallerOut)
def caller_find(request: HttpRequest, q: str):
    """Who is calling: by phone number (`0812…`, `+62 812…`, `62812…`), plate or IMEI."""
    user: User = request.auth
    require_staff(user)
    caller = selectors.caller_find(user=user, query=q)
    return {
        "phone": caller.phone,
        "organisation": caller.organisation.code if caller.organisation else None,
        "contacts": [
            {
                "id": c.pk,
                "name": c.name,
                "organisation": c.organisation.code if c.organisation_id else None,
                "verified": c.is_verified,
            }
            for c in caller.contacts
        ],
        "vehicles": [v.plate for v in caller.vehicles],
        "open_tickets": [
            {"number": t.number, "title": t.title, "status": t.status, "category": t.category.code}
            for t in caller.open_tickets
        ],
    }


@router.post("/calls", response={200: CallOut, 201: CallOut})
def call_log(
    request: HttpRequest,
    payload: CallIn,
    idempotency_key: str | None = Header(None, alias="Idempotency-Key", max_length=255),
):
    """Log a call on an existing ticket (`ticket`) or as a new one (`new_ticket`). A
    retry with the same `Idempotency-Key` answers 200 with the call already logged."""
    user: User = request.auth
    require_staff(user)
    if (payload.ticket is None) == (payload.new_ticket is None):
        message = _("Give either the ticket the call is about or the new ticket it opens.")
        raise ValidationFailed(message, fields={"ticket": message})
    fields = {}
    ticket = None
    if payload.ticket:
        ticket = tickets.ticket_get(user=user, number=payload.ticket)
    else:
        new = payload.new_ticket
        category = tickets.category_by_code(new.category)
        if category is None:
            raise ValidationFailed(
                _("There is no category %s.") % new.category,
                fields={"new_ticket.category": _("Unknown category code.")},
            )
        fields = {**new.dict(), "category": category}
    entry, logged = services.call_log(
        by=user,
        phone=_phone(payload.phone),
        name=payload.name,
        summary=payload.summary,
        ticket=ticket,
        call_id=idempotency_key,
        **fields,
    )
    created = logged and ticket is None
    return HttpStatus(201 if logged else 200, {"ticket": entry.ticket.number, "created": created})


def _phone(raw: str) -> str:
    try:
        return normalise_phone(raw)
    except ValidationError as exc:
        raise ValidationFailed(exc.messages[0], fields={"phone": exc.messages[0]}) from None
