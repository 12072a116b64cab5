"""Tickets of the old system come in with their own timestamps, and their SLA deadlines
and breaches come out as they would have for a ticket worked live."""

from __future__ import annotations

import io
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import openpyxl
import pytest
import time_machine
from django.contrib.auth.models import Permission
from django.core import mail
from django.core.management import CommandError, call_command

from sigap.core.errors import Forbidden
from sigap.routing.models import SupportGroup
from sigap.sla.business_time import add, between
from sigap.sla.models import SlaBreach
from sigap.sla.selectors import calendar_get
from sigap.tickets.importing import HistoryRow, history_import
from sigap.tickets.models import Ticket
from sigap.tickets.services import ticket_comment
from tests.factories import ContactFactory, TicketFactory, UserFactory

WIB = ZoneInfo("Asia/Jakarta")
# Friday 29 April 2022, 16:30 WIB, just before the Eid al-Fitr holidays.
LOGGED = datetime(2022, 4, 29, 16, 30, tzinfo=WIB)
ANSWERED = datetime(2022, 5, 9, 9, 0, tzinfo=WIB)  # the Monday after

HEADER = (
    "number;kind;title;category;cause;contact_email;impact;urgency;"
    "reported_at;first_response_at;resolved_at;closed_at;resolution_code;resolution_summary"
)
LEBARAN = (
    "OLD-1;insiden;GPS tidak update;gps_unit.not_updating;blank_spot;budi@armada.test;"
    "medium;medium;29/04/2022 16:30;09/05/2022 09:00;09/05/2022 11:00;10/05/2022 09:00;"
    "resolved_remotely;Unit di area blank spot"
)
REQUEST = (
    "OLD-2;permintaan;Ganti nomor polisi;account.data_change;;budi@armada.test;;;"
    "2022-05-10T10:00:00+07:00;;;;;"
)


def wib(*args) -> datetime:
    return datetime(*args, tzinfo=WIB)


@pytest.fixture
def importer(db):
    user = UserFactory(username="importer", role="agent")
    user.user_permissions.add(Permission.objects.get(codename="import_history"))
    return user


@pytest.fixture
def contact(db):
    return ContactFactory(email="budi@armada.test")


def lebaran_row(**changes) -> HistoryRow:
    values = {
        "line": 2,
        "external_id": "OLD-1",
        "kind": "incident",
        "title": "GPS tidak update",
        "category": "gps_unit.not_updating",
        "cause": "blank_spot",
        "email": "budi@armada.test",
        "impact": "medium",
        "urgency": "medium",
        "reported_at": "2022-04-29 16:30",
        "first_response_at": "2022-05-09 09:00",
        "resolved_at": "2022-05-09 11:00",
        "resolution_code": "resolved_remotely",
        "resolution_summary": "Unit di area blank spot",
        "closed_at": "2022-05-10 09:00",
    }
    return HistoryRow(**(values | changes))


def write_csv(tmp_path, *lines: str, bom: bool = True):
    path = tmp_path / "tickets.csv"
    path.write_text(("\ufeff" if bom else "") + "\n".join(lines) + "\n", encoding="utf-8")
    return path


def run(*args) -> tuple[int, str]:
    """Run `sigap import` in English; its exit status and what it printed."""
    out = io.StringIO()
    try:
        call_command("import", *args, "--language", "en", stdout=out)
    except CommandError as exc:
        return exc.returncode, out.getvalue() + str(exc)
    return 0, out.getvalue()


