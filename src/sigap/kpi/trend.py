"""Is a monthly count falling, by how much? The verdict on the trend of the study's
Figure 3, shared by the monthly report and the desk's dashboard.

A series is the months' counts in order. Months before the desk's first record are
no data, not zeros: `recorded_since` finds where the records start, and the verdict
compares the last month with the month before and with that first month."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _

FALLING, RISING, STEADY, NONE = "falling", "rising", "steady", "none"

# A change smaller than this share of the first month is no trend either way.
TOLERANCE = 0.05


def recorded_since(counts: Sequence[int]) -> int:
    """The index of the first month with anything counted (len(counts) when none)."""
    return next((i for i, n in enumerate(counts) if n), len(counts))


def _change(before: int, after: int) -> dict[str, Any]:
    return {
        "change": after - before,
        "percent": round((after - before) * 100 / before, 2) if before else None,
    }


def trend_verdict(points: Sequence[tuple[str, int]], *, tolerance: float = TOLERANCE) -> dict:
    """The verdict on `points`, (month "YYYY-MM", count) in order, already starting at
    the first recorded month: the last month against the one before and against the
    first, and the direction of the whole: falling or rising when the last month
    differs from the first by at least `tolerance` of the first, else steady; "none"
    without any month. A series starting at 0 (a category new in the period) rises
    as soon as it counts anything."""
    if not points:
        return {
            "direction": NONE,
            "months": 0,
            "first": None,
            "previous": None,
            "last": None,
            "vs_previous": None,
            "vs_first": None,
        }
    (first_month, first), (last_month, last) = points[0], points[-1]
    previous = points[-2] if len(points) > 1 else None
    change = last - first
    if first:
        moved = abs(change) >= tolerance * first and change != 0
    else:
        moved = change != 0
    direction = (FALLING if change < 0 else RISING) if moved else STEADY
    return {
        "direction": direction,
        "months": len(points),
        "first": {"month": first_month, "count": first},
        "previous": {"month": previous[0], "count": previous[1]} if previous else None,
        "last": {"month": last_month, "count": last},
        "vs_previous": _change(previous[1], last) if previous else None,
        "vs_first": _change(first, last),
    }


def month_label(month: str) -> str:
    """ "2022-03" as the active language writes a month: "March 2022", "Maret 2022"."""
    year, number = map(int, month.split("-"))
    return date_format(date(year, number, 1), "YEAR_MONTH_FORMAT")


def change_text(change: dict[str, Any]) -> str:
    """+12 (+5.1%), or -3 when there is no percentage (from nothing)."""
    if change["percent"] is None:
        return f"{change['change']:+d}"
    percent = number_format(round(abs(change["percent"]), 1), decimal_pos=1)
    sign = "-" if change["percent"] < 0 else "+"
    return f"{change['change']:+d} ({sign}{percent}%)"


def trend_sentence(verdict: dict) -> str:
    """The verdict in one translated sentence."""
    if verdict["direction"] == NONE:
        return _("Nothing was recorded in these months.")
    lead = {
        FALLING: _("Falling"),
        RISING: _("Rising"),
        STEADY: _("Steady"),
    }[verdict["direction"]]
    last = verdict["last"]
    if verdict["previous"] is None:
        return _("%(lead)s: %(count)s in %(month)s, the first month with records.") % {
            "lead": lead,
            "count": last["count"],
            "month": month_label(last["month"]),
        }
    return _(
        "%(lead)s: %(count)s in %(month)s, %(vs_previous)s against %(previous_month)s "
        "and %(vs_first)s against %(first_month)s."
    ) % {
        "lead": lead,
        "count": last["count"],
        "month": month_label(last["month"]),
        "vs_previous": change_text(verdict["vs_previous"]),
        "previous_month": month_label(verdict["previous"]["month"]),
        "vs_first": change_text(verdict["vs_first"]),
        "first_month": month_label(verdict["first"]["month"]),
    }
