"""What the desk sends by e-mail: the acknowledgement of a new ticket, and an agent's reply.

Both are queued through `channels.services.message_send`, so they are rows on the
ticket's timeline, delivered by a task after the commit (`transport.EmailTransport`).
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from sigap.accounts.models import User
from sigap.channels.choices import Direction
from sigap.channels.email.imap import configured_mailboxes
from sigap.channels.models import Message
from sigap.channels.services import Received, message_send
from sigap.core import clock
from sigap.core.env import ConfigError
from sigap.core.errors import ValidationFailed
from sigap.tickets.choices import Channel
from sigap.tickets.models import Ticket

logger = logging.getLogger(__name__)

# A responder that strips our headers and subject tag would open a new ticket with
# every answer to our acknowledgement; past this many a day to one address Sigap
# stops acknowledging it (RFC 3834 5.2: limit responses to the same sender).
ACKNOWLEDGEMENTS_PER_DAY = 10


def acknowledge(received: Received) -> Message | None:
    """Queue the acknowledgement of the ticket an e-mail just opened, in the contact's
    language: it names the ticket number and promises a response within 1 x 24 hours.

    It is automatic (`Auto-Submitted: auto-replied`) and not the ticket's first
    response. Returns None, sending nothing, for a message stored before, a ticket
    acknowledged already, a sender without an address, one of Sigap's own addresses,
    or a sender acknowledged too often today.
    """
    message = received.message
    ticket = received.ticket
    contact = message.contact
    if received.duplicate or ticket is None or contact is None:
        return None
    address = (contact.email or message.sender).strip().lower()
    if "@" not in address or _is_own_address(address, mailbox=message.mailbox):
        return None
    automatic = Message.objects.filter(direction=Direction.OUT, automatic=True)
    if automatic.filter(ticket=ticket).exists():
        return None  # acknowledged already
    since = clock.now() - timedelta(days=1)
    if (
        automatic.filter(recipient=address, created_at__gte=since).count()
        >= ACKNOWLEDGEMENTS_PER_DAY
    ):
        logger.warning("not acknowledging %s on %s: too many today", address, ticket.number)
        return None
    with translation.override(contact.language):
        body = _(
            "Dear %(name)s,\n\n"
            "Thank you for contacting us. We have received your message and recorded it "
            "as ticket %(number)s. We will respond within 1 x 24 hours.\n\n"
            "When you write to us about this matter, please keep [%(number)s] in the "
            "subject so that your message reaches the same ticket.\n\n"
            "This message was sent automatically."
        ) % {"name": contact.name, "number": ticket.number}
    return message_send(
        ticket=ticket,
        channel=Channel.EMAIL,
        body=body,
        by=None,
        recipient=address,
        automatic=True,
    )


def email_reply(*, ticket: Ticket, by: User, body: str) -> Message:
    """Queue an agent's reply to the ticket's contact, by e-mail. Threaded under the
    last message of the ticket; the first one is the ticket's first response."""
    address = ticket.contact.email.strip() if ticket.contact_id else ""
    if not address:
        raise ValidationFailed(
            _("%(number)s has no contact with an e-mail address to reply to.")
            % {"number": ticket.number},
            fields={"contact": _("An e-mail address is required.")},
        )
    return message_send(ticket=ticket, channel=Channel.EMAIL, body=body, by=by, recipient=address)


def _is_own_address(address: str, *, mailbox: str) -> bool:
    own = {settings.SIGAP_SUPPORT_EMAIL, mailbox}
    try:
        own.update(box.address for box in configured_mailboxes())
    except ConfigError:
        pass  # reported by the poller; it must not stop an acknowledgement
    return address.strip().lower() in {item.strip().lower() for item in own}
