"""Broadcasts: notices to all customers or a segment, by e-mail and WhatsApp.

A broadcast is written as a draft (`broadcast_create`), then sent now
(`broadcast_send`) or at its time (`broadcast_schedule`; the minute task
`tasks.broadcasts_minute` sends those that are due). Sending writes one
`BroadcastDelivery` per contact and channel in one INSERT (a unique constraint, so a
second run adds nothing) and queues the first batch. Each batch
(`broadcast_batch_send`) turns up to SIGAP_BROADCAST_PER_MINUTE deliveries into
messages and queues them, then schedules the next batch a minute later, so a
broadcast to many thousands does not flood the mail server or WhatsApp's rate
limits, nor hold the task queue. Each message is a `channels.Message` on no ticket,
delivered as every other message (outside WhatsApp's window, by the notice template).

A broadcast about an outage names the outage's ticket: unit tickets that its
recipients' organisations open within `OUTAGE_LINK_WINDOW` of the sending are linked
to the outage as their parent (`outage_link`, run by the same minute task).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.utils.translation import gettext as _

from sigap.accounts.models import User
from sigap.comms.choices import (
    BROADCAST_TRANSITIONS,
    BroadcastAction,
    BroadcastChannels,
    BroadcastKind,
    BroadcastStatus,
)
from sigap.comms.models import Broadcast, BroadcastDelivery
from sigap.comms.outbox import message_build, messages_queue
from sigap.comms.selectors import broadcast_recipients, broadcasts_reach, whatsapp_address
from sigap.core import clock
from sigap.core.errors import DomainError, InvalidTransition, ValidationFailed
from sigap.customers.choices import Tier
from sigap.customers.models import DeviceModel
from sigap.tickets.changes import ticket_link
from sigap.tickets.choices import OPEN_STATUSES, Channel, Status, Via
from sigap.tickets.models import Entry, Ticket

BATCH_EVERY = 60  # seconds between batches; each batch is SIGAP_BROADCAST_PER_MINUTE
OUTAGE_LINK_WINDOW = timedelta(hours=24)
# The link step runs every minute; a ticket logged in the window's last minute is
# still found by the runs in this margin after the window closed.
OUTAGE_LINK_GRACE = timedelta(hours=1)
OUTAGE_CATEGORY_PREFIX = "gps_unit."
SUBJECT_MAX = 200


def _locked(broadcast: Broadcast, action: BroadcastAction) -> Broadcast:
    fresh = Broadcast.objects.select_for_update().get(pk=broadcast.pk)
    sources, _target = BROADCAST_TRANSITIONS[action]
    if fresh.status not in sources:
        raise InvalidTransition(
            _("This broadcast is %(status)s; it cannot be %(action)s now.")
            % {
                "status": BroadcastStatus(fresh.status).label.lower(),
                "action": {
                    BroadcastAction.SCHEDULE: _("scheduled"),
                    BroadcastAction.SEND: _("sent"),
                    BroadcastAction.FINISH: _("finished"),
                    BroadcastAction.CANCEL: _("cancelled"),
                }[action],
            }
        )
    return fresh


def _move(broadcast: Broadcast, action: BroadcastAction, **updates) -> Broadcast:
    updates["status"] = BROADCAST_TRANSITIONS[action][1]
    for name, value in updates.items():
        setattr(broadcast, name, value)
    broadcast.save(update_fields=list(updates))
    return broadcast


def broadcast_create(
    *,
    by: User | None,
    kind: str,
    subject_id: str,
    subject_en: str,
    body_id: str,
    body_en: str,
    channels: str = BroadcastChannels.BOTH,
    tier: str = "",
    region: str = "",
    device_model: DeviceModel | None = None,
    scheduled_for: datetime | None = None,
    outage: Ticket | None = None,
) -> Broadcast:
    """A draft broadcast. Both languages are required: each contact reads theirs."""
    texts = {
        "subject_id": (subject_id or "").strip(),
        "subject_en": (subject_en or "").strip(),
        "body_id": (body_id or "").strip(),
        "body_en": (body_en or "").strip(),
    }
    errors = {name: _("Required.") for name, value in texts.items() if not value}
    errors |= {
        name: _("At most %(n)s characters.") % {"n": SUBJECT_MAX}
        for name in ("subject_id", "subject_en")
        if len(texts[name]) > SUBJECT_MAX
    }
    if kind not in BroadcastKind.values:
        errors["kind"] = _("Unknown kind of broadcast.")
    if channels not in BroadcastChannels.values:
        errors["channels"] = _("Choose e-mail, WhatsApp or both.")
    if tier and tier not in Tier.values:
        errors["tier"] = _("Unknown tier.")
    if outage is not None and outage.status in (Status.CLOSED, Status.CANCELLED):
        errors["outage"] = _("%(number)s is %(status)s; name the outage still being worked on.") % {
            "number": outage.number,
            "status": Status(outage.status).label.lower(),
        }
    if errors:
        raise ValidationFailed(_("The broadcast cannot be saved as given."), fields=errors)
    return Broadcast.objects.create(
        kind=kind,
        channels=channels,
        tier=tier,
        region=(region or "").strip(),
        device_model=device_model,
        scheduled_for=scheduled_for,
        outage=outage,
        created_by=by,
        created_at=clock.now(),
        **texts,
    )


@transaction.atomic
def broadcast_schedule(*, broadcast: Broadcast, by: User | None = None) -> Broadcast:
    """Send the draft at its `scheduled_for`, which must be in the future."""
    fresh = _locked(broadcast, BroadcastAction.SCHEDULE)
    if fresh.scheduled_for is None or fresh.scheduled_for <= clock.now():
        raise ValidationFailed(
            _("Give a time in the future to schedule the broadcast, or send it now."),
            fields={"scheduled_for": _("A time in the future.")},
        )
    return _move(fresh, BroadcastAction.SCHEDULE)


@transaction.atomic
def broadcast_send(*, broadcast: Broadcast, by: User | None = None) -> Broadcast:
    """Start sending: one delivery per recipient and channel, written in one INSERT
    that skips what exists (the unique constraint), and the first batch queued after
    the commit. The row lock makes two starts at once (the desk's button and the
    scheduled start) one: the second finds it sending and is refused."""
    fresh = _locked(broadcast, BroadcastAction.SEND)
    now = clock.now()
    BroadcastDelivery.objects.bulk_create(
        _deliveries(fresh, now), ignore_conflicts=True, batch_size=1000
    )
    targeted = BroadcastDelivery.objects.filter(broadcast=fresh).count()
    _move(fresh, BroadcastAction.SEND, started_at=now, targeted=targeted)
    broadcast_id = fresh.pk
    transaction.on_commit(lambda: _batch_task()(broadcast_id))
    return fresh


def _deliveries(broadcast: Broadcast, now: datetime) -> list[BroadcastDelivery]:
    """One unsaved delivery per recipient and channel with an address on it."""
    contacts = broadcast_recipients(broadcast).values_list(
        "pk", "email", "whatsapp_id", "phone", "language"
    )
    deliveries = []
    for pk, email, whatsapp_id, phone, language in contacts:
        for channel in broadcast.channel_list:
            if channel == Channel.EMAIL:
                address = email
            else:
                address = whatsapp_address(whatsapp_id, phone)
            if address:
                deliveries.append(
                    BroadcastDelivery(
                        broadcast=broadcast,
                        contact_id=pk,
                        channel=channel,
                        address=address,
                        language=language,
                        created_at=now,
                    )
                )
    return deliveries


@transaction.atomic
def broadcast_cancel(*, broadcast: Broadcast, by: User | None = None) -> Broadcast:
    """Stop the broadcast: a draft or scheduled one is never sent; one sending stops
    after the batch under way (what was queued already goes out)."""
    fresh = _locked(broadcast, BroadcastAction.CANCEL)
    return _move(fresh, BroadcastAction.CANCEL, cancelled_at=clock.now())


def _batch_task():
    from sigap.comms.tasks import broadcast_batch

    return broadcast_batch


def _text(broadcast: Broadcast, delivery: BroadcastDelivery) -> dict[str, str]:
    subject = broadcast.subject_in(delivery.language)
    body = broadcast.body_in(delivery.language)
    if delivery.channel == Channel.EMAIL:
        return {"subject": subject, "body": body}
    return {"body": f"*{subject}*\n\n{body}"}  # WhatsApp's bold for the subject line


def broadcast_batch_send(*, broadcast_id: int) -> tuple[int, bool]:
    """Turn the next SIGAP_BROADCAST_PER_MINUTE deliveries into queued messages.
    Returns how many, and whether more are waiting (the caller schedules the next
    batch). The broadcast's row lock keeps two workers with the same task from making
    two messages of one delivery."""
    with transaction.atomic():
        broadcast = Broadcast.objects.select_for_update().filter(pk=broadcast_id).first()
        if broadcast is None or broadcast.status != BroadcastStatus.SENDING:
            return 0, False  # cancelled, finished by another worker, or never committed
        batch = list(
            BroadcastDelivery.objects.filter(broadcast=broadcast, message__isnull=True)
            .select_related("contact")
            .order_by("id")[: settings.SIGAP_BROADCAST_PER_MINUTE]
        )
        messages = messages_queue(
            message_build(
                channel=delivery.channel,
                recipient=delivery.address,
                language=delivery.language,
                contact=delivery.contact,
                **_text(broadcast, delivery),
            )
            for delivery in batch
        )
        for delivery, message in zip(batch, messages, strict=True):
            delivery.message = message
        BroadcastDelivery.objects.bulk_update(batch, ["message"], batch_size=1000)
        more = BroadcastDelivery.objects.filter(broadcast=broadcast, message__isnull=True).exists()
        if not more:
            _move(broadcast, BroadcastAction.FINISH, finished_at=clock.now())
    return len(batch), more


# WhatsApp stops trying to deliver a message after 30 days, and a bounce comes back
# within days: after this, no delivery report can change a broadcast's reach.
REACH_FINAL_AFTER = timedelta(days=30)


def broadcasts_reach_keep() -> int:
    """Count, once, the reach of the broadcasts finished long enough ago that it can
    no longer change, and keep it on them (one grouped query); how many."""
    settled = Broadcast.objects.filter(
        status__in=(BroadcastStatus.SENT, BroadcastStatus.CANCELLED),
        started_at__isnull=False,
        started_at__lt=clock.now() - REACH_FINAL_AFTER,
        reach_final_at__isnull=True,
    )
    reach = broadcasts_reach(settled)
    now = clock.now()
    kept = [
        Broadcast(pk=pk, final_contacts=r.contacts, final_reached=r.reached, reach_final_at=now)
        for pk, r in reach.items()
    ]
    Broadcast.objects.bulk_update(
        kept, ["final_contacts", "final_reached", "reach_final_at"], batch_size=500
    )
    return len(kept)


def broadcasts_start_due() -> int:
    """Start the scheduled broadcasts whose time has come; how many started."""
    due = Broadcast.objects.filter(
        status=BroadcastStatus.SCHEDULED, scheduled_for__lte=clock.now()
    ).values_list("pk", flat=True)
    started = 0
    for pk in list(due):
        try:
            broadcast_send(broadcast=Broadcast(pk=pk))
        except InvalidTransition:
            continue  # cancelled, or started by another run, since it was read
        started += 1
    return started


def outage_broadcasts() -> QuerySet[Broadcast]:
    """Broadcasts about an outage still being worked on, sent recently enough that
    their recipients' new tickets may be about it."""
    since = clock.now() - OUTAGE_LINK_WINDOW - OUTAGE_LINK_GRACE
    return Broadcast.objects.filter(
        outage__isnull=False,
        outage__status__in=OPEN_STATUSES,
        started_at__gte=since,
        status__in=(BroadcastStatus.SENDING, BroadcastStatus.SENT),
    ).select_related("outage")


