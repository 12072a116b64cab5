"""The managers' dashboard: the report's figures for any period with its charts, and
whether complaints are falling."""

from __future__ import annotations

import base64
import datetime as dt
import re

import pytest
from django.test import Client

from sigap.tickets.models import Category
from tests.desk.helpers import at
from tests.factories import TicketFactory, UserFactory

WIB = dt.timezone(dt.timedelta(hours=7))


def signed_in(role: str) -> Client:
    client = Client()
    client.force_login(UserFactory(role=role, language="en"))
    return client


def log(month: int, count: int, code: str = "gps_unit.not_updating") -> None:
    category = Category.objects.get(code=code)
    for day in range(1, count + 1):
        with at(dt.datetime(2022, month, day, 10, tzinfo=WIB)):
            TicketFactory(kind="incident", category=category)


@pytest.mark.django_db
def test_a_manager_sees_the_falling_trend_the_tables_and_the_charts():
    log(1, 9)
    log(2, 6)
    log(3, 3)
    log(3, 2, "payment.invoice")
    page = signed_in("manager").get(
        "/desk/dashboard/", {"start": "2022-03-01", "end": "2022-03-31"}
    )
    assert page.status_code == 200
    html = page.content.decode()
    # 5 in March against 6 in February and 9 in January.
    assert "Falling: 5 in March 2022, -1 (-16.7%) against February 2022" in html
    assert "-4 (-44.4%) against January 2022" in html
    assert "Falling in:" in html and "GPS unit" in html
    # Each chart is an SVG image the server drew, with an alternative text.
    images = re.findall(r'<img src="data:image/svg\+xml;base64,([^"]+)" alt="Chart: ([^"]+)"', html)
    assert len(images) >= 5
    svg = base64.b64decode(images[0][0]).decode()
    assert svg.lstrip().startswith("<?xml") and "<svg" in svg
    assert "Complaints" in html and "KPI score" in html


@pytest.mark.django_db
def test_a_category_name_cannot_run_in_the_page():
    category = Category.objects.get(code="gps_unit")
    category.name_en = '<script>alert("x")</script>'
    category.save()
    log(3, 2)
    html = (
        signed_in("manager")
        .get("/desk/dashboard/", {"start": "2022-03-01", "end": "2022-03-31"})
        .content.decode()
    )
    assert '<script>alert("x")</script>' not in html
    assert "&lt;script&gt;" in html


@pytest.mark.django_db
@pytest.mark.parametrize(("role", "status"), [("agent", 403), ("head_of_infrastructure", 200)])
def test_the_dashboard_is_for_management(role, status):
    assert signed_in(role).get("/desk/dashboard/").status_code == status


@pytest.mark.django_db
def test_a_period_that_ends_before_it_starts_is_explained():
    page = signed_in("manager").get(
        "/desk/dashboard/", {"start": "2022-03-31", "end": "2022-03-01"}
    )
    assert page.status_code == 200
    assert "The period ends before it starts." in page.content.decode()
