"""Bringing in tickets from the old system (e-mail tickets, shared spreadsheets) with
their own timestamps.

Nothing here writes a ticket directly. A ticket is logged at its `reported_at` and its
life replayed through the ticket services, each step inside `clock.at(...)` as
`demo/play.py` does, so its SLA deadlines, breaches and timeline come out exactly as
for a ticket the desk worked live. One ticket is one transaction: it is imported whole
or not at all. The old system's ticket number is the ticket's `external_ref`, so
bringing the same ticket in twice never doubles it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext as _

from sigap.accounts.models import User
from sigap.core import clock
from sigap.core.errors import DomainError, Forbidden, ValidationFailed
from sigap.customers.models import Contact, Organisation, Unit, Vehicle
from sigap.customers.validators import normalise_imei, normalise_phone, normalise_plate
from sigap.tickets import creation, selectors, services
from sigap.tickets.choices import Channel, Kind, ResolutionCode, Via
from sigap.tickets.creation import Intake
from sigap.tickets.models import Cause, Ticket

PERMISSION = "tickets.import_history"

# A time written without a zone in a file is the old desk's time: Jakarta (WIB).
FILE_ZONE = ZoneInfo("Asia/Jakarta")
FILE_FORMATS = ("%d/%m/%Y %H:%M", "%d/%m/%Y %H:%M:%S")

# The moments of a ticket's life, in the order the desk works it; cancelled_at instead
# of resolution and closure.
ORDER = ("reported_at", "first_response_at", "resolved_at", "closed_at")
MOMENTS = (*ORDER, "cancelled_at")
# What a caller sends only with the permission to import history.
HISTORY_FIELDS = (*MOMENTS, "first_response", "resolution_code", "resolution_summary")

KINDS = {
    "incident": Kind.INCIDENT,
    "insiden": Kind.INCIDENT,
    "request": Kind.REQUEST,
    "permintaan": Kind.REQUEST,
}


@dataclass(frozen=True)
class History:
    """What happened to a ticket in the old system, and when (timezone-aware)."""

    reported_at: datetime
    first_response_at: datetime | None = None
    first_response: str = ""
    resolved_at: datetime | None = None
    resolution_code: str = ""
    resolution_summary: str = ""
    closed_at: datetime | None = None
    cancelled_at: datetime | None = None


def import_check_allowed(*, user: User) -> None:
    """Only support staff with the permission bring in history: it sets timestamps no
    one else may set, and its replies and resolutions are recorded as theirs."""
    if not (user.is_active and user.is_support_staff and user.has_perm(PERMISSION)):
        raise Forbidden(
            _(
                "%(user)s may not bring in tickets from the old system: that needs a "
                "support role and the permission 'Can bring in tickets from the old "
                "system, with their own timestamps'."
            )
            % {"user": user.get_username()}
        )


def history_errors(*, history: History, kind: str | None, cause: Cause | None) -> dict[str, str]:
    """What keeps this history from being replayed, by field: every time with its zone
    and not in the future, in the desk's order, and either resolved or cancelled."""
    errors: dict[str, str] = {}
    now = clock.now()
    moments = {name: getattr(history, name) for name in MOMENTS}
    for name, moment in moments.items():
        if moment is None:
            continue
        if timezone.is_naive(moment):
            errors[name] = _(
                "Give the time zone with the time, e.g. 2022-04-29T16:30:00+07:00 for WIB."
            )
        elif moment > now:
            errors[name] = _("This time is in the future.")
    if errors:  # times without a zone cannot be compared
        return errors
    earlier = None
    for name in ORDER:
        moment = moments[name]
        if moment is None:
            continue
        if earlier is not None and moment < moments[earlier]:
            errors[name] = _("This is before %(field)s.") % {"field": earlier}
        earlier = name
    if history.closed_at is not None and history.resolved_at is None:
        errors["closed_at"] = _("A ticket is closed after it is resolved: give resolved_at.")
    if history.cancelled_at is not None:
        if history.resolved_at is not None:
            errors["cancelled_at"] = _("A ticket is either resolved or cancelled, not both.")
        elif history.resolution_code:
            errors["resolution_code"] = _("A cancelled ticket has no resolution.")
        for name in ("first_response_at", "reported_at"):
            if moments[name] is not None and history.cancelled_at < moments[name]:
                errors.setdefault("cancelled_at", _("This is before %(field)s.") % {"field": name})
    if history.resolved_at is not None:
        if history.resolution_code not in ResolutionCode.values:
            errors["resolution_code"] = _("Say how it was resolved, one of: %(choices)s.") % {
                "choices": ", ".join(ResolutionCode.values)
            }
        if kind == Kind.INCIDENT and cause is None:
            errors["cause"] = _("An incident is resolved with its cause: give the cause code.")
    elif history.cancelled_at is None and (
        history.resolution_code or history.resolution_summary.strip()
    ):
        errors["resolved_at"] = _("Give the time the ticket was resolved.")
    if history.first_response.strip() and history.first_response_at is None:
        errors["first_response_at"] = _("Give the time of the first response.")
    return errors


