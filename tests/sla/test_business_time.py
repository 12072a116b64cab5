"""SLA clocks count working time only: evenings, weekends and holidays do not count."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sigap.sla import business_time
from sigap.sla.business_time import Calendar, add, between, subtract
from sigap.sla.seed import OFFICE_HOURS
from sigap.sla.selectors import calendar_get

WIB = ZoneInfo("Asia/Jakarta")
# Office hours as seeded, on a plain calendar without holidays, for the properties.
OFFICE = Calendar(zone=WIB, hours=tuple(OFFICE_HOURS.get(day) for day in range(7)))


def wib(*args) -> datetime:
    return datetime(*args, tzinfo=WIB)


@pytest.mark.django_db
def test_a_ticket_logged_before_lebaran_2022_waits_out_the_holidays():
    office = calendar_get("office")
    # Friday 29 April 2022, 16:30 WIB is a joint leave day. The desk opens on Saturday
    # morning, then stays closed for Sunday, Eid al-Fitr (2-3 May) and joint leave
    # until Friday 6 May; it opens again on Saturday 7 May.
    logged = wib(2022, 4, 29, 16, 30)
    assert not office.is_open(logged)
    assert add(office, logged, timedelta(hours=1)) == wib(2022, 4, 30, 9, 0)
    # 8 working hours: Saturday 30 April 08:00-12:00, then Saturday 7 May 08:00-12:00.
    assert add(office, logged, timedelta(hours=8)) == wib(2022, 5, 7, 12, 0)
    assert between(office, logged, wib(2022, 5, 9, 8, 0)) == timedelta(hours=8)


@pytest.mark.django_db
def test_the_working_day_before_lebaran_counts_until_closing():
    office = calendar_get("office")
    # Thursday 28 April 2022 16:30: half an hour left that day, the rest on Saturday.
    assert add(office, wib(2022, 4, 28, 16, 30), timedelta(hours=1)) == wib(2022, 4, 30, 8, 30)


def test_a_weekend_does_not_count():
    friday = wib(2026, 11, 27, 15, 0)
    # Friday 15:00-17:00 (2 h), Saturday 08:00-12:00 (4 h), Monday from 08:00.
    assert add(OFFICE, friday, timedelta(hours=7)) == wib(2026, 11, 30, 9, 0)
    assert between(OFFICE, friday, wib(2026, 11, 30, 9, 0)) == timedelta(hours=7)


def test_a_deadline_at_closing_time_stays_at_closing_time():
    assert add(OFFICE, wib(2026, 11, 26, 9, 0), timedelta(hours=8)) == wib(2026, 11, 26, 17, 0)


def test_work_begun_at_night_starts_at_the_next_opening():
    assert add(OFFICE, wib(2026, 11, 25, 22, 0), timedelta(minutes=15)) == wib(2026, 11, 26, 8, 15)


def test_a_round_the_clock_calendar_counts_every_minute():
    always = Calendar(zone=WIB, always_open=True)
    start = datetime(2026, 11, 28, 23, 0, tzinfo=UTC)
    assert add(always, start, timedelta(hours=5)) == start + timedelta(hours=5)


def test_the_same_hours_in_makassar_are_an_hour_earlier_in_utc():
    wita = Calendar(zone=ZoneInfo("Asia/Makassar"), hours=OFFICE.hours)
    start = datetime(2026, 11, 26, 0, 0, tzinfo=UTC)  # 08:00 in Makassar, 07:00 in Jakarta
    assert add(wita, start, timedelta(hours=1)) == datetime(2026, 11, 26, 1, 0, tzinfo=UTC)
    assert add(OFFICE, start, timedelta(hours=1)) == datetime(2026, 11, 26, 2, 0, tzinfo=UTC)


def test_a_calendar_without_working_hours_is_an_error_not_a_hang():
    with pytest.raises(ValueError, match="no working hours"):
        add(Calendar(zone=WIB), wib(2026, 1, 1, 9, 0), timedelta(hours=1))


# --- properties -------------------------------------------------------------------

moments = st.datetimes(min_value=datetime(2022, 1, 1), max_value=datetime(2027, 12, 31)).map(
    lambda naive: naive.replace(tzinfo=WIB)
)
amounts = st.integers(min_value=0, max_value=60 * 24 * 30).map(lambda m: timedelta(minutes=m))


@settings(max_examples=300, deadline=None)
@given(start=moments, amount=amounts)
def test_adding_then_subtracting_returns_a_start_inside_working_time(start, amount):
    start = start.replace(second=0, microsecond=0)
    if not OFFICE.is_open(start):
        start = add(OFFICE, start, timedelta(0))  # the next opening
    assert subtract(OFFICE, add(OFFICE, start, amount), amount) == start


@settings(max_examples=300, deadline=None)
@given(start=moments, amount=amounts)
def test_a_deadline_never_lands_outside_working_time(start, amount):
    due = add(OFFICE, start, amount).astimezone(WIB)
    window = OFFICE.window(due.date())
    assert window is not None and window[0] <= due <= window[1]
    assert between(OFFICE, start, due) == amount


@settings(max_examples=300, deadline=None)
@given(start=moments, shorter=amounts, extra=amounts)
def test_a_longer_target_never_gives_an_earlier_deadline(start, shorter, extra):
    assert add(OFFICE, start, shorter + extra) >= add(OFFICE, start, shorter)


def test_no_endless_walk_for_long_targets():
    # 49 working hours a week: 2,400 hours is most of a year, found by walking days.
    far = add(OFFICE, wib(2026, 1, 1, 8, 0), timedelta(hours=2400))
    assert wib(2026, 11, 1, 0, 0) < far < wib(2027, 1, 1, 0, 0)
    assert business_time.between(OFFICE, wib(2026, 1, 1, 8, 0), far) == timedelta(hours=2400)


def test_working_hours_are_the_studys_office_hours():
    assert OFFICE.hours[0] == (time(8), time(17)) and OFFICE.hours[5] == (time(8), time(12))
    assert OFFICE.hours[6] is None
