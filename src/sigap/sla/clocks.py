"""A ticket's SLA clocks: deadlines set at logging, paused while it waits for the
customer or a vendor, stopped by the first response and by resolution.

The ticket services call these inside their own transaction and save the fields
they return, so every change of a deadline is on the timeline with the transition
that caused it. Breaches found when a clock stops are recorded (`SlaBreach`) with
when the target ran out and by how much working time; a ticket stays breached once
it was, whatever happens after.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sigap.core import reference
from sigap.sla import business_time
from sigap.sla.choices import Clock, Priority
from sigap.sla.models import SlaBreach, SlaPolicy
from sigap.sla.seed import OFFICE
from sigap.sla.selectors import calendar_get
from sigap.sla.services import priority_for
from sigap.tickets.choices import PendingReason, Status

# Waiting for these does not count against the desk.
PAUSING = frozenset({PendingReason.CUSTOMER, PendingReason.VENDOR})

_policies = reference.Table(
    lambda: {p.pk: p for p in SlaPolicy.objects.select_related("calendar")},
    watch=(SlaPolicy,),
)


def policy_for(*, kind: str, priority: int, tier: str, category) -> SlaPolicy | None:
    """The most specific active policy: category beats tier beats kind; blank matches all."""
    categories = {category.pk, category.parent_id} if category is not None else set()
    best, best_score = None, -1
    for policy in _policies.rows().values():
        if not policy.is_active or policy.priority != priority or policy.kind not in ("", kind):
            continue
        if policy.tier not in ("", tier) or (
            policy.category_id is not None and policy.category_id not in categories
        ):
            continue
        score = 4 * (policy.category_id is not None) + 2 * bool(policy.tier) + bool(policy.kind)
        if score > best_score:
            best, best_score = policy, score
    return best


def clock_start(ticket, now: datetime) -> None:
    """Set the ticket's policy and deadlines (before it is first saved)."""
    tier = ticket.organisation.tier if ticket.organisation_id else ""
    policy = policy_for(
        kind=ticket.kind, priority=ticket.priority, tier=tier, category=ticket.category
    )
    ticket.sla_policy = policy
    if policy is None:
        return
    calendar = calendar_get(policy.calendar.code)
    ticket.response_due_at = business_time.add(
        calendar, now, timedelta(minutes=policy.response_minutes)
    )
    ticket.resolve_due_at = business_time.add(
        calendar, now, timedelta(minutes=policy.resolve_minutes)
    )
    ticket.response_warn_at = _share_used(
        calendar, ticket.response_due_at, policy.response_minutes, policy.warn_percent
    )
    marks = _resolution_marks(calendar, policy, ticket.resolve_due_at)
    ticket.resolve_warn_at = marks["resolve_warn_at"]
    # Only a ticket whose category has a second line goes there by itself.
    ticket.escalate_at = marks["escalate_at"] if ticket.category.support_group_id else None


def _share_used(calendar, due: datetime, minutes: int, percent: int | None) -> datetime | None:
    """When `percent` of a target of `minutes` is used, for a clock that runs out at `due`:
    counted back from the deadline, so a pause that pushed it pushes this too."""
    if percent is None:
        return None
    left = timedelta(minutes=minutes * (100 - percent) / 100)
    return business_time.subtract(calendar, due, left)


def _resolution_marks(calendar, policy: SlaPolicy, due: datetime) -> dict[str, datetime | None]:
    return {
        "resolve_warn_at": _share_used(calendar, due, policy.resolve_minutes, policy.warn_percent),
        "escalate_at": _share_used(calendar, due, policy.resolve_minutes, policy.escalate_percent),
    }


def clock_changes(ticket, updates: dict[str, Any], now: datetime) -> dict[str, Any]:
    """The SLA fields a transition to `updates` changes: a wait for the customer or a
    vendor pauses the resolution clock, and so does resolution; leaving the pause
    pushes the deadline by the working time it lasted. Resolving checks the target."""
    if ticket.sla_policy_id is None or ticket.resolve_due_at is None:
        return {}
    status = updates.get("status", ticket.status)
    reason = updates.get("pending_reason", ticket.pending_reason)
    # Resolved pauses the clock (a reopening resumes it); closed and cancelled stop it.
    pausing = status in (Status.RESOLVED, Status.CLOSED, Status.CANCELLED) or (
        status == Status.PENDING and reason in PAUSING
    )
    changes: dict[str, Any] = {}
    paused_at = ticket.sla_paused_at
    if status in (Status.RESOLVED, Status.CANCELLED):
        stopped = paused_at or now  # a clock paused before resolution stopped then
        if _breach(
            ticket, Clock.RESOLUTION, ticket.resolve_due_at, stopped, known=ticket.resolve_breached
        ):
            if not ticket.resolve_breached:
                changes["resolve_breached"] = True
    if status in (Status.RESOLVED, Status.CLOSED, Status.CANCELLED) and ticket.response_warn_at:
        changes["response_warn_at"] = None  # no warning about answering a finished ticket
    if paused_at is None and pausing:
        changes["sla_paused_at"] = now
    elif paused_at is not None and not pausing:
        calendar = _calendar(ticket)
        waited = business_time.between(calendar, paused_at, now)
        changes["resolve_due_at"] = business_time.add(calendar, ticket.resolve_due_at, waited)
        changes["sla_paused_at"] = None
        for mark in ("resolve_warn_at", "escalate_at"):  # still to come: pushed as well
            if getattr(ticket, mark) is not None:
                changes[mark] = business_time.add(calendar, getattr(ticket, mark), waited)
    return changes