def _summary(errors: dict[str, str]) -> str:
    return "; ".join(f"{name}: {reason}" for name, reason in errors.items())


@transaction.atomic
def ticket_import(
    *,
    by: User,
    history: History,
    channel: str,
    external_ref: str,
    via: str = Via.DESK,
    **fields: Any,
) -> Intake:
    """Log a ticket of the old system at its `reported_at` and replay what followed at
    the times it happened: the first response, resolution and closure, or cancellation.
    `fields` are those of `creation.ticket_log`. A ticket of `channel` with this
    `external_ref` here already is answered as it is (`Intake.created` is False)."""
    import_check_allowed(user=by)
    external_ref = (external_ref or "").strip()
    if not external_ref:
        raise ValidationFailed(
            _("Give the ticket's number in the old system, so a retry does not double it."),
            fields={"external_id": _("Required.")},
        )
    existing = Ticket.objects.filter(channel=channel, external_ref=external_ref).first()
    if existing is not None:
        return Intake(existing, None)
    errors = history_errors(history=history, kind=fields.get("kind"), cause=fields.get("cause"))
    if errors:
        raise ValidationFailed(_summary(errors), fields=errors)
    with clock.replaying():  # recorded as live work is, but nobody is told of the past
        with clock.at(history.reported_at):
            intake = creation.ticket_intake(
                channel=channel, external_ref=external_ref, by=by, **fields
            )
        if intake.created:
            _replay(intake.ticket, history=history, by=by, via=via)
            intake.ticket.refresh_from_db()
    return intake


def _replay(ticket: Ticket, *, history: History, by: User, via: str) -> None:
    if history.first_response_at is not None:
        with clock.at(history.first_response_at):
            # A public reply by support staff: it stops the response clock, late or not.
            services.ticket_comment(
                ticket=ticket,
                by=by,
                body=history.first_response.strip()
                or _("(first response recorded in the old system)"),
                public=True,
                via=via,
            )
    if history.resolved_at is not None:
        with clock.at(history.resolved_at):
            ticket = services.ticket_start(ticket=ticket, by=by, via=via)
            ticket = services.ticket_resolve(
                ticket=ticket,
                by=by,
                resolution_code=history.resolution_code,
                summary=history.resolution_summary.strip() or _("(resolved in the old system)"),
                via=via,
            )
    if history.closed_at is not None:
        with clock.at(history.closed_at):
            ticket = services.ticket_close(ticket=ticket, by=by, via=via)
    if history.cancelled_at is not None:
        with clock.at(history.cancelled_at):
            services.ticket_cancel(
                ticket=ticket,
                by=by,
                reason=history.resolution_summary.strip() or _("(cancelled in the old system)"),
                via=via,
            )


@dataclass(frozen=True)
class HistoryRow:
    """One ticket of the old system as a file gives it: codes and text as written, times
    as text or as a spreadsheet's datetime cells. `line` is its row in the file."""

    line: int
    external_id: str = ""
    kind: str = ""
    title: str = ""
    description: str = ""
    category: str = ""
    cause: str = ""
    organisation: str = ""
    email: str = ""
    phone: str = ""
    plate: str = ""
    imei: str = ""
    impact: str = ""
    urgency: str = ""
    channel: str = ""
    reported_at: str | datetime = ""
    first_response_at: str | datetime = ""
    first_response: str = ""
    resolved_at: str | datetime = ""
    resolution_code: str = ""
    resolution_summary: str = ""
    closed_at: str | datetime = ""
    cancelled_at: str | datetime = ""


