"""Canned replies: which ones a ticket is offered, and their text filled in for it.

The list is read by the agent, so its titles are in the agent's language; the text goes
to the customer, so it is in the customer's.
"""

from __future__ import annotations

import re

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import translation
from django.utils.translation import pgettext

from sigap.accounts.models import User
from sigap.channels.models import TEMPLATE_TOKEN, CannedReply
from sigap.tickets.models import Ticket


def canned_for(ticket: Ticket) -> QuerySet[CannedReply]:
    """The active replies for the ticket's category, its parent category, or any
    category, in their set order."""
    category = ticket.category
    ids = [category.pk] if category.parent_id is None else [category.pk, category.parent_id]
    return (
        CannedReply.objects.filter(is_active=True)
        .filter(Q(categories__in=ids) | Q(categories__isnull=True))
        # One row per reply, though it may name both the category and its parent.
        .distinct()
        .order_by("ordering", "id")
    )


def customer_language(ticket: Ticket) -> str:
    """The language the customer reads: their contact's preferred one, else the site's."""
    if ticket.contact_id is not None:
        return ticket.contact.language
    return settings.LANGUAGE_CODE


def canned_render(reply: CannedReply, *, ticket: Ticket, agent: User, language: str) -> str:
    """The reply's text in `language` ("id" or "en") with its placeholders filled in."""
    values = {
        "customer": _customer_name(ticket, language),
        "ticket": ticket.number or "",
        "plate": ticket.vehicle.plate if ticket.vehicle_id is not None else "",
        "agent": agent.get_full_name() or agent.get_username(),
    }
    return template_fill(reply.body_in(language), values)


def template_fill(text: str, values: dict[str, str]) -> str:
    """`text` with each {name} of `values` replaced and doubled braces made single.

    Never raises: the values are inserted as they are (a customer named "{agent}" stays
    so), and anything else in braces, which only a text saved past the model's checks
    can hold, is left as written.
    """

    def one(match: re.Match[str]) -> str:
        token, name = match.group(), match.group(1)
        if token in ("{{", "}}"):
            return token[0]
        if name in values:
            return values[name]
        return token

    return TEMPLATE_TOKEN.sub(one, text)


def _customer_name(ticket: Ticket, language: str) -> str:
    if ticket.contact_id is not None and ticket.contact.name:
        return ticket.contact.name
    if ticket.organisation_id is not None:
        return ticket.organisation.name
    with translation.override(language):
        return pgettext("how a canned reply addresses a customer without a name", "customer")
