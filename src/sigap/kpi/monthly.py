"""The monthly report to the senior manager (the study's "Reporting"), for a month or
any period of calendar days in Sigap's zone: a plain, JSON-safe dict that the PDF,
the spreadsheet and the desk's dashboard all read.

Every section is one or two grouped queries with conditional counts, never a loop
over tickets (a busy desk logs a million a year). What each section counts:

- complaints: the study's Table 2 for the calendar months the period touches.
- trend: Table 2 per month for the 12 months ending with the period's last month
  (Figure 3), with the verdict of `trend.trend_verdict`, counted from the first
  month with any ticket (months before the desk's first record are no data).
- scorecard: `scorecard.scorecard` for the period's days, as the API gives it.
- sla: each clock counts in the period its deadline falls in (`response_due_at`,
  `resolve_due_at`), so every clock counts once, whether it was met, missed or is
  still running; cancelled tickets do not count. Met: stopped (answered, resolved)
  and never breached. Breached: flagged breached, or still running past its
  deadline at the end of the period (a paused resolution clock is not: a deadline
  that passes while the ticket waits for the customer is no breach). The share met
  is met over met and breached; clocks still running are apart.
- first_response: tickets reported in the period and answered, by the time from
  report to the desk's first reply or call; resolution: tickets resolved in the
  period, by the time from report to resolution. Calendar time per kind, and the
  working time stamped on the ticket (SLA calendar) for both kinds together.
  Buckets include their lower edge: "1-4 h" is from 1 hour to just under 4.
- causes: incidents resolved in the period by cause (set at resolution), as a
  Pareto: most frequent first, with the cumulative share of those with a cause.
- backlog: tickets open at the end of the period (or now, if it has not ended) by
  age, per kind: reported before then and not resolved or cancelled before then.
  A ticket resolved before then and reopened after it counts as open (reopening
  clears its resolution time).
- escalations: escalation records made in the period, by kind (functional to
  second line, vendor, management), with the tickets, acknowledgements and reasons.

Over a year of a million tickets on PostgreSQL (benchmarks/kpi_report.py's data), a
month's report is 38 queries in about 2.3 s, half of it the scorecard; a year's about 4 s.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import Count, F, Q
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from sigap.core import clock
from sigap.kpi.db import report_queries
from sigap.kpi.realisations import Period
from sigap.kpi.scorecard import period_check, scorecard
from sigap.kpi.selectors import TOP_CATEGORIES, complaints_by_category
from sigap.kpi.trend import FALLING, RISING, recorded_since, trend_sentence, trend_verdict
from sigap.routing.choices import EscalationKind, EscalationReason
from sigap.routing.models import Escalation
from sigap.sla.choices import Priority
from sigap.tickets.choices import OPEN_STATUSES, Kind, Status
from sigap.tickets.models import Category, Cause, Ticket

TREND_MONTHS = 12
HOUR, DAY = timedelta(hours=1), timedelta(days=1)


@dataclass(frozen=True)
class Bucket:
    code: str
    label: Promise
    below: timedelta | None  # the upper edge, not included; None: no upper edge


# First response: the study's target is 15 minutes.
RESPONSE_BUCKETS = (
    Bucket("lt_15m", _("under 15 min"), timedelta(minutes=15)),
    Bucket("15m_1h", _("15 min to 1 h"), HOUR),
    Bucket("1h_4h", _("1 to 4 h"), 4 * HOUR),
    Bucket("4h_8h", _("4 to 8 h"), 8 * HOUR),
    Bucket("8h_24h", _("8 to 24 h"), 24 * HOUR),
    Bucket("gt_24h", _("24 h or more"), None),
)
# Resolution: the study promises 1 x 24 hours.
RESOLUTION_BUCKETS = (
    Bucket("lt_1h", _("under 1 h"), HOUR),
    Bucket("1h_4h", _("1 to 4 h"), 4 * HOUR),
    Bucket("4h_8h", _("4 to 8 h"), 8 * HOUR),
    Bucket("8h_24h", _("8 to 24 h"), 24 * HOUR),
    Bucket("1d_3d", _("1 to 3 days"), 3 * DAY),
    Bucket("gt_3d", _("3 days or more"), None),
)
AGE_BUCKETS = (
    Bucket("lt_1d", _("under 1 day"), DAY),
    Bucket("1d_3d", _("1 to 3 days"), 3 * DAY),
    Bucket("3d_7d", _("3 to 7 days"), 7 * DAY),
    Bucket("7d_30d", _("7 to 30 days"), 30 * DAY),
    Bucket("gt_30d", _("30 days or more"), None),
)
KINDS = (Kind.INCIDENT, Kind.REQUEST)


def _edges(buckets: tuple[Bucket, ...]) -> list[tuple[Bucket, timedelta, timedelta | None]]:
    """Each bucket with its lower edge (included) and upper edge (not included)."""
    lows = [timedelta(0), *(b.below for b in buckets[:-1])]
    return [(b, low, b.below) for b, low in zip(buckets, lows, strict=True)]


def _month_start(d: date) -> date:
    return d.replace(day=1)


def _months_back(month: date, count: int) -> date:
    index = month.year * 12 + month.month - 1 - count
    return date(index // 12, index % 12 + 1, 1)


def _percent(part: int, whole: int) -> float | None:
    return round(part * 100 / whole, 2) if whole else None


def plain(value: Any) -> Any:
    """`value` with Decimals as floats, dates as ISO text and lazy text resolved, so
    it can go to JSON as it is."""
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Promise):
        return str(value)
    return value


# Table 2 and its trend


def category_labels() -> dict[str, str]:
    """The top-level categories' names in the active language."""
    names = {c.code: c.name for c in Category.objects.filter(code__in=TOP_CATEGORIES)}
    return {code: names.get(code, code) for code in TOP_CATEGORIES}


