"""Ticket vocabularies and the one state machine every transition checks."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    INCIDENT = "incident", _("Incident")
    REQUEST = "request", _("Request")


class CategoryKind(models.TextChoices):
    INCIDENT = "incident", _("Incidents")
    REQUEST = "request", _("Requests")
    BOTH = "both", _("Incidents and requests")


NUMBER_PREFIX = {Kind.INCIDENT: "INC", Kind.REQUEST: "REQ"}


class Channel(models.TextChoices):
    """How the ticket reached the desk."""

    EMAIL = "email", _("E-mail")
    PHONE = "phone", _("Phone")
    WHATSAPP = "whatsapp", _("WhatsApp")
    PORTAL = "portal", _("Customer portal")
    API = "api", _("API")
    MONITORING = "monitoring", _("Unit monitoring")


class Via(models.TextChoices):
    """Where a timeline entry came from: a customer channel, the desk, or Sigap itself."""

    EMAIL = "email", _("E-mail")
    PHONE = "phone", _("Phone")
    WHATSAPP = "whatsapp", _("WhatsApp")
    PORTAL = "portal", _("Customer portal")
    API = "api", _("API")
    MONITORING = "monitoring", _("Unit monitoring")
    DESK = "desk", _("Desk")
    VENDOR = "vendor", _("Vendor's link")
    SYSTEM = "system", _("Sigap")


class Status(models.TextChoices):
    NEW = "new", _("New")
    ASSIGNED = "assigned", _("Assigned")
    IN_PROGRESS = "in_progress", _("In progress")
    PENDING = "pending", _("Pending")
    RESOLVED = "resolved", _("Resolved")
    CLOSED = "closed", _("Closed")
    CANCELLED = "cancelled", _("Cancelled")


OPEN_STATUSES = frozenset({Status.NEW, Status.ASSIGNED, Status.IN_PROGRESS, Status.PENDING})


class PendingReason(models.TextChoices):
    CUSTOMER = "customer", _("Waiting for the customer")
    VENDOR = "vendor", _("Waiting for the vendor")
    OTHER = "other", _("Other")


class Action(models.TextChoices):
    ASSIGN = "assign", _("Assign")
    START = "start", _("Start work")
    PEND = "pend", _("Pend")
    RESUME = "resume", _("Resume")
    ESCALATE = "escalate", _("Escalate")
    RESOLVE = "resolve", _("Resolve")
    CLOSE = "close", _("Close")
    REOPEN = "reopen", _("Reopen")
    CANCEL = "cancel", _("Cancel")


_WORKING = frozenset({Status.NEW, Status.ASSIGNED, Status.IN_PROGRESS})

# action -> (statuses it may start from, status it leads to)
TRANSITIONS: dict[Action, tuple[frozenset[Status], Status]] = {
    Action.ASSIGN: (_WORKING, Status.ASSIGNED),
    Action.START: (frozenset({Status.NEW, Status.ASSIGNED}), Status.IN_PROGRESS),
    Action.PEND: (frozenset({Status.ASSIGNED, Status.IN_PROGRESS}), Status.PENDING),
    Action.RESUME: (frozenset({Status.PENDING}), Status.IN_PROGRESS),
    Action.ESCALATE: (_WORKING, Status.ASSIGNED),
    Action.RESOLVE: (OPEN_STATUSES, Status.RESOLVED),
    Action.CLOSE: (frozenset({Status.RESOLVED}), Status.CLOSED),
    Action.REOPEN: (frozenset({Status.RESOLVED}), Status.IN_PROGRESS),
    Action.CANCEL: (OPEN_STATUSES, Status.CANCELLED),
}


def allowed_actions(status: str) -> list[Action]:
    return [action for action, (sources, _to) in TRANSITIONS.items() if status in sources]


class ResolutionCode(models.TextChoices):
    RESOLVED_REMOTELY = "resolved_remotely", _("Resolved remotely")
    TECHNICIAN_VISIT = "technician_visit", _("Fixed by a technician visit")
    DEVICE_REPLACED = "device_replaced", _("Device replaced")
    FIRMWARE_UPGRADED = "firmware_upgraded", _("Firmware upgraded")
    DATA_UPDATED = "data_updated", _("Customer data updated")
    REQUEST_FULFILLED = "request_fulfilled", _("Request fulfilled")
    INFORMATION_GIVEN = "information_given", _("Information or advice given")
    CUSTOMER_ACTION = "customer_action", _("Resolved by the customer's action")
    VENDOR_FIXED = "vendor_fixed", _("Fixed by the vendor")
    NO_FAULT_FOUND = "no_fault_found", _("No fault found")
    UNIT_RECOVERED = "unit_recovered", _("The unit reported again by itself")


class EntryKind(models.TextChoices):
    CREATED = "created", _("Logged")
    TRANSITION = "transition", _("Status change")
    CHANGE = "change", _("Change")
    COMMENT = "comment", _("Reply")
    NOTE = "note", _("Internal note")
    CALL = "call", _("Phone call")
    SLA = "sla", _("SLA")
    ESCALATION = "escalation", _("Escalation")


class Sort(models.TextChoices):
    """The orders a list of tickets can be read in (keyset-paginated in each)."""

    NEWEST = "newest", _("Newest first")
    OLDEST = "oldest", _("Oldest first")
    PRIORITY = "priority", _("Highest priority first")
    ACTIVITY = "activity", _("Latest activity first")
