"""Every write to a ticket after it is logged (`creation.py`): one service per
transition, replies, notes and calls.

Each service runs in one transaction, re-reads the ticket under a row lock,
checks the transition map in `choices.py`, stamps its own timestamp and writes
exactly one timeline entry with the values before and after.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from sigap.accounts.models import User
from sigap.core import clock
from sigap.core.errors import Conflict, InvalidTransition, ValidationFailed
from sigap.routing.choices import EscalationReason
from sigap.routing.escalation import (
    Handover,
    escalations_acknowledge_by_work,
    escalations_end,
    escalations_leave,
    escalations_record,
)
from sigap.routing.models import SupportGroup
from sigap.routing.services import assignee_pick
from sigap.sla.clocks import clock_changes, clock_first_response, working_time
from sigap.tickets.choices import (
    TRANSITIONS,
    Action,
    EntryKind,
    Kind,
    PendingReason,
    ResolutionCode,
    Status,
    Via,
    allowed_actions,
)
from sigap.tickets.creation import cause_applies
from sigap.tickets.models import Cause, Entry, Ticket
from sigap.tickets.signals import status_changed
from sigap.tickets.timeline import plain_value, record_entry


def _locked(ticket: Ticket, action: Action, expected_version: int | None) -> Ticket:
    """The ticket re-read under a row lock, checked against the transition map."""
    # of=("self",): lock only the ticket row, not the category, group or user rows the
    # join reads, so transitions on different tickets of one category never wait.
    fresh = (
        Ticket.objects.select_for_update(of=("self",))
        .select_related("category", "support_group", "assignee")
        .get(pk=ticket.pk)
    )
    version_check(fresh, expected_version)
    sources, _target = TRANSITIONS[action]
    if fresh.status not in sources:
        raise InvalidTransition(transition_refusal(fresh, action))
    return fresh


def version_check(fresh: Ticket, expected_version: int | None) -> None:
    """Conflict when the ticket (read under its lock) is no longer the version the
    caller saw: their change would silently overwrite someone else's."""
    if expected_version is not None and fresh.version != expected_version:
        raise Conflict(
            _(
                "%(number)s was changed by someone else in the meantime (now %(status)s). "
                "Reload it and try again."
            )
            % {"number": fresh.number, "status": Status(fresh.status).label}
        )


def transition_refusal(ticket: Ticket, action: Action | str) -> str:
    allowed = allowed_actions(ticket.status)
    return _(
        "%(number)s is %(status)s; '%(action)s' is not possible now. Allowed now: %(allowed)s."
    ) % {
        "number": ticket.number,
        "status": Status(ticket.status).label.lower(),
        "action": str(action),
        "allowed": ", ".join(a.value for a in allowed) or _("nothing (the ticket is final)"),
    }


def _apply(
    ticket: Ticket,
    *,
    action: Action,
    by: User | None,
    via: str,
    updates: dict[str, Any],
    body: str = "",
) -> Ticket:
    """Write `updates` plus the action's target status, the SLA clocks' changes that
    follow from them, and one timeline entry."""
    now = clock.now()
    updates = {"status": TRANSITIONS[action][1], **updates}
    updates |= clock_changes(ticket, updates, now)
    before = {name: plain_value(getattr(ticket, name)) for name in updates}
    for name, value in updates.items():
        setattr(ticket, name, value)
    ticket.version += 1
    ticket.updated_at = now
    ticket.save(update_fields=[*updates, "version", "updated_at"])
    changes = {
        name: [before[name], plain_value(getattr(ticket, name))]
        for name in updates
        if before[name] != plain_value(getattr(ticket, name))
    }
    record_entry(
        ticket, kind=EntryKind.TRANSITION, action=action, by=by, via=via, body=body, changes=changes
    )
    if "status" in changes and not clock.is_replaying():
        ticket_id, status = ticket.pk, ticket.status
        transaction.on_commit(
            lambda: status_changed.send(sender=Ticket, ticket_id=ticket_id, status=status)
        )
    return ticket


