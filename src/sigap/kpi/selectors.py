"""Report figures, computed with a few grouped queries (never a loop over tickets)."""

from __future__ import annotations

import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Count, Q
from django.utils.translation import gettext as _

from sigap.core.errors import ValidationFailed
from sigap.tickets.choices import Channel, Kind, Status
from sigap.tickets.models import Category, Ticket

# The study's Table 2 columns, in its order.
TOP_CATEGORIES = ["gps_unit", "optional_feature", "application", "payment", "account", "other"]


def parse_month(value: str, field: str) -> date:
    if not re.fullmatch(r"\d{4}-\d{2}", value or ""):
        raise ValidationFailed(
            _("%(value)s is not a month; write it as YYYY-MM.") % {"value": value},
            fields={field: _("Expected YYYY-MM.")},
        )
    year, month = map(int, value.split("-"))
    if not 1 <= month <= 12 or year < 1970:
        raise ValidationFailed(
            _("%(value)s is not a month; write it as YYYY-MM.") % {"value": value},
            fields={field: _("Expected YYYY-MM.")},
        )
    return date(year, month, 1)


def _next_month(d: date) -> date:
    return date(d.year + d.month // 12, d.month % 12 + 1, 1)


def month_range(first: date, last: date) -> list[date]:
    if last < first:
        raise ValidationFailed(
            _("The period ends before it starts."), fields={"to": _("Before the start month.")}
        )
    months, current = [], first
    while current <= last:
        months.append(current)
        current = _next_month(current)
    if len(months) > 120:
        raise ValidationFailed(_("A report covers at most ten years."), fields={"to": ""})
    return months


def complaints_by_category(*, first: date, last: date) -> dict:
    """Tickets reported per month and top-level category (the study's Table 2),
    both kinds counted as the study did, with the incident/request split.
    Months are calendar months in Sigap's zone; cancelled tickets do not count, nor
    do incidents unit monitoring opened itself: they are not what customers reported."""
    months = month_range(first, last)
    zone = ZoneInfo(settings.TIME_ZONE)
    bounds = [datetime.combine(m, datetime.min.time(), tzinfo=zone) for m in months]
    bounds.append(datetime.combine(_next_month(last), datetime.min.time(), tzinfo=zone))
    # One count per month over a grouping by category and kind: few groups, so the
    # database aggregates in parallel, where grouping by a truncated month it could not.
    per_month = {
        f"m{i}": Count("id", filter=Q(reported_at__gte=bounds[i], reported_at__lt=bounds[i + 1]))
        for i in range(len(months))
    }
    rows = (
        Ticket.objects.filter(reported_at__gte=bounds[0], reported_at__lt=bounds[-1])
        .exclude(status=Status.CANCELLED)
        .exclude(channel=Channel.MONITORING)
        .values("category_id", "kind")
        .annotate(**per_month)
        .order_by()
    )
    top_of = {pk: code.split(".", 1)[0] for pk, code in Category.objects.values_list("pk", "code")}

    def empty() -> dict[str, int]:
        return dict.fromkeys(TOP_CATEGORIES, 0)

    table = {m: {Kind.INCIDENT: empty(), Kind.REQUEST: empty()} for m in months}
    for row in rows:
        top = top_of[row["category_id"]]
        if top not in TOP_CATEGORIES:
            top = "other"
        for i, month in enumerate(months):
            table[month][row["kind"]][top] += row[f"m{i}"]

    out_months = []
    totals = empty()
    for m in months:
        incidents, requests = table[m][Kind.INCIDENT], table[m][Kind.REQUEST]
        counts = {c: incidents[c] + requests[c] for c in TOP_CATEGORIES}
        for c in TOP_CATEGORIES:
            totals[c] += counts[c]
        out_months.append(
            {
                "month": f"{m:%Y-%m}",
                "counts": counts,
                "incidents": incidents,
                "requests": requests,
                "total": sum(counts.values()),
            }
        )
    return {
        "from": f"{first:%Y-%m}",
        "to": f"{last:%Y-%m}",
        "categories": TOP_CATEGORIES,
        "months": out_months,
        "totals": totals,
        "total": sum(totals.values()),
    }


def complaints_csv_rows(report: dict) -> list[list]:
    """Table 2 as rows: the study's columns first, then the incident/request split."""
    cats = report["categories"]
    header = ["month", *cats, "total"]
    header += [f"{c}_incidents" for c in cats] + [f"{c}_requests" for c in cats]
    rows = [header]
    for m in report["months"]:
        rows.append(
            [m["month"], *(m["counts"][c] for c in cats), m["total"]]
            + [m["incidents"][c] for c in cats]
            + [m["requests"][c] for c in cats]
        )
    rows.append(["total", *(report["totals"][c] for c in cats), report["total"]])
    return rows
