"""Changes to a logged ticket that are not moves of its status: its priority, its
category, its kind, the ticket it belongs to.

Like the transitions in `services.py`, each runs in one transaction on the ticket
re-read under a row lock, refuses a stale `expected_version`, and writes one
timeline entry with the values before and after. A change that touches what the
SLA policy depends on (priority, category, kind) moves the deadlines with it.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from sigap.accounts.models import User
from sigap.core import clock
from sigap.core.errors import InvalidTransition, ValidationFailed
from sigap.routing.choices import EscalationReason
from sigap.routing.escalation import management_raise
from sigap.sla.clocks import clock_reprioritised
from sigap.sla.services import levels_check, priority_for
from sigap.tickets.choices import EntryKind, Kind, Status, Via
from sigap.tickets.creation import category_refusals
from sigap.tickets.models import Category, Cause, Ticket
from sigap.tickets.services import require_text, version_check
from sigap.tickets.timeline import plain_value, record_entry

FINAL = (Status.CLOSED, Status.CANCELLED)


def _locked(ticket: Ticket, expected_version: int | None, final_refusal: str) -> Ticket:
    """The ticket under a row lock; Conflict when someone changed it since the
    version the caller saw, InvalidTransition when it is closed or cancelled."""
    fresh = (
        Ticket.objects.select_for_update(of=("self",))
        .select_related("category", "organisation")
        .get(pk=ticket.pk)
    )
    version_check(fresh, expected_version)
    if fresh.status in FINAL:
        raise InvalidTransition(
            final_refusal % {"number": fresh.number, "status": Status(fresh.status).label.lower()}
        )
    return fresh


def _write(
    ticket: Ticket,
    updates: dict[str, Any],
    *,
    by: User,
    via: str,
    body: str,
    action: str,
    sla: bool = False,
) -> Ticket:
    """Set `updates` (and, with `sla`, the deadlines of the policy that now applies)
    and record what changed."""
    now = clock.now()
    before = {name: plain_value(getattr(ticket, name)) for name in updates}
    for name, value in updates.items():
        setattr(ticket, name, value)
    deadlines = clock_reprioritised(ticket, now) if sla else {}
    for name, value in deadlines.items():
        before.setdefault(name, plain_value(getattr(ticket, name)))
        setattr(ticket, name, value)
    changes = {
        name: [before[name], plain_value(getattr(ticket, name))]
        for name in before
        if before[name] != plain_value(getattr(ticket, name))
    }
    ticket.version += 1
    ticket.updated_at = now
    ticket.save(update_fields=[*updates, *deadlines, "version", "updated_at"])
    record_entry(
        ticket, kind=EntryKind.CHANGE, action=action, by=by, via=via, body=body, changes=changes
    )
    critical = ticket.priority == 1 and ticket.kind == Kind.INCIDENT
    if critical and ("priority" in changes or "kind" in changes):
        management_raise([ticket], reason=EscalationReason.CRITICAL)
    return ticket


@transaction.atomic
def ticket_reprioritise(
    *,
    ticket: Ticket,
    by: User,
    impact: str,
    urgency: str,
    reason: str,
    via: str = Via.DESK,
    expected_version: int | None = None,
) -> Ticket:
    """Staff override impact and urgency: the priority follows the matrix and the SLA
    deadlines follow the priority. The override and its reason are on the timeline."""
    reason = require_text(reason, "reason", _("Say why the priority changes."))
    levels_check(impact=impact, urgency=urgency)
    fresh = _locked(
        ticket, expected_version, _("%(number)s is %(status)s; its priority no longer changes.")
    )
    updates = {
        "impact": impact,
        "urgency": urgency,
        "priority": priority_for(impact=impact, urgency=urgency),
    }
    return _write(fresh, updates, by=by, via=via, body=reason, action="prioritise", sla=True)


def _check_category(category: Category, kind: str, cause: Cause | None) -> None:
    errors = category_refusals(category=category, kind=kind, cause=cause)
    if errors:
        raise ValidationFailed(next(iter(errors.values())), fields=errors)


@transaction.atomic
def ticket_recategorise(
    *,
    ticket: Ticket,
    by: User,
    category: Category,
    cause: Cause | None = None,
    note: str = "",
    via: str = Via.DESK,
    expected_version: int | None = None,
) -> Ticket:
    """Categorise the ticket anew (and name its cause once diagnosed); a policy kept
    for the new category brings its own deadlines."""
    fresh = _locked(
        ticket, expected_version, _("%(number)s is %(status)s; its category no longer changes.")
    )
    _check_category(category, fresh.kind, cause)
    updates: dict[str, Any] = {"category": category, "cause": cause}
    return _write(fresh, updates, by=by, via=via, body=note.strip(), action="categorise", sla=True)


@transaction.atomic
def ticket_convert(
    *,
    ticket: Ticket,
    by: User,
    kind: str,
    reason: str,
    category: Category | None = None,
    via: str = Via.DESK,
    expected_version: int | None = None,
) -> Ticket:
    """An incident that turns out to be a request, or the other way round. The ticket
    keeps its number (the customer's replies and links still find it) and its
    timeline; its kind, category and SLA deadlines change, and the conversion and
    its reason are on the timeline."""
    reason = require_text(reason, "reason", _("Say why the ticket is converted."))
    if kind not in Kind.values:
        raise ValidationFailed(_("Unknown ticket kind."), fields={"kind": kind})
    fresh = _locked(ticket, expected_version, _("%(number)s is %(status)s; it is not converted."))
    if fresh.kind == kind:
        raise ValidationFailed(
            _("%(number)s is already a %(kind)s.")
            % {"number": fresh.number, "kind": Kind(kind).label.lower()},
            fields={"kind": kind},
        )
    category = category or fresh.category
    # A cause belongs to its category's incidents; a request has none.
    cause = fresh.cause if kind == Kind.INCIDENT and category.pk == fresh.category_id else None
    _check_category(category, kind, cause)
    updates: dict[str, Any] = {"kind": kind, "category": category, "cause": cause}
    return _write(fresh, updates, by=by, via=via, body=reason, action="convert", sla=True)


@transaction.atomic
def ticket_link(
    *,
    ticket: Ticket,
    by: User,
    parent: Ticket | None,
    via: str = Via.DESK,
    expected_version: int | None = None,
) -> Ticket:
    """Make the ticket part of `parent` (one outage, many reports), or take it out
    again with None."""
    fresh = _locked(ticket, expected_version, _("%(number)s is %(status)s; it is not linked."))
    if parent is not None:
        ancestor: Ticket | None = parent
        while ancestor is not None:
            if ancestor.pk == fresh.pk:
                raise ValidationFailed(
                    _("%(number)s cannot be part of itself or of a ticket that is part of it.")
                    % {"number": fresh.number},
                    fields={"parent": parent.number},
                )
            ancestor = ancestor.parent
    return _write(fresh, {"parent": parent}, by=by, via=via, body="", action="link")


@transaction.atomic
def ticket_involve_management(
    *,
    ticket: Ticket,
    by: User,
    reason: str,
    via: str = Via.DESK,
    expected_version: int | None = None,
) -> Ticket:
    """Bring the head of infrastructure in (a management escalation, with a reason);
    the ticket stays with the group working it."""
    reason = require_text(reason, "reason", _("Say why management is brought in."))
    fresh = _locked(ticket, expected_version, _("%(number)s is %(status)s; it is not escalated."))
    if not management_raise([fresh], reason=EscalationReason.MANUAL, by=by, note=reason):
        raise ValidationFailed(
            _(
                "The head of infrastructure is already involved in %(number)s "
                "(or no head-of-infrastructure group is set up)."
            )
            % {"number": fresh.number},
            fields={"reason": reason},
        )
    fresh.version += 1
    fresh.updated_at = clock.now()
    fresh.save(update_fields=["version", "updated_at"])
    return fresh
