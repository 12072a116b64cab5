"""Which ticket a mail continues, if any.

In this order:
1. its In-Reply-To, then its References (the most recent first), against the
   Message-ID of every e-mail Sigap has stored or sent, in any mailbox. A Message-ID
   is known only to those who received the mail, so a match is trusted whoever
   replies (a colleague the customer copied in, for instance);
2. a ticket tag in the subject, `[INC-000123]` or `[REQ-000123]`. Anyone can type a
   tag, so it is only followed to a ticket of the sender's own organisation (or,
   for a sender not yet placed in one, a ticket they are the contact of); a tag
   naming someone else's ticket opens a new ticket instead, and says nothing about
   the other one;
3. otherwise none: the mail opens a new ticket.
"""

from __future__ import annotations

import re

from sigap.channels.email.parser import ParsedMail
from sigap.channels.models import Message
from sigap.customers.models import Contact
from sigap.tickets.choices import Channel
from sigap.tickets.models import Ticket

TAG = re.compile(r"\[\s*(INC|REQ)-(\d{1,12})\s*\]", re.IGNORECASE)


def thread_for(mail: ParsedMail, *, contact: Contact) -> Ticket | None:
    return by_headers(mail) or by_tag(mail.subject, contact=contact)


def by_headers(mail: ParsedMail) -> Ticket | None:
    ids = list(dict.fromkeys(filter(None, [mail.in_reply_to, *reversed(mail.references)])))
    if not ids:
        return None
    found = dict(
        Message.objects.filter(
            channel=Channel.EMAIL, external_id__in=ids[:100], ticket__isnull=False
        ).values_list("external_id", "ticket_id")
    )
    for message_id in ids:
        if message_id in found:
            return Ticket.objects.filter(pk=found[message_id]).first()
    return None


def by_tag(subject: str, *, contact: Contact) -> Ticket | None:
    for prefix, digits in TAG.findall(subject or ""):
        number = f"{prefix.upper()}-{int(digits):06d}"
        ticket = Ticket.objects.filter(number=number).first()
        if ticket is not None and _may_continue(ticket, contact):
            return ticket
    return None


def _may_continue(ticket: Ticket, contact: Contact) -> bool:
    if ticket.contact_id == contact.pk:
        return True
    return contact.organisation_id is not None and ticket.organisation_id == (
        contact.organisation_id
    )
