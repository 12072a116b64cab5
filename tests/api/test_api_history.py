"""POST /api/v1/tickets with the old system's timestamps (history import)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth.models import Permission

from sigap.tickets.models import Ticket
from tests.conftest import api_client
from tests.factories import ContactFactory, UserFactory

URL = "/api/v1/tickets"
WIB = ZoneInfo("Asia/Jakarta")


def wib(*args) -> datetime:
    return datetime(*args, tzinfo=WIB)


def post(client, data):
    return client.post(URL, data, content_type="application/json")


def moment(text: str) -> datetime:
    return datetime.fromisoformat(text)


@pytest.fixture
def importer(db):
    user = UserFactory(username="importer", role="agent")
    user.user_permissions.add(Permission.objects.get(codename="import_history"))
    return api_client(user)


@pytest.fixture
def contact(db):
    return ContactFactory(email="budi@armada.test")


def lebaran(**changes) -> dict:
    """An incident logged Friday 29 April 2022 16:30 WIB, before the Eid al-Fitr
    holidays, and first answered on the Monday after them."""
    return {
        "kind": "incident",
        "title": "GPS tidak update",
        "category": "gps_unit.not_updating",
        "cause": "blank_spot",
        "email": "budi@armada.test",
        "channel": "email",
        "impact": "medium",
        "urgency": "medium",
        "external_id": "OLD-1",
        "reported_at": "2022-04-29T16:30:00+07:00",
        "first_response_at": "2022-05-09T09:00:00+07:00",
        **changes,
    }


@pytest.mark.django_db
def test_an_imported_ticket_shows_its_deadlines_and_its_late_first_response(importer, contact):
    answer = post(importer, lebaran())
    assert answer.status_code == 201, answer.content
    number = answer.json()["number"]
    body = importer.get(f"{URL}/{number}").json()
    assert moment(body["reported_at"]) == wib(2022, 4, 29, 16, 30)
    assert moment(body["first_response_at"]) == wib(2022, 5, 9, 9, 0)
    # One working hour: the desk opens on Saturday 30 April at 08:00.
    assert moment(body["response_due_at"]) == wib(2022, 4, 30, 9, 0)
    assert moment(body["resolve_due_at"]) == wib(2022, 5, 10, 15, 0)
    (breach,) = body["breaches"]
    assert breach["clock"] == "response"
    assert moment(breach["due_at"]) == wib(2022, 4, 30, 9, 0)
    assert moment(breach["stopped_at"]) == wib(2022, 5, 9, 9, 0)
    # Saturday 30 April 09:00-12:00, Saturday 7 May 08:00-12:00, Monday 9 May 08:00-09:00.
    assert breach["late_by_minutes"] == 8 * 60


@pytest.mark.django_db
def test_an_imported_resolution_is_on_the_ticket(importer, contact):
    answer = post(
        importer,
        lebaran(
            resolved_at="2022-05-09T11:00:00+07:00",
            resolution_code="resolved_remotely",
            resolution_summary="Unit di area blank spot",
        ),
    )
    assert answer.status_code == 201, answer.content
    body = answer.json()
    assert body["status"] == "resolved" and body["resolution_code"] == "resolved_remotely"
    assert moment(body["resolved_at"]) == wib(2022, 5, 9, 11, 0)
    assert [e["kind"] for e in body["timeline"]] == [
        "created",
        "comment",
        "transition",
        "transition",
    ]


@pytest.mark.django_db
def test_a_retry_of_an_import_returns_the_ticket_already_there(importer, contact):
    first = post(importer, lebaran())
    again = post(importer, lebaran())
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["number"] == first.json()["number"]
    assert Ticket.objects.count() == 1


@pytest.mark.django_db
def test_without_the_permission_history_is_refused(api, contact):
    answer = post(api, lebaran())
    assert answer.status_code == 403
    body = answer.json()
    assert body["error"] == "forbidden"
    assert "reported_at" in body["message"]
    assert not Ticket.objects.exists()


@pytest.mark.django_db
def test_a_time_without_a_zone_is_refused(importer, contact):
    answer = post(importer, lebaran(reported_at="2022-04-29T16:30:00"))
    assert answer.status_code == 422
    body = answer.json()
    assert "time zone" in body["fields"]["reported_at"]
    assert "reported_at" in body["message"]
    assert not Ticket.objects.exists()


@pytest.mark.django_db
def test_times_out_of_order_are_refused_naming_the_field(importer, contact):
    answer = post(
        importer,
        lebaran(
            resolved_at="2022-05-09T08:00:00+07:00",
            resolution_code="resolved_remotely",
        ),
    )
    assert answer.status_code == 422
    assert answer.json()["fields"] == {"resolved_at": "This is before first_response_at."}


@pytest.mark.django_db
def test_a_time_in_the_future_is_refused(importer, contact):
    with time_machine.travel(wib(2022, 5, 9, 8, 0), tick=False):
        answer = post(importer, lebaran())
    assert answer.status_code == 422
    assert answer.json()["fields"] == {"first_response_at": "This time is in the future."}


@pytest.mark.django_db
def test_an_import_needs_the_old_systems_number(importer, contact):
    answer = post(importer, lebaran(external_id=None))
    assert answer.status_code == 422
    assert answer.json()["fields"] == {"external_id": "Required."}
