"""What Sigap does about an outage: open its monitoring incident (one per outage, one
parent per mass outage), tell the customer before they ask, link their complaint to
it, and resolve it when the unit reports again."""

from __future__ import annotations

import logging

from django.conf import settings
from django.db import transaction
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from sigap.channels.services import automatic_send, reply_channel
from sigap.core.durations import duration_text
from sigap.core.errors import DomainError
from sigap.customers.models import Contact
from sigap.sla.choices import Level
from sigap.telematics.choices import Condition, GroupBy
from sigap.telematics.evidence import evidence_lines
from sigap.telematics.models import Outage, OutageGroup
from sigap.tickets.choices import OPEN_STATUSES, Channel, EntryKind, Kind, ResolutionCode, Via
from sigap.tickets.creation import cause_applies, ticket_intake
from sigap.tickets.models import Ticket
from sigap.tickets.selectors import category_by_code, cause_by_code
from sigap.tickets.services import ticket_resolve
from sigap.tickets.timeline import record_entry

log = logging.getLogger(__name__)

CATEGORY = "gps_unit.not_updating"
RECOVERED_CAUSE = "connection_lost"


def _when(moment) -> str:
    return formats.date_format(timezone.localtime(moment), "j M Y H:i")


def notice_contact(organisation_id: int | None) -> Contact | None:
    """Who at the customer hears about their units: whoever asked for status updates,
    else their first verified contact."""
    if organisation_id is None:
        return None
    return (
        Contact.objects.filter(organisation_id=organisation_id, is_verified=True)
        .order_by("-status_updates", "created_at", "id")
        .first()
    )


def _route(contact: Contact | None) -> tuple[str, str] | None:
    from sigap.channels.whatsapp.services import whatsapp_number

    if contact is None:
        return None
    if whatsapp_number(contact):
        return Channel.WHATSAPP, whatsapp_number(contact)
    if contact.email:
        return Channel.EMAIL, contact.email
    return None


def _tell(ticket: Ticket, body: str, route: tuple[str, str] | None) -> None:
    if route is not None:
        automatic_send(ticket=ticket, route=route, body=body)


def _title(outage: Outage, plate: str) -> str:
    values = {"plate": plate, "at": _when(outage.started_at)}
    if outage.condition == Condition.GPS_STALE:
        return _("%(plate)s: no valid GPS fix since %(at)s") % values
    if outage.condition == Condition.CLOCK_ERROR:
        return _("%(plate)s: unit reporting with a wrong clock") % values
    return _("%(plate)s: unit not reporting since %(at)s") % values


def next_step(cause_code: str | None) -> str:
    """What happens next, as the customer reads it."""
    steps = {
        "driver_disconnected": _(
            "The unit lost its power just before it went silent: please check with the "
            "driver that its cable is connected."
        ),
        "blank_spot": _(
            "The unit keeps its positions while out of coverage and sends them when the "
            "signal returns."
        ),
        "carrier_outage": _("The mobile operator's network is down; we are following it up."),
        "old_device": _("The unit is an old type; a technician will contact you to replace it."),
        "firmware_upgrade": _("The unit needs a firmware upgrade; we will arrange it."),
        "clock_error": _("We will correct the unit's clock settings."),
    }
    return steps.get(cause_code or "", _("Our technicians are checking the unit."))


def _notice(outage: Outage, ticket: Ticket) -> str:
    plate = outage.unit.vehicle.plate if outage.unit.vehicle_id else outage.unit.imei
    return "\n\n".join(
        [
            _(
                "Sigap noticed that the GPS unit in %(plate)s stopped reporting at %(at)s. "
                "We are handling it as %(number)s; you do not need to report it."
            )
            % {"plate": plate, "at": _when(outage.started_at), "number": ticket.number},
            next_step(outage.cause.code if outage.cause_id else None),
            _("We will tell you when it reports again."),
        ]
    )


def _group_ticket(group: OutageGroup) -> Ticket:
    if group.ticket_id:
        return group.ticket
    units = group.outages.count()
    with translation.override(settings.LANGUAGE_CODE):
        values = {"units": units, "key": group.key}
        title = (
            _("%(units)d units silent in area %(key)s")
            if group.group_by == GroupBy.AREA
            else _("%(units)d units silent on operator %(key)s")
        ) % values
    intake = ticket_intake(
        kind=Kind.INCIDENT,
        title=title,
        category=category_by_code(CATEGORY),
        cause=group.cause,
        channel=Channel.MONITORING,
        external_ref=f"outage-group:{group.pk}",
        impact=Level.HIGH,
        urgency=Level.HIGH,
    )
    OutageGroup.objects.filter(pk=group.pk).update(ticket=intake.ticket)
    group.ticket = intake.ticket
    return intake.ticket