def complaints_trend(*, last_month: date, months: int = TREND_MONTHS) -> dict[str, Any]:
    """Tickets per month, total and per top category, for `months` months ending
    with `last_month`, with the verdict on the whole and on each category."""
    table = complaints_by_category(first=_months_back(last_month, months - 1), last=last_month)
    labels = [m["month"] for m in table["months"]]
    total = [m["total"] for m in table["months"]]
    by_category = {c: [m["counts"][c] for m in table["months"]] for c in TOP_CATEGORIES}
    since = recorded_since(total)
    verdict = trend_verdict(list(zip(labels[since:], total[since:], strict=True)))
    per_category = {
        c: trend_verdict(list(zip(labels[since:], counts[since:], strict=True)))
        for c, counts in by_category.items()
    }

    def moved(direction: str) -> list[str]:
        found = [c for c, v in per_category.items() if v["direction"] == direction]
        # The largest change first.
        return sorted(found, key=lambda c: (-abs(per_category[c]["vs_first"]["change"]), c))

    return {
        "months": labels,
        "categories": TOP_CATEGORIES,
        "total": total,
        "by_category": by_category,
        "since": labels[since] if since < len(labels) else None,
        "verdict": verdict,
        "category_verdicts": per_category,
        "falling": moved(FALLING),
        "rising": moved(RISING),
        "summary": trend_sentence(verdict),
    }


# SLA compliance


def _clock_compliance(
    period: Period, as_of: datetime, *, due: str, stopped: str, breached: str, pausable: bool
) -> dict[str, Any]:
    running_late = Q(**{f"{stopped}__isnull": True, f"{due}__lt": as_of})
    if pausable:
        running_late &= Q(sla_paused_at__isnull=True)
    flagged = Q(**{breached: True})
    rows = (
        Ticket.objects.filter(**{f"{due}__gte": period.since, f"{due}__lt": period.until})
        .exclude(status=Status.CANCELLED)
        .values("priority")
        .annotate(
            count=Count("id"),
            met=Count("id", filter=Q(**{f"{stopped}__isnull": False}) & ~flagged),
            breached=Count("id", filter=flagged | running_late),
        )
        .order_by()
    )
    found = {row["priority"]: row for row in rows}

    def line(count: int, met: int, late: int) -> dict[str, Any]:
        return {
            "count": count,
            "met": met,
            "breached": late,
            "running": count - met - late,
            "percent_met": _percent(met, met + late),
        }

    out = []
    for priority in Priority.values:
        row = found.get(priority, {"count": 0, "met": 0, "breached": 0})
        out.append({"priority": priority, **line(row["count"], row["met"], row["breached"])})
    total = line(*(sum(r[k] for r in out) for k in ("count", "met", "breached")))
    return {"priorities": out, "total": total}


