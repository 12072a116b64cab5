"""Taking a customer's message in, and queueing the desk's messages out, on any channel.

A channel package parses what arrived into an `Inbound`, decides which ticket it
threads onto (or none), and calls `message_receive`. Everything after that is the
same for e-mail, WhatsApp and the portal: deduplication by the sender's id, a new
ticket or an entry on the existing one, reopening a resolved ticket, a follow-up for
a closed one, attachments, and the `Message` row. Outbound messages are rows queued by
`message_send` and delivered by `tasks.message_deliver` once the transaction commits.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.utils import translation
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from sigap.accounts.models import User
from sigap.channels.choices import DELIVERY_ORDER, Delivery, Direction
from sigap.channels.models import Message, Quarantine
from sigap.core import clock
from sigap.core.errors import ValidationFailed
from sigap.customers.models import Contact
from sigap.tickets import creation
from sigap.tickets import services as tickets
from sigap.tickets.attachments import AttachmentIn, attachment_prepare, attachment_store
from sigap.tickets.choices import Channel, Kind, PendingReason, Status, Via
from sigap.tickets.models import Attachment, Entry, Ticket
from sigap.tickets.selectors import category_by_code

# Where a message that opens a ticket lands until an agent categorises it.
INTAKE_CATEGORY = "other.general"


@dataclass(frozen=True)
class Inbound:
    """One customer message as a channel parsed it."""

    channel: str  # a tickets.choices.Channel value
    mailbox: str  # Sigap's address or number that took it
    external_id: str  # the sender's own id: Message-ID, WhatsApp message id
    contact: Contact
    body: str
    subject: str = ""
    sender: str = ""
    recipient: str = ""
    in_reply_to: str = ""
    references: str = ""
    attachments: Sequence[AttachmentIn] = field(default_factory=tuple)
    by: User | None = None  # the customer's user account, when they have one


@dataclass(frozen=True)
class Received:
    message: Message
    duplicate: bool  # True: this message was stored before, nothing changed now

    @property
    def ticket(self) -> Ticket:
        return self.message.ticket


def message_receive(inbound: Inbound, *, ticket: Ticket | None) -> Received:
    """Store `inbound` on `ticket` (what the channel threaded it onto) or a new ticket.

    A message stored before (same channel, mailbox and sender's id) changes nothing.
    On a resolved ticket the message reopens it; on a pending-customer one it resumes
    it; on a closed or cancelled one it opens a new ticket that follows up the old.
    """
    # No look-up first: the unique constraint on the sender's id is the check, and a
    # repeat (rare) costs a rolled-back savepoint instead of every message a query.
    # Files are written before the transaction, so the write lock is not held for them.
    files = [attachment_prepare(item) for item in inbound.attachments]
    try:
        with transaction.atomic():
            return Received(_receive(inbound, ticket, files), duplicate=False)
    except IntegrityError:
        # Stored before, by an earlier delivery or a concurrent one that committed first.
        existing = _stored(inbound)
        if existing is None:
            raise
        return Received(existing, duplicate=True)


def _stored(inbound: Inbound) -> Message | None:
    return (
        Message.objects.select_related("ticket")
        .filter(channel=inbound.channel, mailbox=inbound.mailbox, external_id=inbound.external_id)
        .first()
    )


def _receive(inbound: Inbound, ticket: Ticket | None, files: list[Attachment]) -> Message:
    # The ticket's status is as the channel just read it; the services below re-read it
    # under a lock and refuse a move it no longer allows, so a race fails loudly (and
    # the sender retries) instead of reopening or commenting wrongly.
    now = clock.now()
    if ticket is not None and ticket.status in (Status.CLOSED, Status.CANCELLED):
        ticket, entry = _open(inbound, follow_up_of=ticket)
    elif ticket is not None:
        if ticket.status == Status.RESOLVED:
            ticket = tickets.ticket_reopen(
                ticket=ticket,
                by=inbound.by,
                via=inbound.channel,
                reason=_("The customer replied to the resolved ticket."),
            )
        elif ticket.status == Status.PENDING and ticket.pending_reason == PendingReason.CUSTOMER:
            ticket = tickets.ticket_resume(ticket=ticket, by=inbound.by, via=inbound.channel)
        entry = tickets.ticket_comment(
            ticket=ticket, by=inbound.by, body=inbound.body or "-", public=True, via=inbound.channel
        )
    else:
        ticket, entry = _open(inbound, follow_up_of=None)
    message = Message.objects.create(
        direction=Direction.IN,
        channel=inbound.channel,
        mailbox=inbound.mailbox,
        external_id=inbound.external_id,
        ticket=ticket,
        entry=entry,
        contact=inbound.contact,
        sender=inbound.sender[:320],
        recipient=inbound.recipient[:320],
        subject=inbound.subject[:255],
        body=inbound.body,
        in_reply_to=inbound.in_reply_to[:255],
        references=inbound.references,
        language=inbound.contact.language,
        status=Delivery.RECEIVED,
        created_at=now,
        status_at=now,
    )
    for attachment in files:
        attachment_store(ticket=ticket, entry=entry, item=attachment)
    return message


def _open(inbound: Inbound, *, follow_up_of: Ticket | None) -> tuple[Ticket, Entry]:
    title = inbound.subject.strip() or inbound.body.strip().split("\n", 1)[0]
    ticket, entry = creation.ticket_log(
        kind=follow_up_of.kind if follow_up_of else Kind.INCIDENT,
        title=title[:200] or _("Message from %(who)s") % {"who": inbound.contact},
        description=inbound.body,
        category=follow_up_of.category if follow_up_of else category_by_code(INTAKE_CATEGORY),
        channel=inbound.channel,
        contact=inbound.contact,
        by=inbound.by,
        follow_up_of=follow_up_of,
    )
    return ticket, entry


def message_send(
    *,
    ticket: Ticket,
    channel: str,
    body: str,
    by: User | None,
    recipient: str,
    subject: str = "",
    automatic: bool = False,
    template: str = "",
) -> Message:
    """Queue a message to the ticket's customer and put it on the timeline; a task
    delivers it after the commit. An automatic one (an acknowledgement) is sent by
    Sigap and is not the ticket's first response."""
    with transaction.atomic():
        entry = tickets.ticket_comment(
            ticket=ticket,
            by=None if automatic else by,
            body=body,
            public=True,
            via=Via.SYSTEM if automatic else channel,
        )
        previous = (
            Message.objects.filter(ticket=ticket, channel=channel, external_id__isnull=False)
            .order_by("-created_at", "-id")
            .values_list("external_id", "references")
            .first()
        )
        references = ""
        in_reply_to = ""
        if previous is not None:
            in_reply_to = previous[0]
            references = " ".join(filter(None, [previous[1], previous[0]]))
        now = clock.now()
        language = ticket.contact.language if ticket.contact_id else translation.get_language()
        message = Message.objects.create(
            direction=Direction.OUT,
            channel=channel,
            ticket=ticket,
            entry=entry,
            contact=ticket.contact,
            recipient=recipient[:320],
            subject=subject[:255],
            body=body,
            in_reply_to=in_reply_to[:255],
            references=references,
            language=language or "id",
            automatic=automatic,
            template=template,
            status=Delivery.QUEUED,
            created_at=now,
            status_at=now,
        )
        from sigap.channels.tasks import message_deliver

        # After the commit, by id: the task reloads the row, and a rollback sends nothing.
        transaction.on_commit(lambda: message_deliver(message.pk))
    return message


def message_status(*, message: Message, status: str, error: str = "") -> bool:
    """Record a delivery report. Reports arrive out of order; one that would move the
    message back (delivered after read) changes nothing. Returns whether it changed."""
    with transaction.atomic():
        message = Message.objects.select_for_update().get(pk=message.pk)
        if DELIVERY_ORDER.get(Delivery(status), -1) <= DELIVERY_ORDER.get(
            Delivery(message.status), -1
        ):
            return False
        message.status = status
        message.status_at = clock.now()
        fields = ["status", "status_at"]
        if error:
            message.error = error
            fields.append("error")
        if status == Delivery.SENT and message.sent_at is None:
            message.sent_at = message.status_at
            fields.append("sent_at")
        message.save(update_fields=fields)
    return True


def automatic_send(*, ticket: Ticket, route: tuple[str, str], body: str) -> Message:
    """Sigap's own message to the ticket's customer, by (channel, address); by e-mail
    under the ticket's number and title, so a reply threads back to it."""
    channel, address = route
    subject = f"[{ticket.number}] {ticket.title}" if channel == Channel.EMAIL else ""
    return message_send(
        ticket=ticket,
        channel=channel,
        body=body,
        by=None,
        recipient=address,
        subject=subject,
        automatic=True,
    )


def retry_delay(attempts: int) -> timedelta:
    """Back off 1, 2, 4 ... minutes between delivery attempts, at most an hour."""
    return timedelta(minutes=min(60, 2 ** max(0, attempts - 1)))


def quarantine_store(*, channel: str, source: str, raw: bytes, error: str) -> Quarantine:
    """Keep a message that could not be taken in, whole, for an operator to replay."""
    return Quarantine.objects.create(
        channel=channel, source=source[:255], raw=raw, error=error, received_at=clock.now()
    )


# What takes a quarantined message in again, per channel: a function of (raw, source)
# that returns the stored Message or raises with the reason it is still refused.
REPLAYERS = {
    Channel.EMAIL: "sigap.channels.email.intake.replay",
    Channel.WHATSAPP: "sigap.channels.whatsapp.intake.replay",
}


def quarantine_replay(*, item: Quarantine) -> bool:
    """Take a quarantined message in again; True when it is now stored."""
    try:
        message = import_string(REPLAYERS[Channel(item.channel)])(bytes(item.raw), item.source)
    except Exception as exc:  # any reason at all stays on the row for the operator
        Quarantine.objects.filter(pk=item.pk).update(error=f"{type(exc).__name__}: {exc}")
        return False
    Quarantine.objects.filter(pk=item.pk).update(replayed_at=clock.now(), message=message)
    return True


def reply_channel(ticket: Ticket) -> tuple[str, str] | None:
    """The channel and address a reply to this ticket's customer goes out by: the one
    their last message came through, else the ticket's own; None when the customer
    reads replies in the portal (or has no address on that channel)."""
    last = (
        # A call is not where the customer reads: a written reply follows their last
        # written message.
        Message.objects.filter(ticket=ticket, direction=Direction.IN)
        .exclude(channel=Channel.PHONE)
        .order_by("-created_at", "-id")
        .values_list("channel", "sender")
        .first()
    )
    channel = last[0] if last else ticket.channel
    contact = ticket.contact
    if channel == Channel.EMAIL:
        address = (contact.email if contact else "") or (last[1] if last else "")
    elif channel == Channel.WHATSAPP:
        from sigap.channels.whatsapp.services import whatsapp_number  # it imports this module

        address = whatsapp_number(contact)
    else:
        return None
    return (channel, address) if address else None


@dataclass(frozen=True)
class ReplyRoutes:
    """Where a reply can reach the ticket's customer: `usual` is where it goes unless
    the agent chooses (None: they read it on the ticket, in the portal), `all` every
    (channel, address) they can be written to, the usual one first."""

    usual: tuple[str, str] | None
    all: list[tuple[str, str]]


def reply_routes(ticket: Ticket) -> ReplyRoutes:
    from sigap.channels.whatsapp.services import whatsapp_number  # it imports this module

    usual = reply_channel(ticket)
    routes = [usual] if usual else []
    contact = ticket.contact
    if contact is not None:
        for channel, address in (
            (Channel.EMAIL, contact.email),
            (Channel.WHATSAPP, whatsapp_number(contact)),
        ):
            if address and all(channel != known for known, _address in routes):
                routes.append((channel, address))
    return ReplyRoutes(usual, routes)


def reply_to_customer(
    *, ticket: Ticket, by: User, body: str, via: str = Via.DESK, channel: str | None = None
) -> Entry:
    """A public reply, sent to the customer through the channel they used, or through
    `channel` when the agent chose another of `reply_routes`; a portal or phone
    customer reads it on the ticket. Returns the timeline entry."""
    if channel:
        route = next((r for r in reply_routes(ticket).all if r[0] == channel), None)
        if route is None:
            raise ValidationFailed(
                _("The customer of %(number)s cannot be reached by %(channel)s.")
                % {"number": ticket.number, "channel": Channel(channel).label},
                fields={"channel": channel},
            )
    else:
        route = reply_channel(ticket)
    if route is None:
        return tickets.ticket_comment(ticket=ticket, by=by, body=body, public=True, via=via)
    channel, address = route
    subject = f"[{ticket.number}] {ticket.title}" if channel == Channel.EMAIL else ""
    return message_send(
        ticket=ticket, channel=channel, body=body, by=by, recipient=address, subject=subject
    ).entry
