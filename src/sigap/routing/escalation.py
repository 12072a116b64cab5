"""Escalation records: who handed a ticket up to whom, why, and whether the receiving
group has acknowledged it; and the reminders that chase it until it does.

A functional or vendor escalation hands the ticket to the group (the transition is
`tickets.services.ticket_escalate`); a management escalation Sigap raises by itself
(a priority-1 incident, a second-line breach, reminders unanswered) involves the head
of infrastructure without taking the ticket from the group working it. Either way
there is one `Escalation` row, one timeline entry, and a notification after commit.

Everything here works on lists, so the sweep escalates a thousand tickets with the
same few statements as the desk escalates one.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.utils.translation import gettext as _

from sigap.accounts.models import User
from sigap.core import clock
from sigap.core.claim import claim, moment
from sigap.core.errors import InvalidTransition, ValidationFailed
from sigap.routing.choices import EscalationKind, SupportLevel
from sigap.routing.models import Escalation, SupportGroup
from sigap.routing.selectors import support_group_by_code
from sigap.sla import business_time
from sigap.sla.seed import OFFICE
from sigap.sla.selectors import calendar_get
from sigap.tickets.choices import EntryKind, Via
from sigap.tickets.models import Entry, Ticket

MANAGEMENT_GROUP = "head_of_infrastructure"

KIND_BY_LEVEL = {
    SupportLevel.L1: EscalationKind.FUNCTIONAL,
    SupportLevel.L2: EscalationKind.FUNCTIONAL,
    SupportLevel.L3: EscalationKind.VENDOR,
    SupportLevel.MANAGEMENT: EscalationKind.MANAGEMENT,
}


@dataclass(frozen=True)
class Handover:
    """One ticket going up: where it was and where it goes."""

    ticket_id: int
    from_group_id: int | None
    from_level: str
    to_group: SupportGroup


def reminder_after(group: SupportGroup, moment: datetime) -> datetime | None:
    """When the group is next reminded of an escalation it has not acknowledged: the
    interval in the group's working time, so never at night, at weekends or on holidays."""
    if not group.remind_every_minutes:
        return None
    calendar = calendar_get(group.calendar.code if group.calendar_id else OFFICE)
    return business_time.add(calendar, moment, timedelta(minutes=group.remind_every_minutes))


def escalations_record(
    handovers: Sequence[Handover],
    *,
    reason: str,
    by: User | None,
    note: str = "",
    entry: bool = True,
) -> list[Escalation]:
    """Write one escalation per hand-over (and, with `entry`, its timeline entry, for
    an escalation that is not a transition). Ends what the tickets leave behind: a
    functional or vendor escalation to the group a ticket moves away from. The
    receiving groups are told after commit."""
    if not handovers:
        return []
    now = clock.now()
    leaving: dict[int | None, list[int]] = {}
    for h in handovers:
        if h.to_group.level != SupportLevel.MANAGEMENT:
            leaving.setdefault(h.from_group_id, []).append(h.ticket_id)
    for group_id, ticket_ids in leaving.items():
        escalations_leave(ticket_ids, group_id)
    reminders = {h.to_group.pk: reminder_after(h.to_group, now) for h in handovers}
    records = Escalation.objects.bulk_create(
        Escalation(
            ticket_id=h.ticket_id,
            kind=KIND_BY_LEVEL[SupportLevel(h.to_group.level)],
            reason=reason,
            note=note,
            from_group_id=h.from_group_id,
            from_level=h.from_level,
            to_group=h.to_group,
            to_level=h.to_group.level,
            by=by,
            at=now,
            next_reminder_at=reminders[h.to_group.pk],
        )
        for h in handovers
    )
    if entry:
        Entry.objects.bulk_create(
            Entry(
                ticket_id=h.ticket_id,
                kind=EntryKind.ESCALATION,
                at=now,
                actor=by,
                via=Via.DESK if by else Via.SYSTEM,
                body=note,
                changes={"escalation": [None, f"{h.to_group.level}:{h.to_group.code}"]}
                | {"reason": [None, reason]},
            )
            for h in handovers
        )
    ids = [r.pk for r in records]
    if not clock.is_replaying():
        transaction.on_commit(lambda: _notify(ids))
    return records


