"""Taking one mail in, whichever way it came (IMAP, the `mail-in` pipe, the hook).

`take` parses the bytes, keeps what cannot be parsed in the quarantine, decides what
kind of mail it is (`loops`), which ticket it continues (`threading`), who sent it,
and stores it through `channels.services.message_receive`, with the raw message
beside the entry as `message.eml`. A person's mail that opens a ticket is then
acknowledged (`outbound.acknowledge`, by a task queued on commit); nothing automatic
ever is.

The same mail delivered twice (by the same or another way) is stored once: its
Message-ID is unique per mailbox. A mail with no Message-ID gets one derived from its
bytes, so a retry of it is recognised too.
"""

from __future__ import annotations

import logging
import re

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from sigap.accounts.models import User
from sigap.channels.choices import Delivery, Direction
from sigap.channels.email.loops import Loop, bounce_record, classify
from sigap.channels.email.parser import ParsedMail, ParseError, parse
from sigap.channels.email.tasks import acknowledge_message
from sigap.channels.email.threading import by_headers, by_tag, thread_for
from sigap.channels.models import Message
from sigap.channels.services import Inbound, Received, message_receive, quarantine_store
from sigap.core import clock
from sigap.core.env import ConfigError
from sigap.customers.models import Contact
from sigap.customers.services import contact_for_email
from sigap.tickets.attachments import AttachmentIn, attachment_store
from sigap.tickets.choices import Channel, EntryKind, Status, Via
from sigap.tickets.models import Ticket
from sigap.tickets.services import ticket_comment

log = logging.getLogger(__name__)

RAW_NAME = "message.eml"
_ADDRESS = re.compile(r"^[^@\s]+@[^@\s]+$")


