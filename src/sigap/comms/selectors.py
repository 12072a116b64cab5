"""Reads of surveys and broadcasts: who a broadcast reaches, and how far it got.

Everything here is a few set-based queries; no loop over contacts or deliveries.

**Reached** (`REACHED`): a WhatsApp message counts once WhatsApp reports it
*delivered* or *read*. E-mail has no delivery report: a mail the server accepted
(*sent*) counts as reached unless a bounce came back and marked it *failed*
(`channels.email.loops.bounce_record`). A mail written to the outbox because no server
is configured is *sent* too, so it counts; the message's error says it never left.
A contact counts as reached when any of their deliveries of the broadcast reached
them, and the share is over the contacts the broadcast was addressed to.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from sigap.channels.choices import Delivery
from sigap.comms.models import Broadcast, BroadcastDelivery
from sigap.customers.models import Contact, Unit
from sigap.tickets.choices import Channel

REACHED = Q(channel=Channel.WHATSAPP, message__status__in=(Delivery.DELIVERED, Delivery.READ)) | Q(
    channel=Channel.EMAIL,
    message__status__in=(Delivery.SENT, Delivery.DELIVERED, Delivery.READ),
)
HAS_EMAIL = ~Q(email="")
HAS_WHATSAPP = ~Q(whatsapp_id="") | ~Q(phone="")
_NON_DIGITS = re.compile(r"\D")


def broadcast_segment(broadcast: Broadcast) -> QuerySet[Contact]:
    """The contacts in the broadcast's segment, whatever their addresses: verified
    contacts of active organisations of the tier, in the region, with an installed
    unit of the device model (each only when the broadcast names it)."""
    contacts = Contact.objects.filter(organisation__is_active=True, is_verified=True)
    if broadcast.tier:
        contacts = contacts.filter(organisation__tier=broadcast.tier)
    if broadcast.region:
        contacts = contacts.filter(organisation__region__iexact=broadcast.region.strip())
    if broadcast.device_model_id:
        units = Unit.objects.filter(
            device_model_id=broadcast.device_model_id,
            vehicle__organisation=OuterRef("organisation_id"),
            vehicle__is_active=True,
            removed_on__isnull=True,
        )
        contacts = contacts.filter(Exists(units))
    return contacts


def _reachable(broadcast: Broadcast) -> dict[str, Q]:
    by_channel = {Channel.EMAIL: HAS_EMAIL, Channel.WHATSAPP: HAS_WHATSAPP}
    return {channel: by_channel[channel] for channel in broadcast.channel_list}


def broadcast_recipients(broadcast: Broadcast) -> QuerySet[Contact]:
    """The contacts the broadcast goes to: its segment, with an address on one of its
    channels."""
    either = Q(pk__in=[])
    for condition in _reachable(broadcast).values():
        either |= condition
    return broadcast_segment(broadcast).filter(either)


@dataclass(frozen=True)
class Preview:
    contacts: int  # reached on at least one of the chosen channels
    email: int
    whatsapp: int
    without_address: int  # in the segment, but with no address on a chosen channel


def broadcast_preview(broadcast: Broadcast) -> Preview:
    """How many the broadcast would go to now (one aggregate query); works for a
    broadcast not saved yet."""
    reachable = _reachable(broadcast)
    either = Q(pk__in=[])
    for condition in reachable.values():
        either |= condition
    totals = broadcast_segment(broadcast).aggregate(
        segment=Count("id"),
        contacts=Count("id", filter=either),
        email=Count("id", filter=reachable.get(Channel.EMAIL, Q(pk__in=[]))),
        whatsapp=Count("id", filter=reachable.get(Channel.WHATSAPP, Q(pk__in=[]))),
    )
    return Preview(
        contacts=totals["contacts"],
        email=totals["email"],
        whatsapp=totals["whatsapp"],
        without_address=totals["segment"] - totals["contacts"],
    )


def whatsapp_address(whatsapp_id: str, phone: str) -> str:
    """As `channels.whatsapp.services.whatsapp_number`, from the two columns."""
    return whatsapp_id or _NON_DIGITS.sub("", phone or "")


@dataclass(frozen=True)
class Reach:
    """How far a broadcast (or several) got."""

    deliveries: int
    waiting: int  # not yet made a message (its batch has not come)
    queued: int
    sent: int
    delivered: int
    read: int
    failed: int
    contacts: int  # contacts it was addressed to
    reached: int  # of them, reached on at least one channel

    @property
    def share(self) -> Decimal | None:
        """The percentage of contacts reached, to two places; None with none addressed."""
        if not self.contacts:
            return None
        value = Decimal(self.reached) * 100 / Decimal(self.contacts)
        return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _reach_aggregates() -> dict[str, Count]:
    by_status = {
        status: Count("id", filter=Q(message__status=status))
        for status in (
            Delivery.QUEUED,
            Delivery.SENT,
            Delivery.DELIVERED,
            Delivery.READ,
            Delivery.FAILED,
        )
    }
    return {
        "deliveries": Count("id"),
        "waiting": Count("id", filter=Q(message__isnull=True)),
        **by_status,
        "contacts": Count("contact", distinct=True),
        "reached": Count("contact", distinct=True, filter=REACHED),
    }


def _reach(row: dict) -> Reach:
    return Reach(**{field: row.get(field) or 0 for field in Reach.__dataclass_fields__})


def broadcast_reach(broadcast: Broadcast) -> Reach:
    return _reach(
        BroadcastDelivery.objects.filter(broadcast=broadcast).aggregate(**_reach_aggregates())
    )


def broadcasts_reach(broadcasts: QuerySet[Broadcast]) -> dict[int, Reach]:
    """The reach of each of the broadcasts, by id: one grouped query."""
    rows = (
        BroadcastDelivery.objects.filter(broadcast__in=broadcasts)
        .values("broadcast_id")
        .annotate(**_reach_aggregates())
        .order_by("broadcast_id")
    )
    return {row["broadcast_id"]: _reach(row) for row in rows}