def escalations_leave(ticket_ids: list[int], group_id: int | None) -> None:
    """The tickets left the group's hands: its functional and vendor escalations of them
    end (a management escalation stays until the head acknowledges it)."""
    if group_id is None:
        return
    Escalation.objects.filter(
        ticket_id__in=ticket_ids, to_group_id=group_id, ended_at__isnull=True
    ).exclude(kind=EscalationKind.MANAGEMENT).update(ended_at=clock.now(), next_reminder_at=None)


def _notify(ids: list[int]) -> None:
    from sigap.routing.tasks import escalations_notify

    escalations_notify(ids)


def management_raise(
    tickets: Iterable[Ticket], *, reason: str, by: User | None = None, note: str = ""
) -> list[Escalation]:
    """Involve the head of infrastructure in these tickets, unless an escalation to
    them is still open; the tickets stay with the groups working them."""
    head = support_group_by_code(MANAGEMENT_GROUP)
    if head is None:
        return []
    tickets = list(tickets)
    involved = set(
        Escalation.objects.filter(
            ticket__in=tickets, to_group=head, ended_at__isnull=True
        ).values_list("ticket_id", flat=True)
    )
    return escalations_record(
        [
            Handover(t.pk, t.support_group_id, t.support_level, head)
            for t in tickets
            if t.pk not in involved and t.support_group_id != head.pk
        ],
        reason=reason,
        by=by,
        note=note,
    )


@transaction.atomic
def escalation_acknowledge(*, escalation: Escalation, by: User) -> Escalation:
    """Someone in the receiving group takes the escalation on: the reminders stop."""
    escalation = Escalation.objects.select_for_update().get(pk=escalation.pk)
    if escalation.acknowledged_at is not None:
        return escalation
    if escalation.ended_at is not None:
        raise InvalidTransition(_("This escalation has ended; there is nothing to acknowledge."))
    if not (by.is_superuser or escalation.to_group.members.filter(pk=by.pk).exists()):
        raise ValidationFailed(
            _("Only a member of %(group)s acknowledges this escalation.")
            % {"group": escalation.to_group.name},
            fields={"by": by.get_username()},
        )
    now = clock.now()
    escalation.acknowledged_at = now
    escalation.acknowledged_by = by
    escalation.next_reminder_at = None
    escalation.save(update_fields=["acknowledged_at", "acknowledged_by", "next_reminder_at"])
    Entry.objects.create(
        ticket_id=escalation.ticket_id,
        kind=EntryKind.ESCALATION,
        action="acknowledge",
        at=now,
        actor=by,
        via=Via.DESK,
        changes={"acknowledged": [None, escalation.to_group.code]},
    )
    return escalation


def escalations_acknowledge_by_work(ticket: Ticket, by: User) -> None:
    """A member of the receiving group who starts work on the ticket has taken it on."""
    now = clock.now()
    Escalation.objects.filter(
        ticket=ticket,
        ended_at__isnull=True,
        acknowledged_at__isnull=True,
        to_group__members=by,
    ).update(acknowledged_at=now, acknowledged_by=by, next_reminder_at=None)


def escalations_end(ticket: Ticket) -> None:
    """The ticket is resolved or cancelled: every open escalation of it ends."""
    Escalation.objects.filter(ticket=ticket, ended_at__isnull=True).update(
        ended_at=clock.now(), next_reminder_at=None
    )


def reminders_claim(now: datetime) -> list[Escalation]:
    """Claim the reminders due now: the counter goes up and the next reminder moves on
    in one conditional UPDATE per receiving group, so a second sweep at the same
    moment finds nothing left to claim. Returns the claimed escalations."""
    groups = SupportGroup.objects.filter(
        pk__in=Escalation.objects.filter(next_reminder_at__lte=now).values("to_group_id")
    )
    claimed: list[int] = []
    for group in groups:
        rows = claim(
            Escalation._meta.db_table,
            set_sql="reminders_sent = reminders_sent + 1, next_reminder_at = %s",
            set_params=[moment(reminder_after(group, now))],
            where_sql="to_group_id = %s AND next_reminder_at <= %s",
            where_params=[group.pk, moment(now)],
        )
        claimed.extend(row[0] for row in rows)
    if not claimed:
        return []
    return list(Escalation.objects.filter(pk__in=claimed).select_related("to_group", "ticket"))
