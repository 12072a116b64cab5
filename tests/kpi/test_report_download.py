"""The monthly report downloaded from the desk: for the support team, in the user's
language, named after the month; a bad month or format is a 400 with why."""

from __future__ import annotations

import io

import openpyxl
import pytest
from pypdf import PdfReader

from sigap.accounts.choices import Role
from tests.desk.helpers import at, signed_in
from tests.factories import UserFactory
from tests.kpi.helpers import log, wib

URL = "/desk/reports/monthly/"


@pytest.fixture
def manager(db):
    return UserFactory(role=Role.MANAGER, language="en")


@pytest.fixture
def march(db):
    log(wib(3, 3), "gps_unit.not_updating")


def test_a_manager_downloads_the_months_pdf_in_their_language(manager, march):
    with at(wib(4, 5)):
        answer = signed_in(manager).get(URL, {"month": "2022-03", "format": "pdf"})
    assert answer.status_code == 200
    assert answer["Content-Type"] == "application/pdf"
    assert answer["Content-Disposition"] == 'attachment; filename="sigap-report-2022-03.pdf"'
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(answer.content)).pages)
    assert "Monthly support report" in text and "March 2022" in text

    manager.language = "id"
    manager.save(update_fields=["language"])
    with at(wib(4, 5)):
        answer = signed_in(manager).get(URL, {"month": "2022-03", "format": "pdf"})
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(answer.content)).pages)
    assert "Maret 2022" in text


def test_the_spreadsheet_comes_with_its_own_type_and_name(manager, march):
    agent = UserFactory(role=Role.AGENT, language="en")  # the KPI page's access: all staff
    with at(wib(4, 5)):
        answer = signed_in(agent).get(URL, {"month": "2022-03", "format": "xlsx"})
    assert answer.status_code == 200
    assert answer["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert answer["Content-Disposition"] == 'attachment; filename="sigap-report-2022-03.xlsx"'
    book = openpyxl.load_workbook(io.BytesIO(answer.content))
    assert "Complaints by category" in book.sheetnames


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"month": "2022-13", "format": "pdf"}, "2022-13 is not a month; write it as YYYY-MM."),
        ({"month": "March", "format": "pdf"}, "March is not a month; write it as YYYY-MM."),
        ({"format": "pdf"}, "is not a month; write it as YYYY-MM."),
        ({"month": "2022-03", "format": "doc"}, "doc is not a report format"),
    ],
)
def test_a_bad_month_or_format_is_refused_with_a_message(manager, query, message):
    answer = signed_in(manager).get(URL, query)
    assert answer.status_code == 400
    assert message in answer.content.decode()


@pytest.mark.parametrize("role", [Role.CUSTOMER, Role.VENDOR])
def test_customers_and_vendors_get_no_report(db, role):
    answer = signed_in(UserFactory(role=role)).get(URL, {"month": "2022-03", "format": "pdf"})
    assert answer.status_code == 403
    assert answer["Content-Type"].startswith("text/html")


def test_the_kpi_page_offers_the_download_of_the_month_shown(manager):
    with at(wib(4, 5)):
        page = signed_in(manager).get("/desk/kpi/", {"start": "2022-03-01", "end": "2022-03-31"})
    html = page.content.decode()
    assert f'action="{URL}"' in html
    assert 'name="month" value="2022-03"' in html
    assert 'value="xlsx"' in html