def sla_compliance(period: Period, as_of: datetime) -> dict[str, Any]:
    """Response and resolution clocks due in the period, per priority."""
    return {
        "response": _clock_compliance(
            period,
            as_of,
            due="response_due_at",
            stopped="first_response_at",
            breached="response_breached",
            pausable=False,
        ),
        "resolution": _clock_compliance(
            period,
            as_of,
            due="resolve_due_at",
            stopped="resolved_at",
            breached="resolve_breached",
            pausable=True,
        ),
    }


# Durations


def _distribution(
    tickets, buckets: tuple[Bucket, ...], *, later: str, working: str
) -> dict[str, Any]:
    """How many of `tickets` took how long from report to `later` (calendar time, per
    kind; and the stamped working time, all kinds): one query grouped by kind."""
    counts: dict[str, Count] = {}
    for bucket, low, high in _edges(buckets):
        calendar = Q(**{f"{later}__gte": F("reported_at") + low})
        worked = Q(**{f"{working}__gte": low})
        if high is not None:
            calendar &= Q(**{f"{later}__lt": F("reported_at") + high})
            worked &= Q(**{f"{working}__lt": high})
        counts[f"c_{bucket.code}"] = Count("id", filter=calendar)
        counts[f"w_{bucket.code}"] = Count("id", filter=worked)
    rows = {
        row["kind"]: row
        for row in tickets.values("kind").annotate(count=Count("id"), **counts).order_by()
    }

    def of(kind: str, key: str) -> int:
        return rows[kind][key] if kind in rows else 0

    out = []
    for bucket in buckets:
        per_kind = {kind: of(kind, f"c_{bucket.code}") for kind in KINDS}
        out.append(
            {
                "bucket": bucket.code,
                **per_kind,
                "total": sum(per_kind.values()),
                "working": sum(of(kind, f"w_{bucket.code}") for kind in KINDS),
            }
        )
    count = {kind: of(kind, "count") for kind in KINDS}
    return {
        "buckets": out,
        "count": {**count, "total": sum(count.values()), "working": sum(b["working"] for b in out)},
    }


def first_response_times(period: Period) -> dict[str, Any]:
    answered = period.reported().filter(first_response_at__isnull=False)
    found = _distribution(
        answered,
        RESPONSE_BUCKETS,
        later="first_response_at",
        working="first_response_working_time",
    )
    found["unanswered"] = (
        period.reported()
        .filter(first_response_at__isnull=True)
        .exclude(status=Status.CANCELLED)
        .count()
    )
    return found


def resolution_times(period: Period) -> dict[str, Any]:
    return _distribution(
        period.resolved(),
        RESOLUTION_BUCKETS,
        later="resolved_at",
        working="resolution_working_time",
    )


# Causes


def cause_pareto(period: Period) -> dict[str, Any]:
    """Incidents resolved in the period by cause, most frequent first."""
    rows = list(
        period.resolved()
        .filter(kind=Kind.INCIDENT)
        .values("cause_id")
        .annotate(count=Count("id"))
        .order_by()
    )
    without = sum(r["count"] for r in rows if r["cause_id"] is None)
    counted = [r for r in rows if r["cause_id"] is not None]
    causes = {c.pk: c for c in Cause.objects.filter(pk__in=[r["cause_id"] for r in counted])}
    counted.sort(key=lambda r: (-r["count"], causes[r["cause_id"]].code))
    whole = sum(r["count"] for r in counted)
    out, running = [], 0
    for row in counted:
        cause = causes[row["cause_id"]]
        running += row["count"]
        out.append(
            {
                "cause": cause.code,
                "name": cause.name,
                "count": row["count"],
                "percent": _percent(row["count"], whole),
                "cumulative_percent": _percent(running, whole),
            }
        )
    return {"causes": out, "total": whole, "without_cause": without}