@transaction.atomic
def outage_incident_open(outage: Outage) -> Ticket | None:
    """Open the outage's incident (once: its id is the incident's sender id), under its
    mass outage's incident, and tell the customer."""
    outage = (
        Outage.objects.select_for_update(of=("self",))
        .select_related("unit__vehicle", "cause", "group")
        .get(pk=outage.pk)
    )
    if outage.ticket_id or outage.ended_at:
        return outage.ticket
    unit = outage.unit
    vehicle = unit.vehicle
    contact = notice_contact(vehicle.organisation_id if vehicle else None)
    with translation.override(settings.LANGUAGE_CODE):
        title = _title(outage, vehicle.plate if vehicle else unit.imei)
        description = "\n".join(evidence_lines(outage))
    intake = ticket_intake(
        kind=Kind.INCIDENT,
        title=title,
        description=description,
        category=category_by_code(CATEGORY),
        cause=outage.cause,
        channel=Channel.MONITORING,
        external_ref=f"outage:{outage.pk}",
        unit=unit,
        vehicle=vehicle,
        contact=contact,
        organisation=vehicle.organisation if vehicle else None,
        vehicles=1,
        moving=unit.state.ignition if hasattr(unit, "state") else None,
    )
    ticket = intake.ticket
    outage.ticket = ticket
    outage.save(update_fields=["ticket"])
    if outage.group_id:
        parent = _group_ticket(outage.group)
        Ticket.objects.filter(pk=ticket.pk).update(parent=parent)
        ticket.parent = parent
    if intake.created and contact is not None:
        with translation.override(contact.language):
            _tell(ticket, _notice(outage, ticket), _route(contact))
    _complaints_adopt(ticket)
    return ticket


def group_link(group: OutageGroup) -> None:
    """Put the incidents of a mass outage's units under its own incident."""
    parent = _group_ticket(group)
    for outage in group.outages.filter(ticket__isnull=False).exclude(ticket__parent=parent):
        Ticket.objects.filter(pk=outage.ticket_id).update(parent=parent)
        record_entry(
            outage.ticket,
            kind=EntryKind.CHANGE,
            by=None,
            via=Via.MONITORING,
            changes={"parent": [None, parent.number]},
            body="\n".join(evidence_lines(outage)),
        )


def _recovery_text(outage: Outage, ticket: Ticket) -> str:
    plate = outage.unit.vehicle.plate if outage.unit.vehicle_id else outage.unit.imei
    return _(
        "The GPS unit in %(plate)s is reporting again since %(at)s; it was silent for "
        "%(downtime)s. %(number)s is resolved."
    ) % {
        "plate": plate,
        "at": _when(outage.ended_at),
        "downtime": duration_text(outage.downtime),
        "number": ticket.number,
    }


@transaction.atomic
def outage_resolve(outage: Outage) -> Ticket | None:
    """The unit reported a valid fix again: resolve its incident with the downtime, tell
    the customer, and end its mass outage when it was the last one silent."""
    outage = Outage.objects.select_related("unit__vehicle", "cause", "ticket", "group").get(
        pk=outage.pk
    )
    ticket = outage.ticket
    if ticket is not None and ticket.status in OPEN_STATUSES:
        cause = ticket.cause or outage.cause or cause_by_code(RECOVERED_CAUSE)
        with translation.override(settings.LANGUAGE_CODE):
            summary = _(
                "The unit reported a valid position again at %(at)s after %(downtime)s of silence."
            ) % {"at": _when(outage.ended_at), "downtime": duration_text(outage.downtime)}
        ticket = ticket_resolve(
            ticket=ticket,
            by=None,
            resolution_code=ResolutionCode.UNIT_RECOVERED,
            summary=summary,
            cause=cause,
            via=Via.MONITORING,
        )
        contact = ticket.contact
        if contact is not None:
            with translation.override(contact.language):
                _tell(ticket, _recovery_text(outage, ticket), _route(contact))
    group = outage.group
    if group is not None and not group.outages.filter(ended_at__isnull=True).exists():
        OutageGroup.objects.filter(pk=group.pk).update(ended_at=outage.ended_at)
        if group.ticket_id and group.ticket.status in OPEN_STATUSES:
            with translation.override(settings.LANGUAGE_CODE):
                summary = _("Every unit of this outage reports again.")
            ticket_resolve(
                ticket=group.ticket,
                by=None,
                resolution_code=ResolutionCode.UNIT_RECOVERED,
                summary=summary,
                cause=group.ticket.cause or cause_by_code(RECOVERED_CAUSE),
                via=Via.MONITORING,
            )
    return ticket


