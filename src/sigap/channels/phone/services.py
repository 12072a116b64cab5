from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction

from sigap.accounts.models import User
from sigap.channels.choices import Delivery, Direction
from sigap.channels.models import Message
from sigap.core import clock
from sigap.customers.models import Organisation
from sigap.customers.services import contact_for_phone
from sigap.tickets import creation
from sigap.tickets import services as tickets
from sigap.tickets.choices import Channel
from sigap.tickets.models import Entry, Ticket

# The "mailbox" of logged calls: their ids come from the client that logs them.
CALLS = "calls"


def call_log(
    *,
    by: User,
    phone: str,
    summary: str,
    ticket: Ticket | None = None,
    name: str = "",
    call_id: str | None = None,
    organisation: Organisation | None = None,
    **new_ticket: Any,
) -> tuple[Entry, bool]:
    """Log a call: on `ticket`, or on a new ticket made from `new_ticket` (kind, title,
    category, ...) for the caller. A caller the desk does not know becomes an
    unverified contact. The call is the ticket's first response when none came before.

    A caller the desk found by a plate or an IMEI but not by this number becomes a
    contact of that `organisation`, so the new ticket is the organisation's too.

    Returns the call's entry and whether it was logged now: a retry with the same
    `call_id` (the client's own id for the call) logs nothing and returns the first."""
    if call_id:
        logged = _logged(call_id)
        if logged is not None:
            return logged, False
    try:
        with transaction.atomic():
            return _log(by, phone, summary, ticket, name, call_id, organisation, new_ticket), True
    except IntegrityError:
        logged = _logged(call_id) if call_id else None
        if logged is None:
            raise
        return logged, False  # a concurrent retry committed first


def _logged(call_id: str) -> Entry | None:
    message = (
        Message.objects.select_related("entry__ticket")
        .filter(channel=Channel.PHONE, mailbox=CALLS, external_id=call_id)
        .first()
    )
    return message.entry if message is not None else None


def _log(by, phone, summary, ticket, name, call_id, organisation, new_ticket) -> Entry:
    if ticket is not None:
        contact = ticket.contact
    else:
        contact = contact_for_phone(phone=phone, name=name, organisation=organisation)
    if ticket is None:
        ticket, _entry = creation.ticket_log(
            channel=Channel.PHONE, contact=contact, by=by, **new_ticket
        )
    entry = tickets.ticket_call(ticket=ticket, by=by, summary=summary)
    now = clock.now()
    Message.objects.create(
        direction=Direction.IN,
        channel=Channel.PHONE,
        mailbox=CALLS,
        external_id=call_id or None,
        ticket=ticket,
        entry=entry,
        contact=contact,
        sender=phone,
        body=summary,
        status=Delivery.RECEIVED,
        created_at=now,
        status_at=now,
    )
    return entry
