"""Business-time arithmetic on a working calendar: what an SLA clock counts.

A `Calendar` says when the desk works: opening hours per weekday in one time zone,
minus closed dates (Indonesian public holidays, optionally the government's joint
leave days, and the company's own dates), or always (24x7). `add` moves a moment
forward by an amount of working time; `between` measures the working time between
two moments; `subtract` is the inverse of `add`. Time outside working hours does
not count, so a target of 8 hours set at 16:30 on a Friday runs out on the next
working day, not on Saturday morning.

Days are walked one at a time: a target of a few working days costs a few
iterations, and a closed stretch such as Lebaran a few more.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

# Longer than any closed stretch a calendar can have; past it, a calendar with no
# working hours at all is an error rather than an endless loop.
_MAX_CLOSED_DAYS = 400


@dataclass(frozen=True)
class Calendar:
    """Opening hours per weekday (Monday = 0) as (opens, closes) or None for closed."""

    zone: ZoneInfo
    hours: tuple[tuple[time, time] | None, ...] = field(default=(None,) * 7)
    closed: frozenset[date] = frozenset()
    always_open: bool = False

    def window(self, day: date) -> tuple[datetime, datetime] | None:
        """The working window of `day` in the calendar's zone, or None when closed."""
        if day in self.closed:
            return None
        hours = self.hours[day.weekday()]
        if hours is None:
            return None
        opens, closes = hours
        return (
            datetime.combine(day, opens, tzinfo=self.zone),
            datetime.combine(day, closes, tzinfo=self.zone),
        )

    def is_open(self, moment: datetime) -> bool:
        if self.always_open:
            return True
        local = moment.astimezone(self.zone)
        window = self.window(local.date())
        return window is not None and window[0] <= local < window[1]


def add(calendar: Calendar, start: datetime, amount: timedelta) -> datetime:
    """`start` plus `amount` of working time. A deadline that falls exactly at closing
    time stays there; work starting outside hours starts at the next opening."""
    if amount < timedelta(0):
        return subtract(calendar, start, -amount)
    if calendar.always_open:
        return start + amount
    local = start.astimezone(calendar.zone)
    left = amount
    day = local.date()
    for _ in _days(calendar, amount):
        window = calendar.window(day)
        if window is not None and local < window[1]:
            begin = max(local, window[0])
            if begin + left <= window[1]:
                return begin + left
            left -= window[1] - begin
        day += timedelta(days=1)
        local = datetime.combine(day, time(0), tzinfo=calendar.zone)
    raise ValueError("the calendar has no working hours")


def subtract(calendar: Calendar, end: datetime, amount: timedelta) -> datetime:
    """The moment from which `amount` of working time runs out at `end`."""
    if amount < timedelta(0):
        return add(calendar, end, -amount)
    if calendar.always_open:
        return end - amount
    local = end.astimezone(calendar.zone)
    left = amount
    day = local.date()
    for _ in _days(calendar, amount):
        window = calendar.window(day)
        if window is not None and local >= window[0]:
            finish = min(local, window[1])
            if finish - left >= window[0]:
                return finish - left
            left -= finish - window[0]
        day -= timedelta(days=1)
        local = datetime.combine(day + timedelta(days=1), time(0), tzinfo=calendar.zone)
    raise ValueError("the calendar has no working hours")


def between(calendar: Calendar, start: datetime, end: datetime) -> timedelta:
    """Working time from `start` to `end` (negative when `end` is earlier)."""
    if end < start:
        return -between(calendar, end, start)
    if calendar.always_open:
        return end - start
    total = timedelta(0)
    local_start = start.astimezone(calendar.zone)
    local_end = end.astimezone(calendar.zone)
    day = local_start.date()
    while day <= local_end.date():
        window = calendar.window(day)
        if window is not None:
            begin = max(window[0], local_start)
            finish = min(window[1], local_end)
            if finish > begin:
                total += finish - begin
        day += timedelta(days=1)
    return total


def _days(calendar: Calendar, amount: timedelta) -> range:
    """Enough days to walk for `amount` of working time, closed stretches included."""
    shortest = min(
        (
            datetime.combine(date.min, h[1]) - datetime.combine(date.min, h[0])
            for h in calendar.hours
            if h is not None and h[1] > h[0]
        ),
        default=None,
    )
    if shortest is None:
        return range(0)
    # Each working day may sit in a week of closed days around it.
    return range(7 * (int(amount / shortest) + 1) + _MAX_CLOSED_DAYS)
