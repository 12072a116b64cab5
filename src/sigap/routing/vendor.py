"""Third line without an account: the vendor's signed link.

A ticket escalated to a vendor group is e-mailed to the vendor with a link that carries
the escalation's id, signed and timestamped (`vendor_link`). Whoever holds the link sees
what the vendor needs of that one ticket, never the customer's contact details, and may
reply and say their part is done (`vendor_reply`). The link is the only key, so it is
checked on every request (`vendor_escalation`) and expires after
`SIGAP_VENDOR_LINK_DAYS`; the desk's reminders carry a fresh one.

A reply is an internal entry on the ticket's timeline, never shown to the customer. The
desk hears of it by e-mail after the commit.
"""

from __future__ import annotations

import uuid
from datetime import timedelta
from functools import partial

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from sigap.core import clock
from sigap.core.errors import Forbidden, InvalidTransition, ValidationFailed
from sigap.routing.choices import EscalationKind
from sigap.routing.models import Escalation
from sigap.tickets.choices import EntryKind, PendingReason, Status, Via
from sigap.tickets.models import Entry, Ticket
from sigap.tickets.services import ticket_resume
from sigap.tickets.timeline import record_entry

SALT = "sigap.vendor-escalation"
TEXT_LIMIT = 5000
FINAL_STATUSES = frozenset({Status.RESOLVED, Status.CLOSED, Status.CANCELLED})

# What the vendor's page shows of a ticket; the contact and organisation are left out.
_SUMMARY_RELATED = (
    "to_group",
    "ticket__category",
    "ticket__vehicle",
    "ticket__unit__device_model",
)


class VendorLinkRefused(Forbidden):
    """The link is not (or no longer) a key to a vendor escalation."""

    code = "vendor_link_refused"


def _signer() -> signing.TimestampSigner:
    return signing.TimestampSigner(salt=SALT)


def vendor_link(escalation: Escalation) -> str:
    """The link the vendor follows to reply on `escalation`; valid for
    SIGAP_VENDOR_LINK_DAYS days from now."""
    return f"{settings.SIGAP_BASE_URL}/vendor/{_signer().sign(str(escalation.pk))}/"


def vendor_escalation(token: str) -> Escalation:
    """The vendor escalation a link's token opens, or VendorLinkRefused saying why not."""
    max_age = timedelta(days=settings.SIGAP_VENDOR_LINK_DAYS)
    try:
        value = _signer().unsign(token, max_age=max_age)
    except signing.SignatureExpired:
        raise VendorLinkRefused(
            _(
                "This link has expired: links are valid for %(days)s days. Please ask the "
                "service desk for a new link."
            )
            % {"days": settings.SIGAP_VENDOR_LINK_DAYS}
        ) from None
    except signing.BadSignature:
        raise VendorLinkRefused(_bad_link()) from None
    escalation = (
        Escalation.objects.select_related(*_SUMMARY_RELATED).filter(pk=int(value)).first()
        if value.isdigit()
        else None
    )
    if escalation is None or escalation.kind != EscalationKind.VENDOR:
        raise VendorLinkRefused(_bad_link())
    return escalation


def _bad_link() -> str:
    return _(
        "This link is not valid. Please open the whole link from the service desk's "
        "e-mail, or ask the service desk for a new link."
    )


def vendor_reply_refusal(escalation: Escalation) -> str | None:
    """Why the vendor can no longer reply on `escalation` (one sentence on the
    ticket's state), or None when they can."""
    ticket = escalation.ticket
    if ticket.status in FINAL_STATUSES:
        return _("%(number)s is closed.") % {"number": ticket.number}
    if escalation.ended_at is not None:
        return _("%(number)s is no longer with %(group)s.") % {
            "number": ticket.number,
            "group": escalation.to_group.name,
        }
    return None


def vendor_replies(escalation: Escalation) -> QuerySet[Entry]:
    """What the vendor group wrote on the escalation's ticket through its links: the
    only entries of the timeline the vendor's page shows."""
    return Entry.objects.filter(
        ticket_id=escalation.ticket_id,
        kind=EntryKind.COMMENT,
        via=Via.VENDOR,
        changes__vendor__1=escalation.to_group.code,
    ).order_by("at", "id")


@transaction.atomic
def vendor_reply(
    *,
    escalation: Escalation,
    body: str,
    done: bool,
    submission: uuid.UUID | None = None,
) -> Entry:
    """The vendor's reply on the escalation's ticket, as an internal entry. The first
    reply acknowledges the escalation (the reminders stop); `done` stamps the vendor's
    part done and resumes a ticket that waits for the vendor, so its resolution clock
    runs again. The form's `submission` id makes a repeated post return the entry the
    first one wrote."""
    body = (body or "").strip()
    if not body:
        raise ValidationFailed(_("Write your reply first."), fields={"body": _("Required.")})
    if len(body) > TEXT_LIMIT:
        raise ValidationFailed(
            _("The reply is too long."),
            fields={"body": _("At most %(n)s characters.") % {"n": TEXT_LIMIT}},
        )
    # The ticket before the escalation: ticket_resolve and ticket_cancel lock the ticket,
    # then end its escalations, so taking them in the same order cannot deadlock with
    # them. With both held, a repeated submission checked here cannot slip in twice.
    ticket = Ticket.objects.select_for_update(of=("self",)).get(pk=escalation.ticket_id)
    escalation = (
        Escalation.objects.select_for_update(of=("self",))
        .select_related("to_group")
        .get(pk=escalation.pk)
    )
    escalation.ticket = ticket
    if submission is not None:
        earlier = Entry.objects.filter(
            ticket=ticket, via=Via.VENDOR, changes__submission__1=str(submission)
        ).first()
        if earlier is not None:
            return earlier
    refusal = vendor_reply_refusal(escalation)
    if refusal is not None:
        raise InvalidTransition(
            " ".join(
                [
                    refusal,
                    _(
                        "Your reply was not taken. If there is more to tell, please "
                        "contact the service desk."
                    ),
                ]
            )
        )

    now = clock.now()
    group = escalation.to_group.code
    changes: dict[str, list] = {"vendor": [None, group]}
    if submission is not None:
        changes["submission"] = [None, str(submission)]
    updated: list[str] = []
    if escalation.acknowledged_at is None:  # no account: acknowledged_by stays empty
        escalation.acknowledged_at = now
        escalation.next_reminder_at = None
        updated += ["acknowledged_at", "next_reminder_at"]
        changes["acknowledged"] = [None, group]
    if done:
        changes["vendor_done"] = [False, True]
        if escalation.vendor_done_at is None:  # the first "done" is when their part was
            escalation.vendor_done_at = now
            updated.append("vendor_done_at")
    if updated:
        escalation.save(update_fields=updated)
    ticket.updated_at = now
    ticket.version += 1
    ticket.save(update_fields=["updated_at", "version"])
    entry = record_entry(
        ticket,
        kind=EntryKind.COMMENT,
        by=None,
        via=Via.VENDOR,
        body=body,
        public=False,
        changes=changes,
    )
    resumed = (
        done and ticket.status == Status.PENDING and ticket.pending_reason == PendingReason.VENDOR
    )
    if resumed:
        ticket_resume(ticket=ticket, by=None, via=Via.VENDOR)
    # Mail is slow and may fail: queued after the commit, so a failure never undoes or
    # hides the reply the vendor already sent.
    transaction.on_commit(
        partial(_notify, escalation_id=escalation.pk, entry_id=entry.pk, resumed=resumed)
    )
    return entry


def _notify(**ids) -> None:
    from sigap.routing.tasks import vendor_reply_notify

    vendor_reply_notify(**ids)
