"""Who in a group gets a ticket that reaches it."""

from __future__ import annotations

from django.db.models import Count, Q

from sigap.accounts.models import User
from sigap.routing.choices import Assignment
from sigap.routing.models import SupportGroup
from sigap.tickets.choices import OPEN_STATUSES


def assignee_pick(group: SupportGroup) -> User | None:
    """The member the group's rule gives the next ticket to, or None (manual, or no
    active member). Call inside the transaction that assigns: round robin locks the
    group's row, so two tickets arriving at once go to two people."""
    if group.assignment == Assignment.MANUAL:
        return None
    members = group.members.filter(is_active=True).order_by("id")
    if group.assignment == Assignment.FEWEST_OPEN:
        return (
            members.annotate(
                load=Count("assigned_tickets", filter=Q(assigned_tickets__status__in=OPEN_STATUSES))
            )
            .order_by("load", "id")
            .first()
        )
    last = (
        SupportGroup.objects.select_for_update()
        .values_list("last_assigned_id", flat=True)
        .get(pk=group.pk)
    )
    ids = list(members.values_list("id", flat=True))
    if not ids:
        return None
    following = [pk for pk in ids if last is not None and pk > last]
    chosen = following[0] if following else ids[0]
    # update(), not save(): a pointer that moves on every ticket is not a change of the
    # group an admin made, and must not drop every process's copy of the groups.
    SupportGroup.objects.filter(pk=group.pk).update(last_assigned_id=chosen)
    return members.get(pk=chosen)
