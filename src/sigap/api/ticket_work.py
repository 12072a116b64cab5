"""Work on a logged ticket over the API: transitions, replies and notes, the
acknowledgement of an escalation."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema
from ninja import Status as HttpStatus
from pydantic import Field

from sigap.accounts.models import User
from sigap.api.auth import require_staff
from sigap.api.tickets import EntryOut, TicketDetail, detail_out, entry_out
from sigap.channels.services import reply_to_customer
from sigap.core.errors import Forbidden, NotFound, ValidationFailed
from sigap.routing import escalation as escalation_service
from sigap.routing.models import Escalation, SupportGroup
from sigap.tickets import selectors, services
from sigap.tickets.choices import Action, Channel, Via
from sigap.tickets.models import Cause

router = Router(tags=["tickets"])


class ActionIn(Schema):
    assignee: str | None = Field(None, description="username")
    group: str | None = Field(None, description="support group code")
    reason: str = Field(
        "", description="why (escalate, reopen, cancel) or what it waits for (pend)"
    )
    note: str = ""
    resolution_code: str = ""
    summary: str = ""
    cause: str | None = None
    expected_version: int | None = Field(
        None, description="fail with 409 if the ticket changed since this version"
    )


class CommentIn(Schema):
    body: str = Field(min_length=1)
    public: bool = True
    channel: Channel | None = Field(
        None, description="for a public reply: email or whatsapp instead of the usual way"
    )


def _named(model, field: str, value: str | None, **lookup):
    if not value:
        return None
    obj = model.objects.filter(**lookup).first()
    if obj is None:
        raise ValidationFailed(
            _("%(value)s is not known.") % {"value": value}, fields={field: value}
        )
    return obj


@router.post("/tickets/{number}/actions/{action}", response=TicketDetail)
def ticket_act(request: HttpRequest, number: str, action: str, payload: ActionIn):
    """Move the ticket through its life: assign, start, pend, resume, escalate,
    resolve, close, reopen, cancel. A move the state machine forbids answers 409."""
    user: User = request.auth
    ticket = selectors.ticket_get(user=user, number=number)
    if action not in Action.values:
        raise ValidationFailed(
            _("Unknown action %(action)s. Actions: %(all)s.")
            % {"action": action, "all": ", ".join(Action.values)},
            fields={"action": action},
        )
    if Action(action) not in selectors.actions_permitted(user=user):
        raise Forbidden(_("You may not %(action)s tickets.") % {"action": action})
    common = {
        "ticket": ticket,
        "by": user,
        "via": Via.API,
        "expected_version": payload.expected_version,
    }
    match Action(action):
        case Action.ASSIGN:
            services.ticket_assign(
                **common,
                assignee=_named(User, "assignee", payload.assignee, username=payload.assignee),
                group=_named(SupportGroup, "group", payload.group, code=payload.group),
            )
        case Action.START:
            services.ticket_start(**common)
        case Action.PEND:
            services.ticket_pend(**common, reason=payload.reason, note=payload.note)
        case Action.RESUME:
            services.ticket_resume(**common)
        case Action.ESCALATE:
            group = _named(SupportGroup, "group", payload.group, code=payload.group)
            if group is None:
                raise ValidationFailed(
                    _("Say which group the ticket is escalated to."),
                    fields={"group": _("Required.")},
                )
            services.ticket_escalate(**common, group=group, reason=payload.reason)
        case Action.RESOLVE:
            services.ticket_resolve(
                **common,
                resolution_code=payload.resolution_code,
                summary=payload.summary,
                cause=_named(Cause, "cause", payload.cause, code=payload.cause),
            )
        case Action.CLOSE:
            services.ticket_close(**common)
        case Action.REOPEN:
            services.ticket_reopen(**common, reason=payload.reason)
        case Action.CANCEL:
            services.ticket_cancel(**common, reason=payload.reason)
    return detail_out(user, selectors.ticket_get(user=user, number=number))


@router.post("/tickets/{number}/comments", response={201: EntryOut})
def ticket_comment(request: HttpRequest, number: str, payload: CommentIn):
    """A reply visible to the customer (`public`) or an internal note. Support staff's
    public reply is sent to the customer by the channel they wrote from (e-mail,
    WhatsApp); a portal customer reads it there."""
    user: User = request.auth
    ticket = selectors.ticket_get(user=user, number=number)
    if not payload.public:
        require_staff(user)
    if payload.public and user.is_support_staff:
        entry = reply_to_customer(
            ticket=ticket, by=user, body=payload.body, via=Via.API, channel=payload.channel
        )
    else:
        entry = services.ticket_comment(
            ticket=ticket, by=user, body=payload.body, public=payload.public, via=Via.API
        )
    return HttpStatus(201, entry_out(entry))


@router.post("/tickets/{number}/escalations/{escalation_id}/acknowledge", response=TicketDetail)
def escalation_acknowledge(request: HttpRequest, number: str, escalation_id: int):
    """A member of the receiving group takes the escalation on; the reminders stop."""
    user: User = request.auth
    require_staff(user)
    ticket = selectors.ticket_get(user=user, number=number)
    escalation = Escalation.objects.filter(ticket=ticket, pk=escalation_id).first()
    if escalation is None:
        raise NotFound(
            _("%(number)s has no escalation %(id)s.") % {"number": number, "id": escalation_id}
        )
    escalation_service.escalation_acknowledge(escalation=escalation, by=user)
    return detail_out(user, selectors.ticket_get(user=user, number=number))