@pytest.mark.django_db
def test_a_ticket_logged_before_lebaran_breaches_its_first_response_as_a_live_one(
    importer, contact
):
    report = history_import(rows=[lebaran_row()], by=importer)
    assert report.written and report.imported == 1 and not report.refusals
    ticket = Ticket.objects.get(external_ref="OLD-1")
    office = calendar_get("office")
    # Priority 3: first response within 1 working hour, resolution within 24. The desk
    # opens on Saturday 30 April, then not again until Saturday 7 May.
    assert ticket.priority == 3 and ticket.reported_at == LOGGED
    assert ticket.response_due_at == add(office, LOGGED, timedelta(hours=1)) == wib(2022, 4, 30, 9)
    assert ticket.resolve_due_at == wib(2022, 5, 10, 15)
    assert ticket.first_response_at == ANSWERED
    assert ticket.status == "closed" and ticket.resolved_at == wib(2022, 5, 9, 11)
    assert ticket.response_breached and not ticket.resolve_breached
    breach = SlaBreach.objects.get(ticket=ticket)
    assert breach.clock == "response" and breach.stopped_at == ANSWERED
    # Saturday 30 April 09:00-12:00, Saturday 7 May 08:00-12:00, Monday 9 May 08:00-09:00.
    assert breach.late_by == between(office, wib(2022, 4, 30, 9), ANSWERED) == timedelta(hours=8)

    # The same ticket worked live at those moments comes out the same.
    with time_machine.travel(LOGGED, tick=False):
        live = TicketFactory(contact=contact, impact="medium", urgency="medium")
    with time_machine.travel(ANSWERED, tick=False):
        ticket_comment(ticket=live, by=importer, body="Kami cek.", public=True)
    live.refresh_from_db()
    assert (live.response_due_at, live.resolve_due_at) == (
        ticket.response_due_at,
        ticket.resolve_due_at,
    )
    assert SlaBreach.objects.get(ticket=live).late_by == breach.late_by


@pytest.mark.django_db
def test_the_replayed_timeline_carries_the_old_systems_times(importer, contact):
    history_import(rows=[lebaran_row()], by=importer)
    ticket = Ticket.objects.get(external_ref="OLD-1")
    timeline = [(e.kind, e.action, e.at) for e in ticket.entries.order_by("at", "id")]
    assert timeline == [
        ("created", "", LOGGED),
        ("comment", "", ANSWERED),
        ("transition", "start", wib(2022, 5, 9, 11)),
        ("transition", "resolve", wib(2022, 5, 9, 11)),
        ("transition", "close", wib(2022, 5, 10, 9)),
    ]
    reply = ticket.entries.get(kind="comment")
    assert reply.public and reply.body == "(first response recorded in the old system)"


@pytest.mark.django_db
def test_tickets_of_different_years_each_wait_out_their_own_holidays(importer, contact):
    # The first ticket loads the calendar under a 2016 clock; the second still gets
    # the 2022 Lebaran holidays.
    old = HistoryRow(
        line=2,
        external_id="OLD-0",
        kind="request",
        title="Ganti nomor polisi",
        category="account.data_change",
        reported_at="2016-03-01 09:00",
    )
    report = history_import(rows=[old, lebaran_row(line=3, closed_at="")], by=importer)
    assert report.imported == 2, report.refusals
    assert Ticket.objects.get(external_ref="OLD-1").resolve_due_at == wib(2022, 5, 10, 15)


@pytest.mark.django_db
def test_an_incident_resolved_without_its_cause_is_refused(importer, contact):
    report = history_import(rows=[lebaran_row(cause="")], by=importer)
    assert not report.written and report.refused == 1
    (refusal,) = report.refusals
    assert (refusal.line, refusal.column) == (2, "cause")
    assert "cause" in refusal.reason
    assert not Ticket.objects.exists()


@pytest.mark.django_db
def test_times_out_of_order_are_refused_naming_the_column(importer, contact):
    row = lebaran_row(first_response_at="2022-04-29 15:00", closed_at="", cancelled_at="")
    report = history_import(rows=[row], by=importer, dry_run=True)
    assert [(r.column, r.reason) for r in report.refusals] == [
        ("first_response_at", "This is before reported_at.")
    ]


@pytest.mark.django_db
def test_a_user_without_the_permission_cannot_import(contact):
    agent = UserFactory(role="agent")
    with pytest.raises(Forbidden):
        history_import(rows=[lebaran_row()], by=agent)
    assert not Ticket.objects.exists()


