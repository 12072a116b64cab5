"""The desk's queues: each one a filter on the tickets the user may see.

A queue is a condition (a `Q`) built for one user at one moment, so the list and the
side bar's counts share it: the list filters on it, the counts aggregate it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from sigap.accounts.models import User
from sigap.routing.models import Escalation, SupportGroup
from sigap.tickets.choices import OPEN_STATUSES, Kind, Sort, Status
from sigap.tickets.models import Ticket
from sigap.tickets.selectors import (
    TicketFilters,
    TicketPage,
    ticket_filter,
    ticket_page,
    ticket_visible,
)

# A running clock whose deadline falls within this is "breaching soon".
SOON = timedelta(hours=2)
# The tabs: incidents and requests are never one list.
KINDS = {Kind.INCIDENT.value: _("Incidents"), Kind.REQUEST.value: _("Requests")}


def _open() -> Q:
    return Q(status__in=OPEN_STATUSES)


def _my_groups(user: User) -> QuerySet[SupportGroup]:
    # A subquery, not a join on members: a join would repeat a ticket's row in the counts.
    return SupportGroup.objects.filter(members=user).values("pk")


def _mine(user: User, now: datetime) -> Q:
    return _open() & Q(assignee=user)


def _groups(user: User, now: datetime) -> Q:
    return _open() & Q(support_group__in=_my_groups(user))


def _unassigned(user: User, now: datetime) -> Q:
    return _open() & Q(assignee__isnull=True)


def _breaching_soon(user: User, now: datetime) -> Q:
    horizon = now + SOON
    response = Q(first_response_at__isnull=True, response_breached=False) & (
        Q(response_due_at__lte=horizon) | Q(response_warn_at__lte=now)
    )
    resolution = Q(sla_paused_at__isnull=True, resolve_breached=False) & (
        Q(resolve_due_at__lte=horizon) | Q(resolve_warn_at__lte=now)
    )
    return _open() & (response | resolution)


def _breached(user: User, now: datetime) -> Q:
    return _open() & (Q(response_breached=True) | Q(resolve_breached=True))


def _pending(user: User, now: datetime) -> Q:
    return Q(status=Status.PENDING)


def _escalated_to_me(user: User, now: datetime) -> Q:
    waiting = Escalation.objects.filter(
        ticket=OuterRef("pk"),
        to_group__in=_my_groups(user),
        ended_at__isnull=True,
        acknowledged_at__isnull=True,
    )
    return _open() & Q(Exists(waiting))


@dataclass(frozen=True)
class Queue:
    code: str
    label: str | Promise
    condition: Callable[[User, datetime], Q]


QUEUES: dict[str, Queue] = {
    q.code: q
    for q in (
        Queue("mine", _("Assigned to me"), _mine),
        Queue("groups", _("My groups"), _groups),
        Queue("unassigned", _("Unassigned"), _unassigned),
        Queue("breaching", _("Breaching soon"), _breaching_soon),
        Queue("breached", _("Breached"), _breached),
        Queue("pending", _("Pending"), _pending),
        Queue("escalated", _("Escalated to me"), _escalated_to_me),
    )
}
DEFAULT_QUEUE = "mine"


def queue_tickets(
    *, user: User, queue: Queue, filters: TicketFilters, now: datetime
) -> QuerySet[Ticket]:
    """The queue's tickets among those `user` may see, with the shared filters applied."""
    qs = ticket_filter(ticket_visible(user=user), filters)
    return qs.filter(queue.condition(user, now))


def queue_counts(*, user: User, filters: TicketFilters, now: datetime) -> dict[str, int]:
    """How many tickets each queue holds under `filters`: one aggregate query."""
    # Every queue holds open tickets only (pending is one of them). Saying so lets the
    # status index skip the closed majority instead of reading every ticket of the kind.
    qs = ticket_filter(ticket_visible(user=user), filters).filter(_open())
    return qs.aggregate(
        **{code: Count("pk", filter=q.condition(user, now)) for code, q in QUEUES.items()}
    )


def queue_page(
    *,
    user: User,
    queue: Queue,
    filters: TicketFilters,
    now: datetime,
    cursor: str | None = None,
    limit: int = 50,
    sort: str = Sort.NEWEST,
) -> TicketPage:
    """In the order `sort` (newest first unless told), keyset-paginated with
    `ticket_page`'s cursors; raises ValidationFailed for a cursor it did not hand out."""
    qs = queue_tickets(user=user, queue=queue, filters=filters, now=now).select_related(
        "category", "organisation", "assignee"
    )
    return ticket_page(qs, cursor=cursor, limit=limit, sort=sort)


@dataclass(frozen=True)
class SlaClock:
    """The clock that runs now: response until the first response, then resolution."""

    due: datetime | None
    paused: bool
    breached: bool

    def left(self, now: datetime) -> timedelta | None:
        return None if self.due is None else self.due - now

    def is_late(self, now: datetime) -> bool:
        return self.breached or (self.due is not None and not self.paused and self.due <= now)


def sla_clock(ticket: Ticket) -> SlaClock:
    if ticket.first_response_at is None:
        return SlaClock(ticket.response_due_at, False, ticket.response_breached)
    return SlaClock(
        ticket.resolve_due_at, ticket.sla_paused_at is not None, ticket.resolve_breached
    )