class Refused(Exception):
    """A mail that cannot be taken in. It is kept in the quarantine (`quarantine_id`)
    for an operator to look at and replay."""

    def __init__(self, reason: str, *, quarantine_id: int | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.quarantine_id = quarantine_id


def take(raw: bytes, *, source: str, mailbox: str) -> Received | None:
    """Take one raw mail in at `mailbox` (Sigap's receiving address). Returns what was
    stored (`duplicate` when it had been before), or None for mail that is not
    stored: Sigap's own, or a bounce of Sigap's own mail (recorded on the mail it
    returns). Raises `Refused` for a mail that cannot be parsed, after quarantining it;
    database errors propagate, so the caller can ask its sender to retry."""
    mailbox = _mailbox(mailbox)
    try:
        mail = parse(raw)
    except ParseError as exc:
        item = quarantine_store(
            channel=Channel.EMAIL, source=f"{mailbox} via {source}", raw=raw, error=exc.reason
        )
        raise Refused(exc.reason, quarantine_id=item.pk) from exc
    return take_parsed(mail, mailbox=mailbox)


def replay(raw: bytes, source: str) -> Message | None:
    """Take a quarantined mail in again (see `channels.services.REPLAYERS`). Raises the
    reason it is still refused; None when it is taken in but not stored as a message
    (Sigap's own mail, a bounce recorded on the mail it returns)."""
    mailbox = _mailbox_of(source)
    received = take_parsed(parse(raw), mailbox=mailbox)
    return received.message if received is not None else None


def take_parsed(mail: ParsedMail, *, mailbox: str) -> Received | None:
    # One look-up for both: stored before at this mailbox, or sent by Sigap itself.
    known = list(
        Message.objects.filter(channel=Channel.EMAIL, external_id=mail.message_id).values_list(
            "pk", "direction", "mailbox"
        )[:20]
    )
    for pk, direction, at in known:
        if direction == Direction.IN and at == mailbox:
            return Received(Message.objects.select_related("ticket").get(pk=pk), duplicate=True)
    loop = classify(mail, mailbox=mailbox)
    if loop.own or any(direction == Direction.OUT for _pk, direction, _at in known):
        log.info("not taken in: %s is Sigap's own mail", mail.message_id)
        return None
    if loop.bounce is not None:
        if bounce_record(loop.bounce):
            log.info("bounce of %s recorded", loop.bounce.original_id)
            return None
        return _store_automatic(mail, mailbox=mailbox, loop=loop, contact=None, ticket=None)
    if loop.auto_reply:
        # A machine answering for someone away: no new contact, no change of state.
        contact = Contact.objects.filter(email__iexact=mail.from_address).first()
        ticket = by_headers(mail) or (
            by_tag(mail.subject, contact=contact) if contact is not None else None
        )
        return _store_automatic(mail, mailbox=mailbox, loop=loop, contact=contact, ticket=ticket)

    contact = contact_for_email(address=mail.from_address, name=mail.from_name)
    inbound = Inbound(
        channel=Channel.EMAIL,
        mailbox=mailbox,
        external_id=mail.message_id,
        contact=contact,
        body=mail.text,
        subject=mail.subject,
        sender=mail.from_address,
        recipient=", ".join(mail.to) or mailbox,
        in_reply_to=mail.in_reply_to,
        references=" ".join(mail.references),
        attachments=(AttachmentIn(RAW_NAME, "message/rfc822", mail.raw), *mail.attachments),
        by=_customer_user(contact),
    )
    received = message_receive(inbound, ticket=thread_for(mail, contact=contact))
    if not received.duplicate and _opened_ticket(received) and not loop.automatic:
        # A task writes the acknowledgement after the commit: the mail is stored whatever
        # happens to it, and taking mail in does not wait for it.
        message_id = received.message.pk
        transaction.on_commit(lambda: acknowledge_message(message_id))
    return received


def _mailbox_of(source: str) -> str:
    """The receiving address of a quarantined mail: `take` records "<address> via
    <source>"; the IMAP poller records its mailbox's source."""
    from sigap.channels.email.imap import configured_mailboxes

    head, via, _how = source.partition(" via ")
    if via and _ADDRESS.match(head):
        return _mailbox(head)
    try:
        for box in configured_mailboxes():
            if box.source == source:
                return _mailbox(box.address)
    except ConfigError:
        pass
    return _mailbox("")


def _mailbox(mailbox: str) -> str:
    return (mailbox or settings.SIGAP_SUPPORT_EMAIL).strip().lower()


def _customer_user(contact: Contact) -> User | None:
    """The customer's account, so the timeline names them; never a staff account,
    whose public comment would count as the desk's first response."""
    try:
        user = contact.user  # loaded with the contact (contact_for_email)
    except User.DoesNotExist:
        return None
    return user if user.is_active and not user.is_support_staff else None


def _opened_ticket(received: Received) -> bool:
    entry = received.message.entry
    return entry is not None and entry.kind == EntryKind.CREATED


def _store_automatic(
    mail: ParsedMail,
    *,
    mailbox: str,
    loop: Loop,
    contact: Contact | None,
    ticket: Ticket | None,
) -> Received:
    """Store an auto-reply or an unmatched bounce without acting on it: an internal
    note on the ticket it threads onto (while that takes comments), otherwise a
    message on no ticket. Never reopens, resumes or opens a ticket."""
    try:
        with transaction.atomic():
            entry = None
            if ticket is not None and ticket.status not in (Status.CLOSED, Status.CANCELLED):
                note = _("Automatic reply from %(sender)s (%(why)s):") % {
                    "sender": mail.from_address,
                    "why": ", ".join(loop.reasons),
                }
                entry = ticket_comment(
                    ticket=ticket,
                    by=None,
                    body=f"{note}\n\n{mail.text or mail.subject}".strip(),
                    public=False,
                    via=Via.EMAIL,
                )
            now = clock.now()
            message = Message.objects.create(
                direction=Direction.IN,
                channel=Channel.EMAIL,
                mailbox=mailbox,
                external_id=mail.message_id,
                ticket=ticket,
                entry=entry,
                contact=contact,
                sender=mail.from_address[:320],
                recipient=(", ".join(mail.to) or mailbox)[:320],
                subject=mail.subject[:255],
                body=mail.text,
                in_reply_to=mail.in_reply_to[:255],
                references=" ".join(mail.references),
                language=contact.language if contact is not None else settings.LANGUAGE_CODE,
                status=Delivery.RECEIVED,
                created_at=now,
                status_at=now,
            )
            if ticket is not None:
                attachment_store(
                    ticket=ticket,
                    entry=entry,
                    item=AttachmentIn(RAW_NAME, "message/rfc822", mail.raw),
                )
    except IntegrityError:
        # The same mail, delivered twice at once, was stored by the other delivery.
        message = Message.objects.get(
            channel=Channel.EMAIL, mailbox=mailbox, external_id=mail.message_id
        )
        return Received(message, duplicate=True)
    log.info("automatic mail %s stored (%s)", mail.message_id, ", ".join(loop.reasons))
    return Received(message, duplicate=False)
