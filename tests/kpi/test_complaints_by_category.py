from __future__ import annotations

import csv
import datetime as dt
import io
import json

import pytest
import time_machine
from django.core.management import CommandError, call_command

from sigap.tickets.models import Category
from sigap.tickets.services import ticket_cancel
from tests.factories import TicketFactory

WIB = dt.timezone(dt.timedelta(hours=7))


def log(at: dt.datetime, code: str, kind: str = "incident"):
    with time_machine.travel(at, tick=False):
        return TicketFactory(kind=kind, category=Category.objects.get(code=code))


@pytest.fixture
def tickets(db):
    # 31 Jan 23:30 WIB is January in Jakarta, though already 16:30 UTC.
    log(dt.datetime(2022, 1, 31, 23, 30, tzinfo=WIB), "gps_unit.not_updating")
    log(dt.datetime(2022, 1, 10, 9, 0, tzinfo=WIB), "gps_unit.removal", "request")
    log(dt.datetime(2022, 1, 11, 9, 0, tzinfo=WIB), "payment.invoice", "request")
    # 1 Feb 00:30 WIB is still 31 Jan in UTC, but February in Jakarta.
    log(dt.datetime(2022, 2, 1, 0, 30, tzinfo=WIB), "account.data_change", "request")
    log(dt.datetime(2022, 2, 2, 10, 0, tzinfo=WIB), "payment.invoice", "incident")
    cancelled = log(dt.datetime(2022, 2, 3, 10, 0, tzinfo=WIB), "gps_unit.not_updating")
    ticket_cancel(ticket=cancelled, by=None, reason="sent twice")
    log(dt.datetime(2022, 3, 1, 10, 0, tzinfo=WIB), "other.general", "request")  # outside


def run(*args) -> str:
    out = io.StringIO()
    call_command("report", *args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_the_report_counts_by_jakarta_month_and_top_category_with_the_split(tickets):
    report = json.loads(run("--month", "2022-01", "--to", "2022-02", "--format", "json"))
    jan, feb = report["months"]
    assert jan["month"] == "2022-01"
    assert jan["counts"] == {
        "gps_unit": 2,
        "optional_feature": 0,
        "application": 0,
        "payment": 1,
        "account": 0,
        "other": 0,
    }
    assert jan["incidents"]["gps_unit"] == 1 and jan["requests"]["gps_unit"] == 1
    assert jan["total"] == 3
    assert feb["counts"]["account"] == 1 and feb["counts"]["payment"] == 1
    assert feb["counts"]["gps_unit"] == 0  # the cancelled one does not count
    assert feb["incidents"]["payment"] == 1 and feb["requests"]["account"] == 1
    assert report["total"] == 5
    assert report["totals"]["gps_unit"] == 2


@pytest.mark.django_db
def test_the_report_as_csv_has_the_study_columns_and_a_total_row(tickets, tmp_path):
    out = tmp_path / "t2.csv"
    run("--month", "2022-01", "--to", "2022-02", "--format", "csv", "--out", str(out))
    rows = list(csv.reader(io.StringIO(out.read_text())))
    assert rows[0][:8] == [
        "month",
        "gps_unit",
        "optional_feature",
        "application",
        "payment",
        "account",
        "other",
        "total",
    ]
    assert rows[1][:8] == ["2022-01", "2", "0", "0", "1", "0", "0", "3"]
    assert rows[-1][:8] == ["total", "2", "0", "0", "2", "1", "0", "5"]
    assert rows[0][8] == "gps_unit_incidents"


@pytest.mark.django_db
def test_a_malformed_month_is_refused_with_a_message():
    with pytest.raises(CommandError, match="YYYY-MM"):
        run("--month", "Jan 2022")
    with pytest.raises(CommandError, match="ends before it starts"):
        run("--month", "2022-05", "--to", "2022-01")


@pytest.mark.django_db
def test_the_same_report_over_the_api(tickets, api):
    answer = api.get("/api/v1/reports/complaints-by-category", {"from": "2022-01", "to": "2022-02"})
    assert answer.status_code == 200
    assert answer.json() == json.loads(run("--month", "2022-01", "--to", "2022-02"))
    bad = api.get("/api/v1/reports/complaints-by-category", {"from": "2022-13"})
    assert bad.status_code == 422 and "from" in bad.json()["fields"]
