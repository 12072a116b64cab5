"""A list of tickets read page by page in any of its orders gives every ticket once,
in that order, however many share a moment or a priority; a cursor of one order is
refused by another."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from sigap.core.errors import ValidationFailed
from sigap.tickets.choices import Sort
from sigap.tickets.models import Ticket
from sigap.tickets.selectors import SORT_KEYS, ticket_page
from tests.desk.helpers import at
from tests.factories import TicketFactory

START = datetime(2026, 11, 23, 9, 0, tzinfo=ZoneInfo("Asia/Jakarta"))
LEVELS = ["high", "medium", "low"]


@pytest.fixture
def tickets(db):
    made = []
    for n in range(13):
        # Pairs logged at the same moment; priorities and activity all mixed.
        with at(START + timedelta(minutes=n // 2)):
            made.append(TicketFactory(impact=LEVELS[n % 3], urgency=LEVELS[(n // 3) % 3]))
    for n, ticket in enumerate(made):
        Ticket.objects.filter(pk=ticket.pk).update(updated_at=START + timedelta(hours=(n * 7) % 5))
    return made


def expected(sort: str) -> list[int]:
    def key(t: Ticket):
        return tuple(
            -(getattr(t, f).timestamp() if f.endswith("_at") else getattr(t, f))
            if descending
            else (getattr(t, f).timestamp() if f.endswith("_at") else getattr(t, f))
            for f, descending in SORT_KEYS[sort]
        )

    return [t.pk for t in sorted(Ticket.objects.all(), key=key)]


@pytest.mark.parametrize("sort", Sort.values)
def test_paging_through_any_order_gives_every_ticket_once_in_that_order(tickets, sort):
    seen, cursor = [], None
    while True:
        page = ticket_page(Ticket.objects.all(), cursor=cursor, limit=4, sort=sort)
        seen += [t.pk for t in page.items]
        if page.next_cursor is None:
            break
        cursor = page.next_cursor
    assert seen == expected(sort)
    assert len(set(seen)) == len(tickets)


def test_a_cursor_of_one_order_is_refused_by_another(tickets):
    page = ticket_page(Ticket.objects.all(), cursor=None, limit=4, sort=Sort.PRIORITY)
    with pytest.raises(ValidationFailed):
        ticket_page(Ticket.objects.all(), cursor=page.next_cursor, limit=4, sort=Sort.NEWEST)