def moment_read(value: str | datetime) -> datetime | None:
    """A time as a file writes it: ISO 8601 or DD/MM/YYYY HH:MM, or a spreadsheet's
    datetime cell; one without a zone is Jakarta time. None when empty; ValueError when
    it is not a time (a date alone is not: an SLA needs the hour)."""
    if isinstance(value, datetime):
        moment = value
    else:
        text = value.strip()
        if not text:
            return None
        if ":" not in text:
            raise ValueError(text)
        try:
            moment = datetime.fromisoformat(text)
        except ValueError:
            for pattern in FILE_FORMATS:
                try:
                    moment = datetime.strptime(text, pattern)
                    break
                except ValueError:
                    continue
            else:
                raise
    return moment.replace(tzinfo=FILE_ZONE) if timezone.is_naive(moment) else moment


def _find(
    errors: dict[str, str],
    column: str,
    raw: str,
    model: type[Model],
    lookup: str,
    normalise: Callable[[str], str],
    message: str,
) -> Any:
    """The first `model` whose `lookup` is the normalised `raw`; else None and an error."""
    raw = raw.strip()
    if not raw:
        return None
    try:
        obj = model.objects.filter(**{lookup: normalise(raw)}).first()
    except DjangoValidationError as exc:
        errors[column] = exc.messages[0]
        return None
    if obj is None:
        errors[column] = message % {"value": raw}
    return obj


def _row_prepared(row: HistoryRow) -> tuple[dict[str, Any], History] | None:
    """The row's codes looked up and its times read: what `ticket_import` takes; None if
    its ticket is here already. A fault raises ValidationFailed naming its column."""
    errors: dict[str, str] = {}
    channel = row.channel.strip().lower() or Channel.EMAIL
    if channel not in Channel.values:
        errors["channel"] = _("Choose one of: %(choices)s.") % {
            "choices": ", ".join(Channel.values)
        }
    external_ref = row.external_id.strip()
    if not external_ref:
        errors["external_id"] = _("Required: the ticket's number in the old system.")
    elif Ticket.objects.filter(channel=channel, external_ref=external_ref).exists():
        return None
    kind = KINDS.get(row.kind.strip().lower())
    if kind is None:
        errors["kind"] = _("Write incident or request (insiden, permintaan).")
    if not row.title.strip():
        errors["title"] = _("A ticket needs a title.")
    category = selectors.category_by_code(row.category.strip())
    if not row.category.strip():
        errors["category"] = _("Required: the category code.")
    elif category is None:
        errors["category"] = _("There is no category %s.") % row.category.strip()
    cause = None
    if row.cause.strip():
        cause = selectors.cause_by_code(row.cause.strip())
        if cause is None:
            errors["cause"] = _("There is no cause %s.") % row.cause.strip()
    organisation = _find(
        errors,
        "organisation",
        row.organisation,
        Organisation,
        "code__iexact",
        str.strip,
        _("There is no organisation %(value)s."),
    )
    contact = _find(
        errors,
        "email",
        row.email,
        Contact,
        "email__iexact",
        str.strip,
        _("No contact has the e-mail address %(value)s."),
    )
    if contact is None and "email" not in errors:
        contact = _find(
            errors,
            "phone",
            row.phone,
            Contact,
            "phone",
            normalise_phone,
            _("No contact has the phone number %(value)s."),
        )
    vehicle = _find(
        errors,
        "plate",
        row.plate,
        Vehicle,
        "plate",
        normalise_plate,
        _("No vehicle has the plate %(value)s."),
    )
    unit = _find(
        errors, "imei", row.imei, Unit, "imei", normalise_imei, _("No unit has the IMEI %(value)s.")
    )
    moments: dict[str, datetime | None] = {}
    for name in MOMENTS:
        try:
            moments[name] = moment_read(getattr(row, name))
        except ValueError:
            errors[name] = _(
                "%(value)s is not a date and time: write e.g. 2022-04-29 16:30 or 29/04/2022 16:30."
            ) % {"value": getattr(row, name)}
    if moments.get("reported_at") is None and "reported_at" not in errors:
        errors["reported_at"] = _("Required: when the customer reported it.")
    history = None
    if len(moments) == len(MOMENTS) and moments["reported_at"] is not None:
        history = History(
            **moments,
            first_response=row.first_response,
            resolution_code=row.resolution_code.strip().lower(),
            resolution_summary=row.resolution_summary,
        )
        for name, reason in history_errors(history=history, kind=kind, cause=cause).items():
            errors.setdefault(name, reason)
    if errors:
        raise ValidationFailed(_summary(errors), fields=errors)
    fields = {
        "channel": channel,
        "external_ref": external_ref,
        "kind": kind,
        "title": row.title,
        "description": row.description,
        "category": category,
        "cause": cause,
        "organisation": organisation,
        "contact": contact,
        "vehicle": vehicle,
        "unit": unit,
        "impact": row.impact.strip().lower() or None,
        "urgency": row.urgency.strip().lower() or None,
    }
    return fields, history