def require_text(value: str, field: str, message: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationFailed(message, fields={field: _("Required.")})
    return value


def _check_assignable(user: User, group: SupportGroup | None) -> None:
    if not user.is_active or user.is_customer:
        raise ValidationFailed(
            _("%(user)s cannot work tickets.") % {"user": user.get_username()},
            fields={"assignee": _("Not a support user.")},
        )
    if group is not None and not group.members.filter(pk=user.pk).exists():
        raise ValidationFailed(
            _("%(user)s is not a member of %(group)s.")
            % {"user": user.get_username(), "group": group.name},
            fields={"assignee": _("Not in the group.")},
        )


@transaction.atomic
def ticket_assign(
    *,
    ticket: Ticket,
    by: User | None,
    assignee: User | None = None,
    group: SupportGroup | None = None,
    via: str = Via.DESK,
    expected_version: int | None = None,
) -> Ticket:
    ticket = _locked(ticket, Action.ASSIGN, expected_version)
    if assignee is None and group is None:
        raise ValidationFailed(
            _("Say to whom the ticket goes: an assignee, a group or both."),
            fields={"assignee": _("Required.")},
        )
    group = group or ticket.support_group
    if assignee is not None:
        _check_assignable(assignee, group)
    elif group is not None:
        assignee = assignee_pick(group)  # the group's rule, when it has one
    updates: dict[str, Any] = {"support_group": group, "assignee": assignee}
    if group is not None and group.pk != ticket.support_group_id:
        escalations_leave([ticket.pk], ticket.support_group_id)
    return _apply(ticket, action=Action.ASSIGN, by=by, via=via, updates=updates)


@transaction.atomic
def ticket_start(
    *, ticket: Ticket, by: User, via: str = Via.DESK, expected_version: int | None = None
) -> Ticket:
    ticket = _locked(ticket, Action.START, expected_version)
    updates: dict[str, Any] = {}
    if ticket.assignee_id is None:
        _check_assignable(by, None)
        updates["assignee"] = by
    escalations_acknowledge_by_work(ticket, by)
    return _apply(ticket, action=Action.START, by=by, via=via, updates=updates)


@transaction.atomic
def ticket_pend(
    *,
    ticket: Ticket,
    by: User | None,
    reason: str,
    note: str = "",
    via: str = Via.DESK,
    expected_version: int | None = None,
) -> Ticket:
    if reason not in PendingReason.values:
        raise ValidationFailed(
            _("Say what the ticket waits for: %(choices)s.")
            % {"choices": ", ".join(PendingReason.values)},
            fields={"reason": reason or _("Required.")},
        )
    ticket = _locked(ticket, Action.PEND, expected_version)
    return _apply(
        ticket, action=Action.PEND, by=by, via=via, updates={"pending_reason": reason}, body=note
    )


@transaction.atomic
def ticket_resume(
    *, ticket: Ticket, by: User | None, via: str = Via.DESK, expected_version: int | None = None
) -> Ticket:
    ticket = _locked(ticket, Action.RESUME, expected_version)
    return _apply(ticket, action=Action.RESUME, by=by, via=via, updates={"pending_reason": ""})


@transaction.atomic
def ticket_escalate(
    *,
    ticket: Ticket,
    by: User | None,
    group: SupportGroup,
    reason: str,
    via: str = Via.DESK,
    expected_version: int | None = None,
) -> Ticket:
    """Hand the ticket to another support group (functional, management or vendor)."""
    reason = require_text(reason, "reason", _("Say why the ticket is escalated."))
    ticket = _locked(ticket, Action.ESCALATE, expected_version)
    if group.pk == ticket.support_group_id:
        raise ValidationFailed(
            _("%(number)s is already with %(group)s.") % {"number": ticket.number, "group": group},
            fields={"group": group.code},
        )
    handover = Handover(ticket.pk, ticket.support_group_id, ticket.support_level, group)
    updates = {
        "support_group": group,
        "support_level": group.level,
        "assignee": assignee_pick(group),  # None: someone in the group takes it
        "escalated_at": clock.now(),
    }
    ticket = _apply(ticket, action=Action.ESCALATE, by=by, via=via, updates=updates, body=reason)
    escalations_record([handover], reason=EscalationReason.MANUAL, by=by, note=reason, entry=False)
    return ticket


@transaction.atomic
def ticket_resolve(
    *,
    ticket: Ticket,
    by: User | None,
    resolution_code: str,
    summary: str,
    cause: Cause | None = None,
    via: str = Via.DESK,
    expected_version: int | None = None,
) -> Ticket:
    errors: dict[str, str] = {}
    if resolution_code not in ResolutionCode.values:
        errors["resolution_code"] = _("Choose one of: %(choices)s.") % {
            "choices": ", ".join(ResolutionCode.values)
        }
    if not (summary or "").strip():
        errors["summary"] = _("Say how the ticket was resolved.")
    ticket = _locked(ticket, Action.RESOLVE, expected_version)
    cause = cause or ticket.cause
    if ticket.kind == Kind.INCIDENT and cause is None:
        errors["cause"] = _("An incident is resolved with its cause.")
    elif cause is not None and not cause_applies(cause=cause, category=ticket.category):
        errors["cause"] = _("Cause %(cause)s does not apply to category %(code)s.") % {
            "cause": cause.code,
            "code": ticket.category.code,
        }
    if errors:
        raise ValidationFailed(_("The ticket cannot be resolved yet."), fields=errors)
    now = clock.now()
    updates = {
        "resolution_code": resolution_code,
        "resolution_summary": summary.strip(),
        "cause": cause,
        "pending_reason": "",
        "resolved_at": now,
        "resolution_working_time": working_time(ticket, now),
    }
    escalations_end(ticket)
    return _apply(
        ticket, action=Action.RESOLVE, by=by, via=via, updates=updates, body=summary.strip()
    )


@transaction.atomic
def ticket_close(
    *, ticket: Ticket, by: User | None, via: str = Via.DESK, expected_version: int | None = None
) -> Ticket:
    ticket = _locked(ticket, Action.CLOSE, expected_version)
    return _apply(ticket, action=Action.CLOSE, by=by, via=via, updates={"closed_at": clock.now()})


@transaction.atomic
def ticket_reopen(
    *,
    ticket: Ticket,
    by: User | None,
    reason: str,
    via: str = Via.DESK,
    expected_version: int | None = None,
) -> Ticket:
    reason = require_text(reason, "reason", _("Say why the ticket is reopened."))
    ticket = _locked(ticket, Action.REOPEN, expected_version)
    updates = {
        "resolved_at": None,
        "resolution_working_time": None,
        "resolution_code": "",
        "resolution_summary": "",
    }
    return _apply(ticket, action=Action.REOPEN, by=by, via=via, updates=updates, body=reason)


@transaction.atomic
def ticket_cancel(
    *,
    ticket: Ticket,
    by: User | None,
    reason: str,
    via: str = Via.DESK,
    expected_version: int | None = None,
) -> Ticket:
    reason = require_text(reason, "reason", _("Say why the ticket is cancelled."))
    ticket = _locked(ticket, Action.CANCEL, expected_version)
    updates = {"pending_reason": "", "cancelled_at": clock.now()}
    escalations_end(ticket)
    return _apply(ticket, action=Action.CANCEL, by=by, via=via, updates=updates, body=reason)


@transaction.atomic
def ticket_mark_duplicate(
    *,
    ticket: Ticket,
    by: User,
    original: Ticket,
    via: str = Via.DESK,
    expected_version: int | None = None,
) -> Ticket:
    """The ticket reports what `original` already carries: it is cancelled, pointing
    there, and the work (and the customer's later replies' context) stays on one."""
    if original.pk == ticket.pk:
        raise ValidationFailed(
            _("A ticket is not a duplicate of itself."), fields={"original": original.number}
        )
    if original.duplicate_of_id is not None or original.status == Status.CANCELLED:
        raise ValidationFailed(
            _("%(number)s is cancelled; mark the duplicate against the ticket still worked on.")
            % {"number": original.number},
            fields={"original": original.number},
        )
    ticket = _locked(ticket, Action.CANCEL, expected_version)
    updates = {"duplicate_of": original, "pending_reason": "", "cancelled_at": clock.now()}
    escalations_end(ticket)
    body = _("Duplicate of %(number)s.") % {"number": original.number}
    return _apply(ticket, action=Action.CANCEL, by=by, via=via, updates=updates, body=body)


@transaction.atomic
def ticket_comment(
    *, ticket: Ticket, by: User | None, body: str, public: bool, via: str = Via.DESK
) -> Entry:
    """A reply to the customer (public) or an internal note. The first public
    reply by support staff is the ticket's first response."""
    body = require_text(body, "body", _("A comment needs text."))
    kind = EntryKind.COMMENT if public else EntryKind.NOTE
    return _append(ticket, kind=kind, by=by, body=body, public=public, via=via)


@transaction.atomic
def ticket_call(*, ticket: Ticket, by: User, summary: str) -> Entry:
    """A phone call with the customer about this ticket, logged by an agent: like a
    reply, the first one is the ticket's first response."""
    summary = require_text(summary, "summary", _("Say what was said on the call."))
    return _append(ticket, kind=EntryKind.CALL, by=by, body=summary, public=True, via=Via.PHONE)


def _append(
    ticket: Ticket, *, kind: EntryKind, by: User | None, body: str, public: bool, via: str
) -> Entry:
    ticket = Ticket.objects.select_for_update().get(pk=ticket.pk)
    if ticket.status in (Status.CLOSED, Status.CANCELLED):
        raise InvalidTransition(
            _("%(number)s is %(status)s; comments are no longer taken.")
            % {"number": ticket.number, "status": Status(ticket.status).label.lower()}
        )
    now = clock.now()
    fields = ["updated_at", "version"]
    changes: dict[str, Any] = {}
    is_staff = by is not None and by.is_support_staff
    if public and is_staff and ticket.first_response_at is None:
        ticket.first_response_at = now
        ticket.first_response_working_time = working_time(ticket, now)
        fields += ["first_response_at", "first_response_working_time"]
        changes["first_response_at"] = [None, now.isoformat()]
        stopped = clock_first_response(ticket, now)
        fields.extend(stopped)
        if "response_breached" in stopped:
            changes["response_breached"] = [False, True]
    ticket.updated_at = now
    ticket.version += 1
    ticket.save(update_fields=fields)
    return record_entry(
        ticket, kind=kind, by=by, via=via, body=body, public=public, changes=changes
    )
