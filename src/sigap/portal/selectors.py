"""Reads for the portal, on top of the ticket selectors: always what the user may see.

The portal shows the customer's view of a ticket to everyone, staff included: the
public timeline and the files on it, never internal notes.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext as _

from sigap.accounts.models import User
from sigap.channels.choices import Direction
from sigap.customers.models import Vehicle
from sigap.customers.selectors import vehicle_list
from sigap.tickets.choices import EntryKind, Via
from sigap.tickets.models import Attachment, Category, Entry, Ticket
from sigap.tickets.selectors import ticket_timeline


def portal_vehicles(*, user: User) -> QuerySet[Vehicle]:
    """The active vehicles of the user's organisation."""
    return vehicle_list(user=user).filter(is_active=True).order_by("plate")


def incident_categories() -> QuerySet[Category]:
    """The categories a customer picks from to report a problem: active leaves for incidents."""
    return (
        Category.objects.filter(is_active=True, parent__isnull=False, kind__in=["incident", "both"])
        .select_related("parent")
        .order_by("parent__code", "code")
    )


@dataclass
class TimelineRow:
    entry: Entry
    author: str
    attachments: list[Attachment] = field(default_factory=list)


# Channels a customer writes through: an entry from one without a user is the customer's.
CUSTOMER_VIA = frozenset({Via.EMAIL, Via.WHATSAPP, Via.PORTAL})


def _author(entry: Entry, ticket: Ticket) -> str:
    actor = entry.actor
    if actor is not None:
        if actor.organisation_id is not None:  # a customer's own account
            return actor.get_full_name() or actor.get_username()
        return _("Support team")
    try:
        message = entry.message
    except ObjectDoesNotExist:
        message = None
    if message is not None and message.direction == Direction.IN and message.contact is not None:
        return message.contact.name
    if entry.kind == EntryKind.CREATED and entry.via in CUSTOMER_VIA and ticket.contact_id:
        return ticket.contact.name
    if entry.via in (Via.SYSTEM, Via.MONITORING):
        return _("Sigap")
    return _("Support team")


def portal_timeline(*, user: User, ticket: Ticket) -> list[TimelineRow]:
    """The public timeline with who wrote each entry and the files it carries, in a
    fixed number of queries whatever its length."""
    entries = (
        ticket_timeline(user=user, ticket=ticket)
        .filter(public=True)
        .select_related("actor", "message__contact")
        .prefetch_related(
            Prefetch("attachments", queryset=Attachment.objects.order_by("created_at", "id"))
        )
    )
    return [TimelineRow(e, _author(e, ticket), list(e.attachments.all())) for e in entries]
