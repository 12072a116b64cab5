from __future__ import annotations

from typing import Any

from django.db import transaction

from sigap.accounts.models import User
from sigap.customers.services import contact_for_phone
from sigap.tickets import creation
from sigap.tickets import services as tickets
from sigap.tickets.choices import Channel
from sigap.tickets.models import Entry, Ticket


@transaction.atomic
def call_log(
    *,
    by: User,
    phone: str,
    summary: str,
    ticket: Ticket | None = None,
    name: str = "",
    **new_ticket: Any,
) -> Entry:
    """Log a call: on `ticket`, or on a new ticket made from `new_ticket` (kind, title,
    category, ...) for the caller. A caller the desk does not know becomes an
    unverified contact. The call is the ticket's first response when none came before."""
    if ticket is None:
        contact = contact_for_phone(phone=phone, name=name)
        ticket, _entry = creation.ticket_log(
            channel=Channel.PHONE, contact=contact, by=by, **new_ticket
        )
    return tickets.ticket_call(ticket=ticket, by=by, summary=summary)
