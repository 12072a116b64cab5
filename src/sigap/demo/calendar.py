"""The desk's working calendar in 2022: when tickets arrive and when work happens.

The case study's desk is in Jakarta: Monday to Friday 08:00-17:00 and Saturday
morning 08:00-12:00, closed on Indonesian public holidays and on the government's
joint leave days around Lebaran (when the desk was closed too).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import holidays

ZONE = ZoneInfo("Asia/Jakarta")

WEEKDAY_HOURS = (8, 17)
SATURDAY_HOURS = (8, 12)


def closed_days(year: int) -> frozenset[date]:
    public = holidays.country_holidays("ID", years=year)
    joint_leave = holidays.country_holidays("ID", years=year, categories=("government",))
    return frozenset(public) | frozenset(joint_leave)


class WorkCalendar:
    def __init__(self, year: int = 2022) -> None:
        # The next year too, so work that runs past 31 December still finds a day.
        self.closed = closed_days(year) | closed_days(year + 1)

    def hours(self, day: date) -> tuple[int, int] | None:
        """Opening hours of `day` in Jakarta, or None when the desk is closed."""
        if day in self.closed or day.weekday() == 6:
            return None
        return SATURDAY_HOURS if day.weekday() == 5 else WEEKDAY_HOURS

    def is_open(self, moment: datetime) -> bool:
        local = moment.astimezone(ZONE)
        hours = self.hours(local.date())
        return hours is not None and hours[0] <= local.hour < hours[1]

    def open_days(self, first: date, last: date) -> list[date]:
        days, day = [], first
        while day <= last:
            if self.hours(day) is not None:
                days.append(day)
            day += timedelta(days=1)
        return days

    def _window(self, day: date) -> tuple[datetime, datetime] | None:
        hours = self.hours(day)
        if hours is None:
            return None
        return (
            datetime.combine(day, time(hours[0]), tzinfo=ZONE),
            datetime.combine(day, time(hours[1]), tzinfo=ZONE),
        )

    def add(self, moment: datetime, minutes: float) -> datetime:
        """`moment` plus this many minutes of opening time: work paused at closing
        continues at the next opening, as a desk's clock does."""
        local = moment.astimezone(ZONE)
        left = timedelta(minutes=minutes)
        day = local.date()
        while True:
            window = self._window(day)
            if window is not None and local < window[1]:
                start = max(local, window[0])
                if start + left <= window[1]:
                    return start + left
                left -= window[1] - start
            day += timedelta(days=1)
            local = datetime.combine(day, time(0), tzinfo=ZONE)
