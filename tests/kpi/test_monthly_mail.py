"""On the first working day of a month the managers get the month before's report,
as PDF and XLSX, in their language; once."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest
import time_machine
from pypdf import PdfReader

from sigap.core.models import JobRun
from sigap.kpi.monthly_mail import first_working_day, monthly_report_send
from sigap.kpi.tasks import monthly_report_hourly
from tests.factories import UserFactory

WIB = dt.timezone(dt.timedelta(hours=7))


@pytest.fixture
def managers(db):
    return [
        UserFactory(role="manager", username="mgr.siti", email="siti@example.com", language="id"),
        UserFactory(role="manager", username="mgr.tom", email="tom@example.com", language="en"),
        UserFactory(role="agent", username="cs.rina", email="rina@example.com"),
    ]


@pytest.mark.django_db
def test_the_first_working_day_skips_holidays_and_sundays():
    assert first_working_day(dt.date(2026, 12, 1)) == dt.date(2026, 12, 1)  # a Tuesday
    # 1 January 2027 is New Year's Day; the office opens on Saturday mornings.
    assert first_working_day(dt.date(2027, 1, 1)) == dt.date(2027, 1, 2)
    assert first_working_day(dt.date(2026, 11, 1)) == dt.date(2026, 11, 2)  # a Sunday


@pytest.mark.django_db
def test_the_managers_get_the_month_just_ended_once(managers, mailoutbox):
    with time_machine.travel(dt.datetime(2027, 1, 1, 9, tzinfo=WIB)):
        monthly_report_hourly()  # New Year's Day: not yet
    with time_machine.travel(dt.datetime(2027, 1, 2, 6, 30, tzinfo=WIB)):
        monthly_report_hourly()  # before the morning
    assert mailoutbox == []

    with time_machine.travel(dt.datetime(2027, 1, 2, 7, 5, tzinfo=WIB)):
        monthly_report_hourly()
        monthly_report_hourly()  # the next check finds it sent
    with time_machine.travel(dt.datetime(2027, 1, 4, 7, 5, tzinfo=WIB)):
        assert monthly_report_send() == {}

    by_address = {tuple(m.to): m for m in mailoutbox}
    assert set(by_address) == {("siti@example.com",), ("tom@example.com",)}
    english, indonesian = by_address[("tom@example.com",)], by_address[("siti@example.com",)]
    assert english.subject == "Support report for December 2026"
    assert indonesian.subject == "Laporan support untuk Desember 2026"
    names = [name for name, _content, _type in english.attachments]
    assert names == ["sigap-report-2026-12-en.pdf", "sigap-report-2026-12-en.xlsx"]
    pdf = PdfReader(io.BytesIO(english.attachments[0][1]))
    assert "December 2026" in pdf.pages[0].extract_text()
    book = openpyxl.load_workbook(io.BytesIO(english.attachments[1][1]))
    assert len(book.sheetnames) > 3
    run = JobRun.objects.get(name="monthly_report")
    assert run.status == "ok"
    assert run.counts == {"month": "2026-12", "reports": 2, "managers": 2}


@pytest.mark.django_db
def test_a_month_the_worker_missed_goes_out_at_its_next_check(managers, mailoutbox):
    with time_machine.travel(dt.datetime(2026, 12, 3, 15, tzinfo=WIB)):
        assert monthly_report_send()["month"] == "2026-11"
    assert len(mailoutbox) == 2
