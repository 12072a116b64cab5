"""Writes of the WhatsApp channel: an agent's reply to the customer."""

from __future__ import annotations

import re

from django.utils.translation import gettext as _

from sigap.accounts.models import User
from sigap.channels.models import Message
from sigap.channels.services import message_send
from sigap.core.errors import ValidationFailed
from sigap.customers.models import Contact
from sigap.tickets.choices import Channel
from sigap.tickets.models import Ticket


def whatsapp_number(contact: Contact | None) -> str:
    """Where WhatsApp reaches the contact: their WhatsApp id, else their phone's digits."""
    if contact is None:
        return ""
    return contact.whatsapp_id or re.sub(r"\D", "", contact.phone or "")


def whatsapp_reply(*, ticket: Ticket, by: User | None, body: str) -> Message:
    """Queue `body` to the ticket's contact by WhatsApp and put it on the timeline; it
    is sent after the commit (as text or, outside the 24-hour window, as a template)."""
    recipient = whatsapp_number(ticket.contact)
    if not recipient:
        raise ValidationFailed(
            _("%(number)s has no contact with a WhatsApp number.") % {"number": ticket.number},
            fields={"contact": _("No WhatsApp number.")},
        )
    return message_send(
        ticket=ticket, channel=Channel.WHATSAPP, body=body, by=by, recipient=recipient
    )
