"""The monthly report as files: the PDF (read back with pypdf), the spreadsheet (read
back with openpyxl), the charts as SVG, and `sigap report --format pdf|xlsx`."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import openpyxl
import pytest
from django.core.management import CommandError, call_command
from django.utils import translation
from pypdf import PdfReader

from sigap.kpi import charts
from sigap.kpi.monthly import month_report
from sigap.kpi.report_pdf import report_pdf
from sigap.kpi.report_tables import report_tables
from sigap.kpi.report_xlsx import report_xlsx
from sigap.tickets.models import Cause
from tests.desk.helpers import at
from tests.kpi.helpers import log, ticket, wib

PROVIDER = "PT Lacak Armada Nusantara"


@pytest.fixture
def march(db, settings):
    """Table 2 for March: GPS unit 2, account 1, total 3. One incident resolved in
    March (old device), its first response in time; another answered late."""
    settings.SIGAP_PROVIDER_NAME = PROVIDER
    log(wib(3, 3), "gps_unit.not_updating")
    log(wib(3, 4), "account.data_change", "request")
    ticket(
        reported_at=wib(3, 10),
        priority=2,
        response_due_at=wib(3, 10, 9, 15),
        first_response_at=wib(3, 10, 9, 10),
        resolved_at=wib(3, 10, 11),
        resolve_due_at=wib(3, 11),
        cause=Cause.objects.get(code="old_device"),
        status="resolved",
    )
    ticket(
        reported_at=wib(2, 27),
        priority=2,
        response_due_at=wib(3, 1, 8, 15),
        first_response_at=wib(3, 1, 9),
        response_breached=True,
    )


def _report(language: str = "en") -> dict:
    with translation.override(language), at(wib(4, 5)):
        return month_report(dt.date(2022, 3, 1))


def _pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def test_the_pdf_has_the_period_the_provider_every_section_and_its_figures(march):
    report = _report()
    with translation.override("en"):
        content = report_pdf(report)
        titles = [table.title for table in report_tables(report)]
    assert content.startswith(b"%PDF")
    text = _pdf_text(content)
    assert "Monthly support report" in text
    assert "March 2022" in text and PROVIDER in text
    for title in titles:
        assert title in text
    assert "Tickets reported: 3." in text  # Table 2 counts both kinds; one is February's
    assert "Old device type" in text  # the Pareto
    assert "50.0%" in text  # priority 2's first responses: one met, one late
    assert "100.0%" in text  # the one cause's cumulative share
    # The Table 2 row of March: GPS unit 2, account 1, total 3.
    assert "March 2022\nAll\n2\n0\n0\n0\n1\n0\n3" in text


def test_the_pdf_speaks_the_active_language(march):
    report = _report("id")
    with translation.override("id"):
        text = _pdf_text(report_pdf(report))
    assert "Maret 2022" in text and "March 2022" not in text


def test_the_spreadsheet_has_a_sheet_per_table_with_numbers_and_a_frozen_header(march):
    report = _report()
    with translation.override("en"):
        book = openpyxl.load_workbook(io.BytesIO(report_xlsx(report)))
        tables = report_tables(report)
    assert book.sheetnames == ["Report", *(t.sheet_title for t in tables)]
    cover = book["Report"]
    assert cover["A1"].value == "Monthly support report"
    assert [cover["A2"].value, cover["B2"].value] == ["Provider", PROVIDER]
    for table in tables:
        sheet = book[table.sheet_title]
        assert [c.value for c in sheet[1]] == [c.label for c in table.columns]
        assert sheet.freeze_panes == "B2"
        assert sheet.max_row == 1 + len(table.rows)
    complaints = book["Complaints by category"]
    all_march = [c.value for c in complaints[2]]
    assert all_march == ["March 2022", "All", 2, 0, 0, 0, 1, 0, 3]
    assert all(isinstance(v, int) for v in all_march[2:])
    sla = book["SLA compliance by priority"]
    high = [c.value for c in sla[3]]  # priority 2
    assert high[:6] == ["2 - High", 2, 1, 1, 0, 0.5]
    assert isinstance(high[5], float) and sla.cell(3, 6).number_format == "0.0%"
    causes = book["Causes of incidents"]
    assert [c.value for c in causes[2]] == ["Old device type", 1, 1.0, 1.0]
    scorecard = book["KPI scorecard"]
    weights = [scorecard.cell(r, 2).value for r in range(2, scorecard.max_row + 1)]
    assert all(isinstance(w, int | float) for w in weights), weights  # 10.0 reads back as 10


def test_each_chart_is_one_drawing_for_the_pdf_and_svg_for_a_page(march):
    report = _report()
    with translation.override("en"):
        drawings = [
            charts.trend_chart(report["trend"], report["category_labels"]),
            charts.pareto_chart(report["causes"]),
            charts.sla_chart(report["sla"]),
            charts.first_response_chart(report["first_response"]),
            charts.resolution_chart(report["resolution"]),
            charts.backlog_chart(report["backlog"]),
        ]
        svgs = [charts.to_svg(d) for d in drawings]
    for svg in svgs:
        assert svg.startswith("<?xml") and "<svg" in svg
    assert "GPS unit" in svgs[0] and "Mar 2022" in svgs[0]
    assert "Old device type" in svgs[1] and "Cumulative share" in svgs[1]


@pytest.mark.django_db
def test_an_empty_month_still_makes_both_files():
    report = _report()
    with translation.override("en"):
        assert "Nothing was recorded in these months." in _pdf_text(report_pdf(report))
        assert openpyxl.load_workbook(io.BytesIO(report_xlsx(report))).sheetnames[0] == "Report"


# sigap report


def test_sigap_report_writes_a_pdf_and_a_spreadsheet(march, tmp_path):
    pdf, xlsx = tmp_path / "march.pdf", tmp_path / "march.xlsx"
    with at(wib(4, 5)):
        call_command("report", "--month", "2022-03", "--format", "pdf", "--output", str(pdf))
        call_command("report", "--month", "2022-03", "--format", "xlsx", "--output", str(xlsx))
    assert pdf.read_bytes().startswith(b"%PDF")
    assert zipfile.is_zipfile(xlsx)
    assert "Complaints by category" in openpyxl.load_workbook(xlsx).sheetnames


def test_sigap_report_takes_the_language_and_writes_to_a_binary_standard_output(march):
    out = io.TextIOWrapper(io.BytesIO(), encoding="utf-8")
    with at(wib(4, 5)):
        call_command(
            "report", "--month", "2022-03", "--format", "pdf", "--language", "id", stdout=out
        )
    out.flush()
    content = out.buffer.getvalue()
    assert content.startswith(b"%PDF")
    assert "Maret 2022" in _pdf_text(content)


def test_sigap_report_refuses_a_bad_month_and_a_text_only_output(march):
    with pytest.raises(CommandError, match="not a month"):
        call_command("report", "--month", "2022-13", "--format", "pdf", "--output", "x.pdf")
    with pytest.raises(CommandError, match="--output"):
        call_command("report", "--month", "2022-03", "--format", "xlsx", stdout=io.StringIO())


def test_json_and_csv_are_as_before(march):
    out = io.StringIO()
    call_command("report", "--month", "2022-03", "--format", "json", stdout=out)
    assert '"total": 3' in out.getvalue()
