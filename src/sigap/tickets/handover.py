"""Hand-overs to second line written in bulk: the sweep's transition for the tickets
whose resolution clock passed its share while still with first line. The same
transition as `services.ticket_escalate`, for many tickets with a few statements."""

from __future__ import annotations

from django.db.models import F
from django.utils.translation import gettext as _

from sigap.accounts.models import User
from sigap.core import clock
from sigap.routing.choices import EscalationReason, SupportLevel
from sigap.routing.escalation import Handover, escalations_record
from sigap.routing.models import SupportGroup
from sigap.routing.services import assignees_pick
from sigap.tickets.choices import Action, EntryKind, Status, Via
from sigap.tickets.models import Entry, Ticket


def tickets_escalate_to_second_line(ticket_ids: list[int]) -> int:
    """Hand tickets still with first line to their category's second-line group, as
    the sweep does when their resolution clock passes its share: the same transition
    as `ticket_escalate`, written for all of them with a few statements. The caller
    holds the rows (it claimed them). Returns how many moved."""
    now = clock.now()
    # The claim checked the status under the row lock; asked again here, SQLite would
    # look the tickets up by status rather than by id.
    rows = list(
        Ticket.objects.filter(
            pk__in=ticket_ids,
            support_level=SupportLevel.L1,
            category__support_group__isnull=False,
        )
        .exclude(category__support_group__level=SupportLevel.L1)
        .values(
            "pk",
            "status",
            "support_group_id",
            "support_level",
            "assignee_id",
            "category__support_group_id",
        )
    )
    groups = {g.pk: g for g in SupportGroup.objects.all()}
    names = dict(
        User.objects.filter(
            pk__in={r["assignee_id"] for r in rows if r["assignee_id"]}
        ).values_list("pk", "username")
    )
    by_group: dict[int, list[dict]] = {}
    for row in rows:
        by_group.setdefault(row["category__support_group_id"], []).append(row)
    entries, handovers = [], []
    moves: dict[tuple[SupportGroup, int | None], list[int]] = {}
    for group_pk, members in by_group.items():
        group = groups[group_pk]
        picks = assignees_pick(group, len(members))
        names |= dict(User.objects.filter(pk__in=set(picks) - {None}).values_list("pk", "username"))
        for row, assignee in zip(members, picks, strict=True):
            moves.setdefault((group, assignee), []).append(row["pk"])
            before_after = {
                "status": [row["status"], Status.ASSIGNED.value],
                "support_group": [
                    getattr(groups.get(row["support_group_id"]), "code", None),
                    group.code,
                ],
                "support_level": [row["support_level"], group.level],
                "assignee": [names.get(row["assignee_id"]), names.get(assignee)],
                "escalated_at": [None, now.isoformat()],
            }
            entries.append(
                Entry(
                    ticket_id=row["pk"],
                    kind=EntryKind.TRANSITION,
                    action=Action.ESCALATE,
                    at=now,
                    via=Via.SYSTEM,
                    body=_("The resolution clock passed its share while with first line."),
                    changes={k: v for k, v in before_after.items() if v[0] != v[1]},
                )
            )
            handovers.append(
                Handover(row["pk"], row["support_group_id"], row["support_level"], group)
            )
    for (group, assignee), ids in moves.items():  # one statement per group and assignee
        Ticket.objects.filter(pk__in=ids).update(
            status=Status.ASSIGNED,
            support_group=group,
            support_level=group.level,
            assignee_id=assignee,
            escalated_at=now,
            updated_at=now,
            version=F("version") + 1,
        )
    Entry.objects.bulk_create(entries)
    escalations_record(handovers, reason=EscalationReason.SLA, by=None, entry=False)
    return len(handovers)