# Backlog


def backlog_ageing(as_of: datetime) -> dict[str, Any]:
    """Tickets open at `as_of` by age, per kind."""
    was_open = Q(reported_at__lt=as_of) & (
        Q(status__in=OPEN_STATUSES) | Q(resolved_at__gte=as_of) | Q(cancelled_at__gte=as_of)
    )
    counts = {}
    for bucket, low, high in _edges(AGE_BUCKETS):
        # age in [low, high): reported in (as_of - high, as_of - low]
        among = Q(reported_at__lte=as_of - low)
        if high is not None:
            among &= Q(reported_at__gt=as_of - high)
        counts[bucket.code] = Count("id", filter=among)
    rows = {
        row["kind"]: row
        for row in Ticket.objects.filter(was_open)
        .values("kind")
        .annotate(count=Count("id"), **counts)
        .order_by()
    }
    out = []
    for bucket in AGE_BUCKETS:
        per_kind = {kind: rows[kind][bucket.code] if kind in rows else 0 for kind in KINDS}
        out.append({"bucket": bucket.code, **per_kind, "total": sum(per_kind.values())})
    count = {kind: rows[kind]["count"] if kind in rows else 0 for kind in KINDS}
    return {
        "as_of": as_of.isoformat(),
        "buckets": out,
        "count": {**count, "total": sum(count.values())},
    }


# Escalations


def escalations_by_kind(period: Period) -> dict[str, Any]:
    by_reason = {
        f"r_{reason}": Count("id", filter=Q(reason=reason)) for reason in EscalationReason.values
    }
    rows = {
        row["kind"]: row
        for row in Escalation.objects.filter(at__gte=period.since, at__lt=period.until)
        .values("kind")
        .annotate(
            count=Count("id"),
            tickets=Count("ticket", distinct=True),
            acknowledged=Count("id", filter=Q(acknowledged_at__isnull=False)),
            **by_reason,
        )
        .order_by()
    }
    out = []
    for kind in EscalationKind.values:
        row = rows.get(kind, {})
        out.append(
            {
                "kind": kind,
                "count": row.get("count", 0),
                "tickets": row.get("tickets", 0),
                "acknowledged": row.get("acknowledged", 0),
                "reasons": {r: row.get(f"r_{r}", 0) for r in EscalationReason.values},
            }
        )
    return {"kinds": out, "total": sum(r["count"] for r in out)}


# The whole report


def period_report(*, start: date, end: date) -> dict[str, Any]:
    """Every section for the days `start`..`end` (inclusive, in Sigap's zone)."""
    period_check(start, end)
    period = Period(start, end)
    now = clock.now()
    as_of = min(now, period.until)
    first_month, last_month = _month_start(start), _month_start(end)
    with report_queries():
        report = {
            "period": {
                "start": start.isoformat(),
                "end": end.isoformat(),
                "days": period.days,
            },
            "provider": settings.SIGAP_PROVIDER_NAME,
            "generated_at": now.isoformat(),
            "as_of": as_of.isoformat(),
            "category_labels": category_labels(),
            "complaints": complaints_by_category(first=first_month, last=last_month),
            "trend": complaints_trend(last_month=last_month),
            "scorecard": scorecard(start=start, end=end).as_dict(),
            "sla": sla_compliance(period, as_of),
            "first_response": first_response_times(period),
            "resolution": resolution_times(period),
            "causes": cause_pareto(period),
            "backlog": backlog_ageing(as_of),
            "escalations": escalations_by_kind(period),
        }
    return plain(report)


def month_end(first: date) -> date:
    return _months_back(first, -1) - timedelta(days=1)


def month_report(month: date) -> dict[str, Any]:
    """The report of the calendar month `month` falls in."""
    first = _month_start(month)
    return period_report(start=first, end=month_end(first))
