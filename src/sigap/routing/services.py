"""Who in a group gets a ticket that reaches it."""

from __future__ import annotations

from django.db.models import Count, Q

from sigap.accounts.models import User
from sigap.routing.choices import Assignment
from sigap.routing.models import SupportGroup
from sigap.tickets.choices import OPEN_STATUSES


def assignee_pick(group: SupportGroup) -> User | None:
    """The member the group's rule gives the next ticket to, or None (manual, or no
    active member). Call inside the transaction that assigns."""
    (chosen,) = assignees_pick(group, 1)
    return None if chosen is None else User.objects.get(pk=chosen)


def assignees_pick(group: SupportGroup, count: int) -> list[int | None]:
    """The ids of the members the group's rule gives its next `count` tickets to (None
    each when the group assigns by hand or has no active member). Round robin locks the
    group's row, so tickets arriving at once from two places go to different people."""
    if group.assignment == Assignment.MANUAL or count < 1:
        return [None] * count
    members = group.members.filter(is_active=True).order_by("id")
    if group.assignment == Assignment.FEWEST_OPEN:
        load = dict(
            members.annotate(
                load=Count("assigned_tickets", filter=Q(assigned_tickets__status__in=OPEN_STATUSES))
            ).values_list("id", "load")
        )
        if not load:
            return [None] * count
        picks = []
        for _ in range(count):
            chosen = min(load, key=lambda pk: (load[pk], pk))
            load[chosen] += 1
            picks.append(chosen)
        return picks
    last = (
        SupportGroup.objects.select_for_update()
        .values_list("last_assigned_id", flat=True)
        .get(pk=group.pk)
    )
    ids = list(members.values_list("id", flat=True))
    if not ids:
        return [None] * count
    following = [pk for pk in ids if last is not None and pk > last]
    start = ids.index(following[0]) if following else 0
    picks = [ids[(start + n) % len(ids)] for n in range(count)]
    # update(), not save(): a pointer that moves on every ticket is not a change of the
    # group an admin made, and must not drop every process's copy of the groups.
    SupportGroup.objects.filter(pk=group.pk).update(last_assigned_id=picks[-1])
    return picks
