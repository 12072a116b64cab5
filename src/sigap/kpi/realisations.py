"""The realisation of each computed KPI (the study's Table 5) for a period, from
Sigap's own records.

Every figure is a few aggregate queries over the period's rows, never a loop over
tickets: a year of a busy desk is a million tickets. A period is calendar days in
Sigap's zone (settings.TIME_ZONE), both ends included, so a ticket logged at 23:59 on
the last day in Jakarta counts although it is already the next day in UTC. Times are
measured as `durations` says: on the clock the KPI counts, the other beside it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Sum
from django.db.models.functions import Trim
from django.utils import translation
from django.utils.translation import gettext as _

from sigap.customers.choices import TerminationReason
from sigap.customers.models import Subscription
from sigap.kpi.choices import Source, TimeBasis
from sigap.kpi.durations import Durations, duration, hours, minutes, rounded, spread
from sigap.tickets.choices import Channel, Kind, Status
from sigap.tickets.models import Attachment, Category, Ticket

SUPPORT_COMPLAINTS = ("other.support_service",)
DATA_CHANGES = ("account.data_change",)
REPORTED_REQUESTS = ("account.data_change", "gps_unit.removal")  # removal: a contract ends
RAW_MESSAGE_TYPE = "message/rfc822"


@dataclass(frozen=True)
class Realisation:
    value: Decimal | None  # None: nothing to measure in the period (basis says why)
    basis: str  # one translated sentence: what the value was computed from
    tickets: QuerySet[Ticket] | None  # the tickets behind the figure; None: not tickets
    detail: dict[str, Any]  # extra figures, JSON-safe


def realisation(
    source: str, *, start: date, end: date, time_basis: str = TimeBasis.CALENDAR
) -> Realisation:
    """The realisation of `source` for the days `start`..`end` (inclusive, in Sigap's
    zone); a KPI in hours or minutes counts `time_basis` (the other is in its detail).
    A KPI entered by hand has none: asking for one is a ValueError."""
    if end < start:
        raise ValueError(f"the period {start}..{end} ends before it starts")
    if source == Source.MANUAL:
        raise ValueError("a KPI entered by hand has no computed realisation")
    compute = _SOURCES.get(source)
    if compute is None:
        raise ValueError(f"{source!r} is not a KPI source Sigap computes")
    return compute(Period(start, end, TimeBasis(time_basis)))


@dataclass(frozen=True)
class Period:
    start: date
    end: date
    time_basis: TimeBasis = TimeBasis.CALENDAR

    @property
    def since(self) -> datetime:
        return datetime.combine(self.start, time.min, tzinfo=ZoneInfo(settings.TIME_ZONE))

    @property
    def until(self) -> datetime:
        """The first moment after the period."""
        day_after = self.end + timedelta(days=1)
        return datetime.combine(day_after, time.min, tzinfo=ZoneInfo(settings.TIME_ZONE))

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def reported(self) -> QuerySet[Ticket]:
        return Ticket.objects.filter(reported_at__gte=self.since, reported_at__lt=self.until)

    def resolved(self) -> QuerySet[Ticket]:
        return Ticket.objects.filter(resolved_at__gte=self.since, resolved_at__lt=self.until)


def _percent(part: int, whole: int) -> Decimal:
    return rounded(Decimal(part) * 100 / Decimal(whole))


def _in_categories(codes: tuple[str, ...]) -> Q:
    """Tickets of these categories or their subcategories. The ids are read first (a
    few rows), so the ticket query can use its (category, reported_at) index."""
    tree = Q()
    for code in codes:
        tree |= Q(code=code) | Q(code__startswith=f"{code}.")
    return Q(category_id__in=list(Category.objects.filter(tree).values_list("pk", flat=True)))


def _support_complaints(period: Period) -> Realisation:
    tickets = (
        period.reported()
        .filter(_in_categories(SUPPORT_COMPLAINTS))
        .exclude(status=Status.CANCELLED)
    )
    count = tickets.count()
    basis = _(
        "Complaints about the support service reported in the period: %(count)s, "
        "over %(days)s days."
    ) % {"count": count, "days": period.days}
    value = rounded(Decimal(count) / Decimal(period.days))
    return Realisation(value, basis, tickets, {"count": count, "days": period.days})


def _resolution_time(period: Period) -> Realisation:
    """Hours from report to resolution of the incidents resolved in the period."""
    tickets = period.resolved().filter(kind=Kind.INCIDENT)
    times = Durations(
        duration("resolved_at", "reported_at"), "resolution_working_time", period.time_basis
    )
    totals = tickets.aggregate(**times.aggregates(Q()))
    count = totals["count"]
    if not count:
        return Realisation(None, _("No incidents were resolved in the period."), tickets, {})
    value = rounded(hours(totals["total"]) / count)
    detail: dict[str, Any] = {"count": count, "time_basis": period.time_basis.value}
    detail.update(times.averages(totals, hours))
    scored = times.scored_tickets(tickets)
    detail.update(spread(scored, times.scored, count, hours, "hours"))
    basis = _(
        "Incidents resolved in the period: %(count)s; the average hours from report to "
        "resolution, in %(clock)s."
    ) % {"count": count, "clock": times.described()}
    return Realisation(value, basis, scored.order_by(times.scored.desc(), "-id"), detail)


def _documented(period: Period) -> Realisation:
    """Fully documented: category (always set), cause, resolution code and a summary
    that is more than blanks. Resolving through Sigap demands all of them; what is
    missing comes from imported history."""
    tickets = period.resolved().filter(kind=Kind.INCIDENT).alias(summary=Trim("resolution_summary"))
    no_cause = Q(cause__isnull=True)
    no_code = Q(resolution_code="")
    no_summary = Q(summary="")
    lacking = no_cause | no_code | no_summary
    totals = tickets.aggregate(
        count=Count("id"),
        lacking=Count("id", filter=lacking),
        no_cause=Count("id", filter=no_cause),
        no_code=Count("id", filter=no_code),
        no_summary=Count("id", filter=no_summary),
    )
    count = totals["count"]
    missing = tickets.filter(lacking)
    if not count:
        return Realisation(None, _("No incidents were resolved in the period."), missing, {})
    documented = count - totals["lacking"]
    basis = _(
        "Incidents resolved in the period: %(count)s, of which %(documented)s with their "
        "category, cause, resolution code and summary."
    ) % {"count": count, "documented": documented}
    detail = {
        "count": count,
        "documented": documented,
        "missing": {
            "cause": totals["no_cause"],
            "resolution_code": totals["no_code"],
            "resolution_summary": totals["no_summary"],
        },
    }
    return Realisation(_percent(documented, count), basis, missing, detail)


def _documents_stored(period: Period) -> Realisation:
    """A document is a file stored on the ticket: not one refused (too large, so not
    kept), and not the copy of the e-mail itself that every e-mailed ticket carries."""
    documents = Attachment.objects.filter(ticket=OuterRef("pk"), refused="").exclude(
        content_type=RAW_MESSAGE_TYPE
    )
    tickets = (
        period.reported()
        .filter(_in_categories(DATA_CHANGES), kind=Kind.REQUEST)
        .exclude(status=Status.CANCELLED)
        .alias(has_document=Exists(documents))
    )
    totals = tickets.aggregate(count=Count("id"), stored=Count("id", filter=Q(has_document=True)))
    count, stored = totals["count"], totals["stored"]
    without = tickets.filter(has_document=False)
    if not count:
        return Realisation(
            None, _("No data-change requests were reported in the period."), without, {}
        )
    basis = _(
        "Data-change requests reported in the period: %(count)s, of which %(stored)s "
        "with a document stored."
    ) % {"count": count, "stored": stored}
    return Realisation(_percent(stored, count), basis, without, {"count": count, "stored": stored})


def _first_response(period: Period) -> Realisation:
    """first_response_at is stamped only by a person of the desk: their first public
    reply or logged call (tickets.services._append). Sigap's automatic acknowledgement
    is not a response, so it cannot shorten this figure. A ticket cancelled unanswered
    (a duplicate, spam) is not waiting for anyone: it is not counted as unanswered."""
    reported = period.reported()
    times = Durations(
        duration("first_response_at", "reported_at"),
        "first_response_working_time",
        period.time_basis,
    )
    was_answered = Q(first_response_at__isnull=False)
    answered = times.scored_tickets(reported.filter(was_answered))
    per_channel = {}
    for channel in Channel.values:
        among = times.scored_among(was_answered & Q(channel=channel))
        per_channel[f"n_{channel}"] = Count("id", filter=among)
        per_channel[f"total_{channel}"] = Sum(times.scored, filter=among)
    totals = reported.aggregate(
        unanswered=Count("id", filter=~was_answered & ~Q(status=Status.CANCELLED)),
        **times.aggregates(was_answered),
        **per_channel,
    )
    count, unanswered = totals["count"], totals["unanswered"]
    if not count:
        if unanswered:
            basis = _(
                "None of the %(unanswered)s tickets reported in the period has been answered yet."
            ) % {"unanswered": unanswered}
        else:
            basis = _("No tickets were reported in the period.")
        return Realisation(None, basis, answered, {"count": 0, "unanswered": unanswered})
    by_channel = {
        channel: float(rounded(minutes(totals[f"total_{channel}"]) / totals[f"n_{channel}"]))
        for channel in sorted(Channel.values)
        if totals[f"n_{channel}"]
    }
    basis = _(
        "Tickets reported in the period and answered: %(count)s (%(unanswered)s not yet); "
        "the average minutes to the desk's first reply or call, in %(clock)s."
    ) % {"count": count, "unanswered": unanswered, "clock": times.described()}
    detail: dict[str, Any] = {
        "count": count,
        "unanswered": unanswered,
        "time_basis": period.time_basis.value,
        "by_channel": by_channel,
    }
    detail.update(times.averages(totals, minutes))
    detail.update(spread(answered, times.scored, count, minutes, "minutes"))
    value = rounded(minutes(totals["total"]) / count)
    return Realisation(value, basis, answered.order_by(times.scored.desc(), "-id"), detail)


def _retention(period: Period) -> Realisation:
    """Of the subscriptions active on the first day, those still active after the last.
    `ends_on` is the last day of service, so one ending on the period's last day is
    lost in this period: with ">= end" it would count as kept here and, no longer
    active when the next period starts, be lost in no period at all."""
    start, end = period.start, period.end
    active_at_start = Q(starts_on__lte=start) & (Q(ends_on__isnull=True) | Q(ends_on__gte=start))
    kept = Q(ends_on__isnull=True) | Q(ends_on__gt=end)
    totals = Subscription.objects.aggregate(
        active=Count("id", filter=active_at_start),
        kept=Count("id", filter=active_at_start & kept),
        started=Count("id", filter=Q(starts_on__gt=start, starts_on__lte=end)),
    )
    ended = (
        Subscription.objects.filter(ends_on__gte=start, ends_on__lte=end)
        .values("termination_reason")
        .annotate(n=Count("id"))
        .order_by("-n", "termination_reason")
    )
    labels = dict(TerminationReason.choices)
    terminations = [
        {
            "reason": row["termination_reason"],
            "label": str(labels.get(row["termination_reason"], _("Not given"))),
            "count": row["n"],
        }
        for row in ended
    ]
    active, still = totals["active"], totals["kept"]
    detail = {
        "active_at_start": active,
        "kept": still,
        "lost": active - still,
        "started": totals["started"],
        "terminations": terminations,
    }
    if not active:
        return Realisation(
            None, _("No subscription was active at the start of the period."), None, detail
        )
    basis = _(
        "Subscriptions active at the start of the period: %(active)s, of which %(kept)s "
        "still active after its last day."
    ) % {"active": active, "kept": still}
    return Realisation(_percent(still, active), basis, None, detail)


def _reports_made(period: Period) -> Realisation:
    tickets = (
        period.resolved()
        .filter(_in_categories(REPORTED_REQUESTS), kind=Kind.REQUEST)
        .alias(summary=Trim("resolution_summary"))
    )
    totals = tickets.aggregate(count=Count("id"), unreported=Count("id", filter=Q(summary="")))
    count = totals["count"]
    without = tickets.filter(summary="")
    if not count:
        return Realisation(
            None,
            _("No data-change or unit-removal requests were resolved in the period."),
            without,
            {},
        )
    reported = count - totals["unreported"]
    basis = _(
        "Data-change and unit-removal requests resolved in the period: %(count)s, of "
        "which %(reported)s with a resolution report."
    ) % {"count": count, "reported": reported}
    detail = {"count": count, "reported": reported}
    return Realisation(_percent(reported, count), basis, without, detail)


def _nps(period: Period) -> Realisation:
    """The study's figure is the average answer on its 1-5 scale (the KPI's target is
    a score of 3). Beside it, the standard Net Promoter form on the same answers: 5
    promotes, 4 is passive, 1 to 3 detract, and NPS is the percentage of promoters
    minus that of detractors (-100 to 100). Surveys count in the period they were
    answered in; refused answers (a second one, a late one) are not answers."""
    from sigap.comms.choices import DETRACTOR_SCORES, PASSIVE_SCORES, PROMOTER_SCORES
    from sigap.comms.models import Survey

    answered = Survey.objects.filter(
        answered_at__gte=period.since, answered_at__lt=period.until, score__isnull=False
    )
    totals = answered.aggregate(
        count=Count("id"),
        total=Sum("score"),
        promoters=Count("id", filter=Q(score__in=PROMOTER_SCORES)),
        passives=Count("id", filter=Q(score__in=PASSIVE_SCORES)),
        detractors=Count("id", filter=Q(score__in=DETRACTOR_SCORES)),
        **{f"score_{n}": Count("id", filter=Q(score=n)) for n in range(1, 6)},
    )
    count = totals["count"]
    if not count:
        return Realisation(None, _("No surveys are recorded for the period."), None, {})
    value = rounded(Decimal(totals["total"]) / count)
    nps = _percent(totals["promoters"] - totals["detractors"], count)
    detail = {
        "count": count,
        "average": float(value),
        "promoters": totals["promoters"],
        "passives": totals["passives"],
        "detractors": totals["detractors"],
        "nps": float(nps),
        "scores": {str(n): totals[f"score_{n}"] for n in range(1, 6)},
    }
    basis = _(
        "Surveys answered in the period: %(count)s; the average score from 1 to 5. "
        "As a Net Promoter Score (5 promotes, 1 to 3 detract): %(nps)s."
    ) % {"count": count, "nps": nps}
    tickets = Ticket.objects.filter(pk__in=answered.values("ticket_id")).order_by(
        "survey__score", "-id"
    )
    return Realisation(value, basis, tickets, detail)


def _notices_reached(period: Period) -> Realisation:
    """Broadcasts that started going out in the period: the share of the contacts
    they were addressed to that they reached (`comms.selectors.REACHED`: WhatsApp
    delivered or read; e-mail sent and not bounced), over all of them together and per
    broadcast. A broadcast sent late on the period's last day may still be reaching
    people when the figure is read; it counts in the period it started in."""
    from sigap.comms.choices import BroadcastStatus
    from sigap.comms.models import Broadcast
    from sigap.comms.selectors import broadcasts_reach

    broadcasts = Broadcast.objects.filter(
        started_at__gte=period.since,
        started_at__lt=period.until,
        status__in=(BroadcastStatus.SENDING, BroadcastStatus.SENT, BroadcastStatus.CANCELLED),
    ).order_by("started_at", "id")
    rows = list(
        broadcasts.values(
            "pk",
            "subject_en",
            "subject_id",
            "kind",
            "started_at",
            "final_contacts",
            "final_reached",
            "reach_final_at",
        )
    )
    # A broadcast past its last possible delivery report has its reach kept on it;
    # only the recent ones are counted from their deliveries.
    live = {}
    if any(row["reach_final_at"] is None for row in rows):
        live = broadcasts_reach(broadcasts.filter(reach_final_at__isnull=True))
    subject = "subject_id" if translation.get_language() == "id" else "subject_en"
    per_broadcast = []
    for row in rows:
        if row["reach_final_at"] is not None:
            addressed, reached = row["final_contacts"], row["final_reached"]
        elif row["pk"] in live:
            addressed, reached = live[row["pk"]].contacts, live[row["pk"]].reached
        else:
            continue  # addressed to nobody
        per_broadcast.append(
            {
                "id": row["pk"],
                "subject": row[subject],
                "kind": row["kind"],
                "started_at": row["started_at"].isoformat(),
                "contacts": addressed,
                "reached": reached,
                "percent": float(_percent(reached, addressed)) if addressed else 0.0,
            }
        )
    if not per_broadcast:
        return Realisation(None, _("No notices are recorded for the period."), None, {})
    contacts = sum(item["contacts"] for item in per_broadcast)
    reached = sum(item["reached"] for item in per_broadcast)
    basis = _(
        "Notices sent in the period: %(broadcasts)s, addressed to %(contacts)s contacts in "
        "all, of whom %(reached)s were reached (WhatsApp delivered or read; e-mail sent "
        "and not bounced)."
    ) % {"broadcasts": len(per_broadcast), "contacts": contacts, "reached": reached}
    detail = {"contacts": contacts, "reached": reached, "broadcasts": per_broadcast}
    return Realisation(_percent(reached, contacts), basis, None, detail)


_SOURCES: dict[str, Callable[[Period], Realisation]] = {
    Source.SUPPORT_COMPLAINTS: _support_complaints,
    Source.RESOLUTION_TIME: _resolution_time,
    Source.DOCUMENTED: _documented,
    Source.DOCUMENTS_STORED: _documents_stored,
    Source.FIRST_RESPONSE: _first_response,
    Source.RETENTION: _retention,
    Source.REPORTS_MADE: _reports_made,
    Source.NPS: _nps,
    Source.NOTICES_REACHED: _notices_reached,
}
