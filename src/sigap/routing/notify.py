"""Telling people by e-mail: the group an escalation reaches (its members, or the
group's own address; a vendor with a signed link), the assignee or group of a ticket
whose clock warns or breaches, and a group an unacknowledged escalation reminds.

Each recipient reads the message in their own language. The tasks in `tasks.py`
call these after the commit that caused them.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from sigap.accounts.models import User
from sigap.routing.choices import EscalationKind, EscalationReason
from sigap.routing.models import Escalation, SupportGroup
from sigap.sla.choices import Clock
from sigap.tickets.models import Entry, Ticket

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Recipient:
    address: str
    language: str


def group_recipients(group: SupportGroup | None) -> list[Recipient]:
    """The group's own address when it has one (a vendor, a shared mailbox), else
    its active members with an address."""
    if group is None:
        return []
    if group.email:
        return [Recipient(group.email, settings.LANGUAGE_CODE)]
    return [
        Recipient(u.email, u.language)
        for u in group.members.filter(is_active=True).exclude(email="")
    ]


def person(user: User | None) -> Recipient | None:
    """A staff member as a recipient: active, with an address, not a vendor's account."""
    if user is None or not user.is_active or not user.email or user.is_vendor:
        return None
    return Recipient(user.email, user.language or settings.LANGUAGE_CODE)


def _ticket_recipients(ticket: Ticket) -> list[Recipient]:
    assignee = person(ticket.assignee)
    return [assignee] if assignee else group_recipients(ticket.support_group)


def send(messages: Iterable[tuple[Recipient, str, str]]) -> int:
    """Send (recipient, subject, body) as one batch over one connection."""
    batch = [
        EmailMessage(subject=subject, body=body, to=[recipient.address])
        for recipient, subject, body in messages
    ]
    if not batch:
        return 0
    with get_connection() as connection:
        return connection.send_messages(batch) or 0


def _summary(ticket: Ticket) -> str:
    lines = [
        f"{ticket.number} {ticket.title}",
        _("Category: %(category)s") % {"category": ticket.category.name},
        _("Priority: %(priority)s") % {"priority": ticket.get_priority_display()},
    ]
    if ticket.vehicle_id:
        lines.append(_("Vehicle: %(plate)s") % {"plate": ticket.vehicle.plate})
    if ticket.unit_id:
        lines.append(_("GPS unit: %(imei)s") % {"imei": ticket.unit.imei})
    if ticket.description:
        lines += ["", ticket.description[:2000]]
    return "\n".join(lines)


def escalation_message(escalation: Escalation) -> tuple[str, str]:
    """The subject and body telling the receiving group of an escalation (in the
    active language)."""
    ticket = escalation.ticket
    reason = EscalationReason(escalation.reason).label
    subject = _("[%(number)s] Escalated to %(group)s: %(title)s") % {
        "number": ticket.number,
        "group": escalation.to_group.name,
        "title": ticket.title,
    }
    parts = [
        _("%(number)s is escalated to %(group)s (%(reason)s).")
        % {"number": ticket.number, "group": escalation.to_group.name, "reason": reason},
    ]
    if escalation.note:
        parts.append(escalation.note)
    parts.append(_summary(ticket))
    if escalation.kind == EscalationKind.VENDOR:
        from sigap.routing.vendor import vendor_link

        parts.append(
            _(
                "Reply and mark your part done here, no account needed:\n%(link)s\n"
                "The link is valid for %(days)s days."
            )
            % {"link": vendor_link(escalation), "days": settings.SIGAP_VENDOR_LINK_DAYS}
        )
    else:
        parts.append(_("Please acknowledge it in Sigap."))
    return subject, "\n\n".join(parts)


def escalations_send(escalations: Iterable[Escalation]) -> int:
    messages = []
    for escalation in escalations:
        for recipient in group_recipients(escalation.to_group):
            with translation.override(recipient.language):
                messages.append((recipient, *escalation_message(escalation)))
    return send(messages)


