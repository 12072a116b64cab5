"""The portal's writes: each submitted form is one call here, in one transaction.

Every form carries a fresh UUID in a hidden field. It is the sender's id of what the
form creates (the ticket's `external_ref`, the reply's `Message.external_id`), so a
form submitted twice (a double click, a reload after a timeout) is stored once.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from django.db import transaction
from django.utils.translation import gettext as _

from sigap.accounts.models import User
from sigap.channels.services import Inbound, Received, message_receive
from sigap.customers.models import Vehicle
from sigap.portal.choices import REQUESTS, RequestType
from sigap.tickets import creation
from sigap.tickets import services as tickets
from sigap.tickets.attachments import AttachmentIn, attachment_store
from sigap.tickets.choices import Channel, Kind, Via
from sigap.tickets.models import Category, Ticket
from sigap.tickets.selectors import category_by_code, cause_by_code

MAILBOX = "portal"


def _log(
    *,
    user: User,
    submission: uuid.UUID,
    kind: str,
    title: str,
    category: Category,
    description: str,
    vehicle: Vehicle | None,
    documents: Sequence[AttachmentIn],
    cause_code: str | None = None,
    scope: str | None = None,
    moving: bool | None = None,
) -> Ticket:
    with transaction.atomic():
        intake = creation.ticket_intake(
            channel=Channel.PORTAL,
            external_ref=str(submission),
            kind=kind,
            title=title,
            category=category,
            cause=cause_by_code(cause_code) if cause_code else None,
            description=description,
            organisation=user.organisation,
            contact=user.contact,
            vehicle=vehicle,
            scope=scope,
            moving=moving,
            by=user,
        )
        if intake.created:  # a repeated submission stored its files the first time
            for item in documents:
                attachment_store(ticket=intake.ticket, entry=intake.entry, item=item)
    return intake.ticket


def portal_report_problem(
    *,
    user: User,
    submission: uuid.UUID,
    category: Category,
    vehicle: Vehicle | None,
    description: str,
    documents: Sequence[AttachmentIn] = (),
    scope: str | None = None,
    moving: bool | None = None,
) -> Ticket:
    """Log an incident the customer reported, with how much of the fleet it touches
    and whether the vehicle is moving, from which Sigap proposes its priority."""
    title = f"{category.name} - {vehicle.plate}" if vehicle else category.name
    return _log(
        user=user,
        submission=submission,
        kind=Kind.INCIDENT,
        title=title,
        category=category,
        description=description,
        vehicle=vehicle,
        documents=documents,
        scope=scope,
        moving=moving,
    )


def portal_request_change(
    *,
    user: User,
    submission: uuid.UUID,
    request_type: RequestType,
    vehicle: Vehicle | None,
    description: str,
    new_plate: str = "",
    documents: Sequence[AttachmentIn] = (),
) -> Ticket:
    """Log a request the customer made."""
    spec = REQUESTS[request_type]
    title = str(request_type.label)
    if vehicle is not None and new_plate:
        title = _("%(request)s: %(old)s to %(new)s") % {
            "request": title,
            "old": vehicle.plate,
            "new": new_plate,
        }
        description = "\n\n".join(
            filter(None, [_("New plate: %(plate)s") % {"plate": new_plate}, description])
        )
    elif vehicle is not None:
        title = f"{title} - {vehicle.plate}"
    return _log(
        user=user,
        submission=submission,
        kind=Kind.REQUEST,
        title=title,
        category=category_by_code(spec.category),
        cause_code=spec.cause,
        description=description,
        vehicle=vehicle,
        documents=documents,
    )


def portal_reply(
    *,
    user: User,
    ticket: Ticket,
    submission: uuid.UUID,
    body: str,
    documents: Sequence[AttachmentIn] = (),
) -> Received:
    """The customer's reply on `ticket`, taken in like a message on any channel: it
    reopens a resolved ticket, resumes one waiting for the customer, and on a closed
    one opens a follow-up ticket."""
    inbound = Inbound(
        channel=Channel.PORTAL,
        mailbox=MAILBOX,
        external_id=str(submission),
        contact=user.contact,
        body=body,
        sender=user.email,
        attachments=tuple(documents),
        by=user,
    )
    return message_receive(inbound, ticket=ticket)


def portal_confirm(*, user: User, ticket: Ticket, expected_version: int | None) -> Ticket:
    """The customer confirms the resolution: the ticket closes."""
    return tickets.ticket_close(
        ticket=ticket, by=user, via=Via.PORTAL, expected_version=expected_version
    )


def portal_reopen(
    *, user: User, ticket: Ticket, reason: str, expected_version: int | None
) -> Ticket:
    return tickets.ticket_reopen(
        ticket=ticket, by=user, reason=reason, via=Via.PORTAL, expected_version=expected_version
    )