class _Trial(Exception):
    """Raised to roll back a ticket imported only to see whether it can be."""


def _row_import(row: HistoryRow, *, by: User, via: str, trial: bool) -> bool:
    """Import one row (with `trial`, then roll it back); whether it is new."""
    prepared = _row_prepared(row)
    if prepared is None:
        return False
    fields, history = prepared
    if not trial:
        return ticket_import(by=by, history=history, via=via, **fields).created
    try:
        with transaction.atomic():
            created = ticket_import(by=by, history=history, via=via, **fields).created
            raise _Trial
    except _Trial:
        return created


@dataclass(frozen=True)
class Refusal:
    """A row that cannot be imported: its line in the file, the column at fault (empty
    for the row as a whole) and why."""

    line: int
    column: str
    reason: str


@dataclass
class HistoryReport:
    """What an import did or, when nothing was written, would do."""

    written: bool = False
    imported: int = 0  # new tickets (or, when nothing was written, rows that would be)
    present: int = 0  # rows whose ticket was here already
    refusals: list[Refusal] = field(default_factory=list)

    @property
    def refused(self) -> int:
        return len({r.line for r in self.refusals})


# Where a service's field is a column of the file under another name.
_COLUMNS = {"vehicle": "plate", "unit": "imei", "summary": "resolution_summary"}


def _refusals(row: HistoryRow, exc: DomainError) -> list[Refusal]:
    if not exc.fields:
        return [Refusal(row.line, "", exc.message)]
    columns = _COLUMNS | {"contact": "email" if row.email.strip() else "phone"}
    return [
        Refusal(row.line, columns.get(name, name), reason) for name, reason in exc.fields.items()
    ]


def history_import(
    *, rows: Sequence[HistoryRow], by: User, dry_run: bool = False, via: str = Via.DESK
) -> HistoryReport:
    """Bring in the rows of a file. Every row is tried first, in a transaction that is
    rolled back; if one is refused, or for a dry run, nothing is written and the report
    says what would happen, so the file can be fixed and run again. Otherwise each row
    is imported in its own transaction, skipping those whose ticket is here already."""
    import_check_allowed(user=by)
    tried = _rows_import(rows, by=by, via=via, trial=True)
    if dry_run or tried.refusals:
        return tried
    return _rows_import(rows, by=by, via=via, trial=False)


def _rows_import(rows: Sequence[HistoryRow], *, by: User, via: str, trial: bool) -> HistoryReport:
    report = HistoryReport(written=not trial)
    seen: dict[str, int] = {}
    for row in rows:
        number = row.external_id.strip()
        if number and number in seen:
            report.refusals.append(
                Refusal(
                    row.line,
                    "external_id",
                    _("Row %(line)d has this number too: each ticket comes once.")
                    % {"line": seen[number]},
                )
            )
            continue
        seen[number] = row.line
        try:
            created = _row_import(row, by=by, via=via, trial=trial)
        except DomainError as exc:
            report.refusals.extend(_refusals(row, exc))
            continue
        if created:
            report.imported += 1
        else:
            report.present += 1
    return report