def reminders_send(escalations: Iterable[Escalation]) -> int:
    messages = []
    for escalation in escalations:
        ticket = escalation.ticket
        for recipient in group_recipients(escalation.to_group):
            with translation.override(recipient.language):
                subject = _("[%(number)s] Reminder %(count)s: escalation waits for you") % {
                    "number": ticket.number,
                    "count": escalation.reminders_sent,
                }
                body = "\n\n".join(
                    [
                        _(
                            "%(number)s was escalated to %(group)s and nobody has "
                            "acknowledged it yet."
                        )
                        % {"number": ticket.number, "group": escalation.to_group.name},
                        escalation_message(escalation)[1],
                    ]
                )
            messages.append((recipient, subject, body))
    return send(messages)


def sla_send(event: str, clock: str, tickets: Iterable[Ticket]) -> int:
    """A warning (most of a target used) or a breach, to each ticket's assignee, or
    its group when nobody has it."""
    messages = []
    for ticket in tickets:
        due = ticket.response_due_at if clock == Clock.RESPONSE else ticket.resolve_due_at
        for recipient in _ticket_recipients(ticket):
            with translation.override(recipient.language):
                target = Clock(clock).label.lower()
                when = timezone.localtime(due).strftime("%d-%m-%Y %H:%M") if due else "-"
                if event == "warning":
                    subject = _("[%(number)s] %(target)s due soon") % {
                        "number": ticket.number,
                        "target": Clock(clock).label,
                    }
                    lead = _(
                        "Most of the time for the %(target)s of %(number)s is used; it is due at %(due)s."
                    )
                else:
                    subject = _("[%(number)s] %(target)s is late") % {
                        "number": ticket.number,
                        "target": Clock(clock).label,
                    }
                    lead = _("The %(target)s of %(number)s was due at %(due)s and is late.")
                body = "\n\n".join(
                    [
                        lead % {"target": target, "number": ticket.number, "due": when},
                        _summary(ticket),
                    ]
                )
            messages.append((recipient, subject, body))
    return send(messages)


def desk_recipients(escalation: Escalation) -> list[Recipient]:
    """Who at the desk hears from the vendor: the ticket's assignee, else whoever
    escalated it, else the group that handed it over. Never the vendor group itself,
    which is the ticket's group while the vendor has it."""
    for user in (escalation.ticket.assignee, escalation.by):
        recipient = person(user)
        if recipient is not None:
            return [recipient]
    if escalation.from_group_id and escalation.from_group_id != escalation.to_group_id:
        return group_recipients(escalation.from_group)
    return []


def vendor_reply_message(escalation: Escalation, entry: Entry, *, resumed: bool) -> tuple[str, str]:
    """The subject and body telling the desk of a vendor's reply (in the active language)."""
    ticket = escalation.ticket
    names = {"number": ticket.number, "group": escalation.to_group.name, "title": ticket.title}
    if "vendor_done" in entry.changes:
        subject = _("[%(number)s] %(group)s has done its part: %(title)s") % names
        lead = _("%(group)s replied on %(number)s and says its part is done.") % names
    else:
        subject = _("[%(number)s] %(group)s replied: %(title)s") % names
        lead = _("%(group)s replied on %(number)s.") % names
    parts = [lead, entry.body]
    if resumed:
        parts.append(
            _(
                "The ticket was waiting for the vendor; it is in progress again and its "
                "resolution clock runs."
            )
        )
    parts.append(_("The reply is an internal entry on the ticket's timeline in Sigap."))
    return subject, "\n\n".join(parts)


def vendor_reply_send(*, escalation_id: int, entry_id: int, resumed: bool) -> int:
    """Tell the desk of a vendor's reply, each recipient in their own language."""
    escalation = Escalation.objects.select_related(
        "to_group", "from_group", "by", "ticket__assignee"
    ).get(pk=escalation_id)
    entry = Entry.objects.get(pk=entry_id)
    messages = []
    for recipient in desk_recipients(escalation):
        with translation.override(recipient.language):
            messages.append((recipient, *vendor_reply_message(escalation, entry, resumed=resumed)))
    if not messages:
        log.warning("vendor reply %s on escalation %s: nobody to tell", entry_id, escalation_id)
    return send(messages)
