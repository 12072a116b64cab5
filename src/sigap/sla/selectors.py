from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

import holidays
from django.utils import timezone

from sigap.core import reference
from sigap.sla.business_time import Calendar
from sigap.sla.models import BusinessCalendar, ClosedDate, WorkingHours

# Public holidays are loaded for these years around today (the real today, not a
# replayed moment): history brought in from the old system reaches back, and
# deadlines reach a little ahead.
YEARS_BACK = 6
YEARS_AHEAD = 2


def _closed(calendar: BusinessCalendar, years: range) -> frozenset[date]:
    days: set[date] = {c.date for c in calendar.closed_dates.all()}
    if calendar.public_holidays:
        days |= set(holidays.country_holidays("ID", years=years))
    if calendar.joint_leave:
        days |= set(holidays.country_holidays("ID", years=years, categories=("government",)))
    return frozenset(days)


def _load() -> dict[str, Calendar]:
    today = timezone.now().date()
    years = range(today.year - YEARS_BACK, today.year + YEARS_AHEAD + 1)
    calendars = {}
    for calendar in BusinessCalendar.objects.prefetch_related("hours", "closed_dates"):
        hours: list = [None] * 7
        for h in calendar.hours.all():
            hours[h.weekday] = (h.opens, h.closes)
        calendars[calendar.code] = Calendar(
            zone=ZoneInfo(calendar.time_zone),
            hours=tuple(hours),
            closed=_closed(calendar, years),
            always_open=calendar.always_open,
        )
    return calendars


_calendars = reference.Table(_load, watch=(BusinessCalendar, WorkingHours, ClosedDate))


def calendar_get(code: str) -> Calendar:
    """The working calendar `code` for business-time arithmetic (KeyError if none)."""
    return _calendars.rows()[code]
