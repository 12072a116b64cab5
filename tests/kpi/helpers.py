"""What the monthly report's tests share: tickets with their clocks set exactly."""

from __future__ import annotations

import datetime as dt

from sigap.tickets.models import Category, Ticket
from tests.desk.helpers import at
from tests.factories import TicketFactory

WIB = dt.timezone(dt.timedelta(hours=7))
APRIL = dt.datetime(2022, 4, 20, 9, 0, tzinfo=WIB)  # outside every March clock


def wib(month: int, day: int, hour: int = 9, minute: int = 0) -> dt.datetime:
    return dt.datetime(2022, month, day, hour, minute, tzinfo=WIB)


def ticket(code: str = "gps_unit.not_updating", kind: str = "incident", **fields) -> Ticket:
    """A ticket logged on 1 February 2022, then given exactly `fields` (its clocks
    pushed out of March unless given)."""
    with at(wib(2, 1)):
        made = TicketFactory(kind=kind, category=Category.objects.get(code=code))
    fields = {"response_due_at": APRIL, "resolve_due_at": APRIL, **fields}
    Ticket.objects.filter(pk=made.pk).update(**fields)
    return made


def log(moment: dt.datetime, code: str, kind: str = "incident") -> Ticket:
    with at(moment):
        return TicketFactory(kind=kind, category=Category.objects.get(code=code))
