"""The SLA sweep: warnings, breaches, hand-overs to second line and reminders that
have come due, found and claimed with a few set-based statements.

The Huey periodic task (every minute) and `sigap sla-sweep` both call `sweep()`.
It runs in one transaction: each kind of event is claimed with one conditional
UPDATE (`core.claim`), its records are written in bulk, and notifications are queued
after the commit. Two sweeps at once never act twice on one ticket (the second
finds the rows claimed), and a sweep that fails half-way rolls back whole.

Clocks paused (waiting for the customer or a vendor) are left alone: the
resolution deadline and the marks before it move when the wait ends.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from django.db import transaction
from django.utils.translation import gettext as _

from sigap.core import clock
from sigap.core.claim import claim, moment, unindexed
from sigap.routing.choices import EscalationReason, SupportLevel
from sigap.routing.escalation import management_raise, reminders_claim
from sigap.sla.choices import Clock
from sigap.sla.models import SlaBreach
from sigap.tickets.choices import OPEN_STATUSES, TRANSITIONS, Action, EntryKind, Via
from sigap.tickets.handover import tickets_escalate_to_second_line
from sigap.tickets.models import Entry, Ticket

TICKETS = Ticket._meta.db_table
STATUS = unindexed("status")  # the due column's index finds the few due rows
_OPEN = sorted(OPEN_STATUSES)
_WORKING = sorted(TRANSITIONS[Action.ESCALATE][0])


@dataclass
class Swept:
    """What one sweep did (ticket ids per event, escalation ids reminded)."""

    at: datetime
    warned: dict[str, list[int]] = field(default_factory=dict)
    breached: dict[str, list[int]] = field(default_factory=dict)
    escalated: int = 0
    reminded: list[int] = field(default_factory=list)
    raised: int = 0

    def counts(self) -> dict[str, int]:
        return {
            "response_warnings": len(self.warned.get(Clock.RESPONSE, [])),
            "resolution_warnings": len(self.warned.get(Clock.RESOLUTION, [])),
            "response_breaches": len(self.breached.get(Clock.RESPONSE, [])),
            "resolution_breaches": len(self.breached.get(Clock.RESOLUTION, [])),
            "escalated_to_second_line": self.escalated,
            "reminders": len(self.reminded),
            "raised_to_management": self.raised,
        }


def _in(values: Sequence[str]) -> str:
    return ", ".join(["%s"] * len(values))


def _claim_tickets(set_sql: str, set_params: list, where_sql: str, params: list) -> list[int]:
    rows = claim(
        TICKETS, set_sql=set_sql, set_params=set_params, where_sql=where_sql, where_params=params
    )
    return [row[0] for row in rows]


def _running(now: datetime, due_column: str, *, resolution: bool) -> tuple[str, list]:
    """A clock of an open ticket that has come due by `now` (the resolution clock only
    while it is not paused; the response clock until the first response)."""
    stopped = "sla_paused_at IS NULL" if resolution else "first_response_at IS NULL"
    return (
        f"{due_column} <= %s AND {stopped} AND {STATUS} IN ({_in(_OPEN)})",
        [moment(now), *_OPEN],
    )


@transaction.atomic
def sweep(now: datetime | None = None) -> Swept:
    now = now or clock.now()
    done = Swept(at=now)
    with clock.at(now):
        for clock_name, warn_column, due_column, flag in (
            (Clock.RESPONSE, "response_warn_at", "response_due_at", "response_breached"),
            (Clock.RESOLUTION, "resolve_warn_at", "resolve_due_at", "resolve_breached"),
        ):
            resolution = clock_name == Clock.RESOLUTION
            where, params = _running(now, warn_column, resolution=resolution)
            done.warned[clock_name] = _claim_tickets(f"{warn_column} = NULL", [], where, params)
            where, params = _running(now, due_column, resolution=resolution)
            # `NOT flag` as the partial indexes of running clocks say it (tickets.models).
            done.breached[clock_name] = _claim_tickets(
                f"{flag} = %s", [True], f"NOT {flag} AND {where}", params
            )
            # A warning found together with its breach (the sweep did not run for a
            # while) is not worth telling: the breach says more.
            late = set(done.breached[clock_name])
            done.warned[clock_name] = [i for i in done.warned[clock_name] if i not in late]
        handing = _claim_tickets(
            "escalate_at = NULL",
            [],
            f"escalate_at <= %s AND sla_paused_at IS NULL AND {STATUS} IN ({_in(_WORKING)})",
            [moment(now), *_WORKING],
        )
        _record(done)
        done.escalated = tickets_escalate_to_second_line(handing)
        done.raised += len(
            management_raise(
                Ticket.objects.filter(
                    pk__in=done.breached[Clock.RESOLUTION], support_level=SupportLevel.L2
                ),
                reason=EscalationReason.BREACH,
            )
        )
        reminded = reminders_claim(now)
        done.reminded = [e.pk for e in reminded]
        further = [
            e.ticket
            for e in reminded
            if e.to_level != SupportLevel.MANAGEMENT
            and e.reminders_sent == e.to_group.reminders_before_escalating
        ]
        done.raised += len(management_raise(further, reason=EscalationReason.UNACKNOWLEDGED))
    _notify_after_commit(done)
    return done


def _record(done: Swept) -> None:
    """The breach records and the timeline entries of the warnings and breaches."""
    breached = [
        (clock_name, ticket_id) for clock_name, ids in done.breached.items() for ticket_id in ids
    ]
    due = dict(
        Ticket.objects.filter(pk__in=done.breached[Clock.RESPONSE]).values_list(
            "pk", "response_due_at"
        )
    )
    resolve_due = dict(
        Ticket.objects.filter(pk__in=done.breached[Clock.RESOLUTION]).values_list(
            "pk", "resolve_due_at"
        )
    )
    SlaBreach.objects.bulk_create(
        SlaBreach(
            ticket_id=ticket_id,
            clock=clock_name,
            due_at=(due if clock_name == Clock.RESPONSE else resolve_due)[ticket_id],
        )
        for clock_name, ticket_id in breached
    )
    texts = {
        ("warning", Clock.RESPONSE): _("Most of the time for the first response is used."),
        ("warning", Clock.RESOLUTION): _("Most of the time for the resolution is used."),
        ("breach", Clock.RESPONSE): _("The first response is late."),
        ("breach", Clock.RESOLUTION): _("The resolution is late."),
    }
    Entry.objects.bulk_create(
        Entry(
            ticket_id=ticket_id,
            kind=EntryKind.SLA,
            action=event,
            at=done.at,
            via=Via.SYSTEM,
            body=texts[(event, clock_name)],
            changes={event: [None, clock_name.value]},
        )
        for event, per_clock in (("warning", done.warned), ("breach", done.breached))
        for clock_name, ids in per_clock.items()
        for ticket_id in ids
    )


def _notify_after_commit(done: Swept) -> None:
    events = [
        (event, clock_name.value, ids)
        for event, per_clock in (("warning", done.warned), ("breach", done.breached))
        for clock_name, ids in per_clock.items()
        if ids
    ]
    reminded = list(done.reminded)
    if not events and not reminded:
        return

    def queue() -> None:
        from sigap.routing.tasks import reminders_notify, sla_notify

        for event, clock_name, ids in events:
            sla_notify(event, clock_name, ids)
        if reminded:
            reminders_notify(reminded)

    transaction.on_commit(queue)
