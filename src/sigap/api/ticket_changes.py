"""Changes to a logged ticket over the API that are not moves of its status: impact
and urgency, category and cause, kind, parent ticket, duplicate, management. Support
staff only; each takes `expected_version` and answers 409 when the ticket changed."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema
from pydantic import Field

from sigap.accounts.models import User
from sigap.api.auth import require_staff
from sigap.api.tickets import TicketDetail, detail_out
from sigap.core.errors import NotFound, ValidationFailed
from sigap.sla.choices import Level
from sigap.tickets import changes, selectors, services
from sigap.tickets.choices import Kind, Via
from sigap.tickets.models import Ticket

router = Router(tags=["tickets"])


class Versioned(Schema):
    expected_version: int | None = Field(
        None, description="fail with 409 if the ticket changed since this version"
    )


class PriorityIn(Versioned):
    impact: Level
    urgency: Level
    reason: str = Field(min_length=1, description="why the priority changes")


class CategoryIn(Versioned):
    category: str = Field(description="category code")
    cause: str | None = Field(None, description="cause code, once diagnosed")
    note: str = ""


class ConvertIn(Versioned):
    kind: Kind
    category: str | None = Field(None, description="a category for the new kind, if needed")
    reason: str = Field(min_length=1)


class ParentIn(Versioned):
    parent: str | None = Field(description="the parent's number; null takes the link away")


class DuplicateIn(Versioned):
    original: str = Field(description="the number of the ticket still worked on")


class ManagementIn(Versioned):
    reason: str = Field(min_length=1)


def _ticket(request: HttpRequest, number: str) -> tuple[User, Ticket]:
    user: User = request.auth
    require_staff(user)
    return user, selectors.ticket_get(user=user, number=number)


def _other(user: User, number: str, field: str) -> Ticket:
    try:
        return selectors.ticket_get(user=user, number=number)
    except NotFound as exc:
        raise ValidationFailed(exc.message, fields={field: number}) from None


def _category(code: str, field: str = "category"):
    category = selectors.category_by_code(code)
    if category is None:
        raise ValidationFailed(
            _("There is no category %s.") % code, fields={field: _("Unknown category code.")}
        )
    return category


def _done(user: User, ticket: Ticket):
    return detail_out(user, selectors.ticket_get(user=user, number=ticket.number))


def _common(user: User, ticket: Ticket, payload: Versioned) -> dict:
    return {
        "ticket": ticket,
        "by": user,
        "via": Via.API,
        "expected_version": payload.expected_version,
    }


@router.post("/tickets/{number}/priority", response=TicketDetail)
def ticket_reprioritise(request: HttpRequest, number: str, payload: PriorityIn):
    """Override impact and urgency: the priority follows the matrix and the SLA
    deadlines follow the priority; the reason is on the timeline."""
    user, ticket = _ticket(request, number)
    changes.ticket_reprioritise(
        **_common(user, ticket, payload),
        impact=payload.impact,
        urgency=payload.urgency,
        reason=payload.reason,
    )
    return _done(user, ticket)


@router.post("/tickets/{number}/category", response=TicketDetail)
def ticket_recategorise(request: HttpRequest, number: str, payload: CategoryIn):
    """Categorise the ticket anew, and name its cause once diagnosed."""
    user, ticket = _ticket(request, number)
    cause = None
    if payload.cause:
        cause = selectors.cause_by_code(payload.cause)
        if cause is None:
            raise ValidationFailed(
                _("%(value)s is not known.") % {"value": payload.cause},
                fields={"cause": payload.cause},
            )
    changes.ticket_recategorise(
        **_common(user, ticket, payload),
        category=_category(payload.category),
        cause=cause,
        note=payload.note,
    )
    return _done(user, ticket)


@router.post("/tickets/{number}/convert", response=TicketDetail)
def ticket_convert(request: HttpRequest, number: str, payload: ConvertIn):
    """Turn an incident into a request or back; the number stays."""
    user, ticket = _ticket(request, number)
    changes.ticket_convert(
        **_common(user, ticket, payload),
        kind=payload.kind,
        category=_category(payload.category) if payload.category else None,
        reason=payload.reason,
    )
    return _done(user, ticket)


@router.post("/tickets/{number}/parent", response=TicketDetail)
def ticket_link(request: HttpRequest, number: str, payload: ParentIn):
    """Make the ticket part of another (one outage, many reports), or undo it."""
    user, ticket = _ticket(request, number)
    parent = _other(user, payload.parent, "parent") if payload.parent else None
    changes.ticket_link(**_common(user, ticket, payload), parent=parent)
    return _done(user, ticket)


@router.post("/tickets/{number}/duplicate", response=TicketDetail)
def ticket_mark_duplicate(request: HttpRequest, number: str, payload: DuplicateIn):
    """Cancel the ticket as a duplicate of `original`."""
    user, ticket = _ticket(request, number)
    original = _other(user, payload.original, "original")
    services.ticket_mark_duplicate(**_common(user, ticket, payload), original=original)
    return _done(user, ticket)


@router.post("/tickets/{number}/management", response=TicketDetail)
def ticket_involve_management(request: HttpRequest, number: str, payload: ManagementIn):
    """Bring the head of infrastructure in; the ticket stays with its group."""
    user, ticket = _ticket(request, number)
    changes.ticket_involve_management(**_common(user, ticket, payload), reason=payload.reason)
    return _done(user, ticket)