def clock_first_response(ticket, now: datetime) -> list[str]:
    """Stop the response clock at the first public response; the fields it changed."""
    changed = []
    if ticket.response_warn_at is not None:
        ticket.response_warn_at = None
        changed.append("response_warn_at")
    if ticket.response_due_at is not None and _breach(
        ticket, Clock.RESPONSE, ticket.response_due_at, now, known=ticket.response_breached
    ):
        if not ticket.response_breached:
            ticket.response_breached = True
            changed.append("response_breached")
    return changed


def _calendar(ticket) -> business_time.Calendar:
    policy = _policies.get(ticket.sla_policy_id) or SlaPolicy.objects.select_related(
        "calendar"
    ).get(pk=ticket.sla_policy_id)
    return calendar_get(policy.calendar.code)


def working_time(ticket, until: datetime) -> timedelta:
    """Working time from the ticket's report to `until` on its policy's calendar, or
    on office hours when it has no policy (a request nobody set a target for)."""
    calendar = _calendar(ticket) if ticket.sla_policy_id else calendar_get(OFFICE)
    return business_time.between(calendar, ticket.reported_at, until)


def _breach(ticket, clock: str, due_at: datetime, stopped_at: datetime, *, known: bool) -> bool:
    """At a clock's stop: complete the breach the sweep recorded while it ran (`known`:
    the ticket's flag says there is one), or record one if it stopped late. Whether the
    clock is breached. A clock breaches once: a later stop (after a reopening) does not
    move a breach already complete."""
    if not known and stopped_at <= due_at:
        return False
    breach = SlaBreach.objects.filter(ticket=ticket, clock=clock).first()
    if breach is None and stopped_at <= due_at:
        return False
    calendar = _calendar(ticket)
    if breach is None:
        SlaBreach.objects.create(
            ticket=ticket,
            clock=clock,
            due_at=due_at,
            stopped_at=stopped_at,
            late_by=business_time.between(calendar, due_at, stopped_at),
        )
    elif breach.stopped_at is None:
        breach.stopped_at = stopped_at
        breach.late_by = business_time.between(calendar, breach.due_at, stopped_at)
        breach.save(update_fields=["stopped_at", "late_by"])
    return True


def clock_reprioritised(ticket, now: datetime) -> dict[str, Any]:
    """The deadlines after a change of priority (set on `ticket` already). With the
    same calendar, each running clock's deadline moves by the change of target, so
    time already paused stays credited; on another calendar they are counted again
    from the ticket's logging. A stopped clock (answered, resolved) is not moved."""
    old = _policies.get(ticket.sla_policy_id) if ticket.sla_policy_id else None
    tier = ticket.organisation.tier if ticket.organisation_id else ""
    new = policy_for(
        kind=ticket.kind, priority=ticket.priority, tier=tier, category=ticket.category
    )
    if new is None or (old is not None and new.pk == old.pk):
        return {}
    calendar = calendar_get(new.calendar.code)
    same_calendar = old is not None and old.calendar_id == new.calendar_id
    changes: dict[str, Any] = {"sla_policy": new}
    for due_field, stopped, old_minutes, new_minutes in (
        (
            "response_due_at",
            ticket.first_response_at,
            old and old.response_minutes,
            new.response_minutes,
        ),
        ("resolve_due_at", ticket.resolved_at, old and old.resolve_minutes, new.resolve_minutes),
    ):
        due = getattr(ticket, due_field)
        if stopped is not None:
            continue
        if same_calendar and due is not None:
            changes[due_field] = business_time.add(
                calendar, due, timedelta(minutes=new_minutes - old_minutes)
            )
        else:
            changes[due_field] = business_time.add(
                calendar, ticket.reported_at, timedelta(minutes=new_minutes)
            )
    # Warnings and the hand-over still to come follow the new deadlines.
    if "response_due_at" in changes and ticket.response_warn_at is not None:
        changes["response_warn_at"] = _share_used(
            calendar, changes["response_due_at"], new.response_minutes, new.warn_percent
        )
    if "resolve_due_at" in changes:
        for mark, moment in _resolution_marks(calendar, new, changes["resolve_due_at"]).items():
            if getattr(ticket, mark) is not None:
                changes[mark] = moment
    return changes


@dataclass(frozen=True)
class PriorityPreview:
    priority: int
    response_due_at: datetime | None
    resolve_due_at: datetime | None

    @property
    def priority_label(self) -> str:
        return str(Priority(self.priority).label)


def priority_preview(ticket, *, impact: str, urgency: str, now: datetime) -> PriorityPreview:
    """What `ticket_reprioritise` would make of the ticket's priority and deadlines,
    without writing anything: the desk shows it before the agent saves."""
    trial = copy.copy(ticket)
    trial.impact, trial.urgency = impact, urgency
    trial.priority = priority_for(impact=impact, urgency=urgency)
    deadlines = clock_reprioritised(trial, now)
    return PriorityPreview(
        priority=trial.priority,
        response_due_at=deadlines.get("response_due_at", ticket.response_due_at),
        resolve_due_at=deadlines.get("resolve_due_at", ticket.resolve_due_at),
    )