def outage_candidates(broadcast: Broadcast) -> QuerySet[Ticket]:
    """Open unit tickets of the recipients' organisations, logged within the window
    after the broadcast went out, part of nothing yet, and never linked or unlinked by
    anyone (an agent who took one out of the outage has the last word)."""
    organisations = BroadcastDelivery.objects.filter(broadcast=broadcast).values(
        "contact__organisation_id"
    )
    linked_before = Entry.objects.filter(ticket=OuterRef("pk"), action="link")
    return (
        Ticket.objects.filter(
            organisation_id__in=organisations,
            reported_at__gte=broadcast.started_at,
            reported_at__lt=broadcast.started_at + OUTAGE_LINK_WINDOW,
            parent__isnull=True,
            status__in=OPEN_STATUSES,
            category__code__startswith=OUTAGE_CATEGORY_PREFIX,
        )
        .exclude(pk=broadcast.outage_id)
        .exclude(Exists(linked_before))
        .order_by("reported_at", "id")
    )


def outage_link() -> int:
    """Link the tickets the outage broadcasts' recipients opened to the outage; how
    many. Each link is the ticket service's own change, with its timeline entry."""
    linked = 0
    for broadcast in outage_broadcasts():
        for ticket in outage_candidates(broadcast):
            try:
                ticket_link(ticket=ticket, by=None, parent=broadcast.outage, via=Via.SYSTEM)
            except DomainError:
                continue  # closed meanwhile, or the outage is part of this ticket
            linked += 1
    return linked