@pytest.mark.django_db
def test_a_csv_with_semicolons_and_jakarta_times_is_imported(importer, contact, tmp_path):
    path = write_csv(tmp_path, HEADER, LEBARAN, REQUEST)
    status, out = run("tickets", str(path), "--as", "importer")
    assert status == 0, out
    assert "Imported 2, refused 0, already present 0." in out
    incident = Ticket.objects.get(external_ref="OLD-1")
    assert incident.kind == "incident" and incident.reported_at == LOGGED
    assert incident.response_breached and incident.status == "closed"
    request = Ticket.objects.get(external_ref="OLD-2")
    assert request.kind == "request" and request.status == "new"
    assert request.reported_at == wib(2022, 5, 10, 10) and request.contact == contact


@pytest.mark.django_db
def test_an_excel_workbook_with_datetime_cells_is_imported(importer, contact, tmp_path):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["Number", "Kind", "Title", "Category Code", "Contact E-mail", "Impact"])
    sheet["G1"], sheet["H1"] = "Urgency", "Reported at"
    sheet["I1"] = "First response at"
    sheet.append(
        [
            1001,
            "Insiden",
            "Unit mati",
            "gps_unit.not_updating",
            "budi@armada.test",
            "medium",
            "medium",
            datetime(2022, 4, 29, 16, 30),
            datetime(2022, 5, 9, 9, 0),
        ]
    )
    path = tmp_path / "tickets.xlsx"
    workbook.save(path)
    status, out = run("tickets", str(path), "--as", "importer")
    assert status == 0, out
    ticket = Ticket.objects.get(external_ref="1001")
    assert ticket.reported_at == LOGGED and ticket.first_response_at == ANSWERED
    assert SlaBreach.objects.get(ticket=ticket).late_by == timedelta(hours=8)


@pytest.mark.django_db
def test_a_dry_run_lists_the_refused_rows_and_writes_nothing(importer, contact, tmp_path):
    bad = "OLD-3;insiden;Unit rusak;gps_unit.nope;;budi@armada.test;;;31/04/2022 10:00;;;;;"
    path = write_csv(tmp_path, HEADER, LEBARAN, bad, REQUEST)
    status, out = run("tickets", str(path), "--dry-run", "--as", "importer")
    assert status == 65
    assert "Row 3, category: There is no category gps_unit.nope." in out
    assert "Row 3, reported_at: 31/04/2022 10:00 is not a date and time" in out
    assert "Nothing written. Would import 2, refuse 1, already present 0." in out
    assert not Ticket.objects.exists()


@pytest.mark.django_db
def test_one_refused_row_stops_the_whole_file(importer, contact, tmp_path):
    future = LEBARAN.replace("OLD-1", "OLD-9").replace("10/05/2022 09:00", "10/05/2099 09:00")
    path = write_csv(tmp_path, HEADER, REQUEST, future)
    status, out = run("tickets", str(path), "--as", "importer")
    assert status == 65
    assert "Row 3, closed_at: This time is in the future." in out
    assert "1 row cannot be imported as it is; fix it and run again." in out
    assert not Ticket.objects.exists()


@pytest.mark.django_db
def test_running_a_file_twice_imports_nothing_new(importer, contact, tmp_path):
    path = write_csv(tmp_path, HEADER, LEBARAN, REQUEST, bom=False)
    assert run("tickets", str(path), "--as", "importer")[0] == 0
    numbers = set(Ticket.objects.values_list("number", flat=True))
    status, out = run("tickets", str(path), "--as", "importer")
    assert status == 0
    assert "Imported 0, refused 0, already present 2." in out
    assert set(Ticket.objects.values_list("number", flat=True)) == numbers


@pytest.mark.django_db
def test_the_same_number_twice_in_a_file_is_refused(importer, contact, tmp_path):
    path = write_csv(tmp_path, HEADER, REQUEST, REQUEST.replace("Ganti", "Ubah"))
    status, out = run("tickets", str(path), "--dry-run", "--as", "importer")
    assert status == 65
    assert "Row 3, number: Row 2 has this number too" in out


