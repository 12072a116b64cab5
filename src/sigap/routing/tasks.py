"""Notifications on the task queue, queued after the commit that caused them."""

from __future__ import annotations

from huey.contrib.djhuey import db_task

from sigap.routing import notify
from sigap.routing.models import Escalation
from sigap.tickets.models import Ticket

_TICKET_RELATED = ("assignee", "support_group", "category", "vehicle", "unit")


def _escalations(ids: list[int]):
    return Escalation.objects.filter(pk__in=ids).select_related(
        "to_group", *(f"ticket__{name}" for name in _TICKET_RELATED)
    )


@db_task(retries=3, retry_delay=60)
def escalations_notify(ids: list[int]) -> None:
    notify.escalations_send(_escalations(ids))


@db_task(retries=3, retry_delay=60)
def reminders_notify(ids: list[int]) -> None:
    notify.reminders_send(_escalations(ids))


@db_task(retries=3, retry_delay=60)
def sla_notify(event: str, clock: str, ticket_ids: list[int]) -> None:
    notify.sla_send(
        event, clock, Ticket.objects.filter(pk__in=ticket_ids).select_related(*_TICKET_RELATED)
    )


@db_task(retries=3, retry_delay=60)
def vendor_reply_notify(*, escalation_id: int, entry_id: int, resumed: bool) -> None:
    notify.vendor_reply_send(escalation_id=escalation_id, entry_id=entry_id, resumed=resumed)
