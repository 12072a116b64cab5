"""Telling customers who opted in (`Contact.status_updates`) that their ticket is being
worked on or is resolved: through the channel they wrote in, in their language. A
portal customer sees it on the ticket page and gets no message. Closing and
cancelling are not told: the ticket takes no more messages then."""

from __future__ import annotations

from django.utils import translation
from django.utils.translation import gettext as _
from huey.contrib.djhuey import db_task

from sigap.channels.services import automatic_send, reply_channel
from sigap.tickets.choices import Status
from sigap.tickets.models import Ticket

TOLD = frozenset({Status.IN_PROGRESS, Status.RESOLVED})


def status_text(ticket: Ticket, status: str) -> str:
    """What the customer reads (in the active language)."""
    values = {"number": ticket.number, "title": ticket.title}
    if status == Status.IN_PROGRESS:
        return _("We are working on your ticket %(number)s (%(title)s).") % values
    if status == Status.RESOLVED:
        text = _("Your ticket %(number)s (%(title)s) is resolved.") % values
        if ticket.resolution_summary:
            text += "\n\n" + ticket.resolution_summary
        return text + "\n\n" + _("If the problem is still there, just reply to this message.")
    raise ValueError(f"customers are not told of {status}")


def on_status_changed(sender, *, ticket_id: int, status: str, **kwargs) -> None:
    if status in TOLD:
        status_notify(ticket_id, status)


@db_task(retries=3, retry_delay=60)
def status_notify(ticket_id: int, status: str) -> None:
    ticket = Ticket.objects.select_related("contact").filter(pk=ticket_id).first()
    if ticket is None or ticket.contact is None or not ticket.contact.status_updates:
        return
    if ticket.status != status:
        return  # it moved on before this ran; the next change tells
    route = reply_channel(ticket)
    if route is None:
        return
    with translation.override(ticket.contact.language):
        body = status_text(ticket, status)
        automatic_send(ticket=ticket, route=route, body=body)