@pytest.mark.django_db
def test_a_missing_or_unreadable_file_says_so(importer, tmp_path):
    assert run("tickets", str(tmp_path / "none.csv"), "--as", "importer")[0] == 66
    (tmp_path / "bad.xlsx").write_bytes(b"not a workbook")
    status, out = run("tickets", str(tmp_path / "bad.xlsx"), "--as", "importer")
    assert status == 65 and "not an Excel workbook" in out
    path = write_csv(tmp_path, "number,kind,title,category,reported,colour")
    status, out = run("tickets", str(path), "--as", "importer")
    assert status == 65 and "Unknown columns: reported, colour." in out


@pytest.mark.django_db
def test_the_command_needs_a_user_allowed_to_import(contact, tmp_path):
    path = write_csv(tmp_path, HEADER, REQUEST)
    assert run("tickets", str(path))[0] == 64
    UserFactory(username="clerk", role="agent")
    status, out = run("tickets", str(path), "--as", "clerk")
    assert status == 77 and "may not bring in tickets" in out
    assert not Ticket.objects.exists()


@pytest.mark.django_db
def test_every_fault_of_a_row_is_listed_at_once(importer, contact):
    row = lebaran_row(kind="keluhan", email="nobody@armada.test", resolution_code="fixed")
    report = history_import(rows=[row], by=importer, dry_run=True)
    assert {r.column for r in report.refusals} == {"kind", "email", "resolution_code"}
    assert report.refused == 1


@pytest.mark.django_db
def test_the_command_answers_in_the_language_asked_for(importer, tmp_path):
    bad = "OLD-3;insiden;Unit rusak;gps_unit.nope;;;;;29/04/2022 16:30;;;;;"
    path = write_csv(tmp_path, HEADER, bad)
    out = io.StringIO()
    with pytest.raises(CommandError):
        call_command(
            "import",
            "tickets",
            str(path),
            "--as",
            "importer",
            "--dry-run",
            "--language",
            "id",
            stdout=out,
        )
    assert "Kategori gps_unit.nope tidak ditemukan." in out.getvalue()


@pytest.mark.django_db
def test_a_cancelled_ticket_is_cancelled_at_its_time_with_its_reason(importer, contact):
    row = lebaran_row(
        first_response_at="",
        resolved_at="",
        closed_at="",
        resolution_code="",
        resolution_summary="Dobel dengan OLD-0",
        cancelled_at="30/04/2022 10:00",
    )
    assert history_import(rows=[row], by=importer).imported == 1
    ticket = Ticket.objects.get(external_ref="OLD-1")
    assert ticket.status == "cancelled" and ticket.cancelled_at == wib(2022, 4, 30, 10)
    assert ticket.entries.get(action="cancel").body == "Dobel dengan OLD-0"


@pytest.mark.django_db
def test_a_ticket_is_either_resolved_or_cancelled(importer, contact):
    row = lebaran_row(closed_at="", cancelled_at="2022-05-09 12:00")
    report = history_import(rows=[row], by=importer, dry_run=True)
    assert [(r.column, r.reason) for r in report.refusals] == [
        ("cancelled_at", "A ticket is either resolved or cancelled, not both.")
    ]


@pytest.mark.django_db
def test_an_old_priority_one_incident_is_recorded_but_tells_nobody_today(
    importer, contact, django_capture_on_commit_callbacks
):
    SupportGroup.objects.get(code="head_of_infrastructure").members.add(
        UserFactory(role="head_of_infrastructure", email="hendra@provider.test")
    )
    with django_capture_on_commit_callbacks(execute=True):
        history_import(rows=[lebaran_row(impact="high", urgency="high")], by=importer)
    ticket = Ticket.objects.get(external_ref="OLD-1")
    assert ticket.escalations.get().reason == "critical"  # on the record, as it was then
    assert mail.outbox == []