def children_resolve(parent: Ticket) -> int:
    """A resolved monitoring incident resolves what hangs under it: its units' incidents
    and the complaints linked to it, each with its own entry, and tells each customer
    who complained through the channel they used."""
    done = 0
    for child in parent.children.filter(status__in=OPEN_STATUSES).select_related("contact"):
        cause = (
            parent.cause
            if parent.cause_id and cause_applies(cause=parent.cause, category=child.category)
            else child.cause
        )
        try:
            resolved = ticket_resolve(
                ticket=child,
                by=None,
                resolution_code=parent.resolution_code,
                summary=parent.resolution_summary,
                cause=cause,
                via=Via.SYSTEM,
            )
        except DomainError as refusal:
            log.warning("%s left open under %s: %s", child.number, parent.number, refusal.message)
            continue
        done += 1
        if resolved.channel != Channel.MONITORING and resolved.contact is not None:
            with translation.override(resolved.contact.language):
                body = _("%(number)s is resolved: %(summary)s") % {
                    "number": resolved.number,
                    "summary": parent.resolution_summary,
                }
                _tell(resolved, body, reply_channel(resolved))
    return done


def _open_monitoring(unit_ids: list[int]) -> Ticket | None:
    outage = (
        Outage.objects.filter(
            unit_id__in=unit_ids, ended_at__isnull=True, ticket__status__in=OPEN_STATUSES
        )
        .select_related("ticket")
        .order_by("started_at")
        .first()
    )
    return outage.ticket if outage else None


def complaint_link(ticket: Ticket) -> Ticket | None:
    """A customer's incident about a vehicle whose unit monitoring already saw go
    silent goes under the monitoring incident instead of being worked twice."""
    if ticket.kind != Kind.INCIDENT or ticket.channel == Channel.MONITORING or ticket.parent_id:
        return None
    if ticket.unit_id:
        unit_ids = [ticket.unit_id]
    elif ticket.vehicle_id:
        unit_ids = list(ticket.vehicle.units.values_list("pk", flat=True))
    else:
        return None
    monitoring = _open_monitoring(unit_ids)
    if monitoring is None:
        return None
    _link(ticket, monitoring)
    return monitoring


def _link(complaint: Ticket, monitoring: Ticket) -> None:
    Ticket.objects.filter(pk=complaint.pk).update(parent=monitoring)
    complaint.parent = monitoring
    with translation.override(settings.LANGUAGE_CODE):
        body = _("Unit monitoring already saw this unit go silent: see %(number)s.") % {
            "number": monitoring.number
        }
    record_entry(
        complaint,
        kind=EntryKind.CHANGE,
        by=None,
        via=Via.MONITORING,
        body=body,
        changes={"parent": [None, monitoring.number]},
    )


def _complaints_adopt(monitoring: Ticket) -> None:
    """Complaints about the unit logged before monitoring saw it go quiet."""
    if monitoring.vehicle_id is None:
        return
    complaints = Ticket.objects.filter(
        kind=Kind.INCIDENT,
        status__in=OPEN_STATUSES,
        parent__isnull=True,
        vehicle_id=monitoring.vehicle_id,
        category=monitoring.category,
    ).exclude(channel=Channel.MONITORING)
    for complaint in complaints:
        _link(complaint, monitoring)


def on_ticket_logged(sender, *, ticket: Ticket, **kwargs) -> None:
    complaint_link(ticket)


def on_status_changed(sender, *, ticket_id: int, status: str, **kwargs) -> None:
    if status != "resolved":
        return
    parent = Ticket.objects.filter(pk=ticket_id, channel=Channel.MONITORING).first()
    if parent is not None:
        children_resolve(parent)


def scan_follow_up(scan) -> None:
    """After a scan's commit: the incidents of outages still without one (this scan's,
    and any a failed run left), mass outages' parents, and the recovered units'
    resolutions. Each step is idempotent, so a rerun is harmless."""
    waiting = Outage.objects.filter(ended_at__isnull=True, ticket__isnull=True).order_by("pk")
    for outage in waiting:
        outage_incident_open(outage)
    for group in OutageGroup.objects.filter(pk__in=scan.group_ids):
        with transaction.atomic():
            group_link(group)
    for outage in Outage.objects.filter(pk__in=scan.ended_ids):
        outage_resolve(outage)
