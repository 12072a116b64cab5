"""Changes that are not moves of the status, over the API: category and cause,
conversion, parent and duplicate links, management; each refuses a stale version."""

from __future__ import annotations

import pytest

from sigap.routing.models import Escalation
from sigap.tickets.models import Category
from tests.channels.recording import recorded, sent  # noqa: F401 (a fixture)
from tests.conftest import api_client
from tests.factories import ContactFactory, TicketFactory, UserFactory


def post(api, ticket, what: str, **payload):
    return api.post(
        f"/api/v1/tickets/{ticket.number}/{what}", payload, content_type="application/json"
    )


@pytest.fixture
def ticket(db):
    return TicketFactory()


@pytest.mark.django_db
def test_the_cause_is_named_once_diagnosed_and_a_foreign_one_refused(api, ticket):
    answer = post(api, ticket, "category", category=ticket.category.code, cause="blank_spot")
    assert answer.status_code == 200 and answer.json()["cause"] == "blank_spot"
    answer = post(api, ticket, "category", category=ticket.category.code, cause="vehicle_sold")
    assert answer.status_code == 422
    assert "does not apply to category" in answer.json()["message"]


@pytest.mark.django_db
def test_a_conversion_keeps_the_number_and_a_stale_one_is_refused(api, ticket):
    requests = Category.objects.filter(kind__in=["request", "both"], is_active=True)[0]
    stale = ticket.version
    answer = post(api, ticket, "convert", kind="request", category=requests.code, reason="Ganti")
    body = answer.json()
    assert answer.status_code == 200
    assert body["kind"] == "request" and body["number"] == ticket.number
    answer = post(api, ticket, "convert", kind="incident", reason="Balik", expected_version=stale)
    assert answer.status_code == 409


@pytest.mark.django_db
def test_parent_and_duplicate_links_show_on_the_ticket(api, ticket):
    outage, other = TicketFactory(), TicketFactory()
    assert post(api, ticket, "parent", parent=outage.number).json()["parent"] == outage.number
    body = post(api, other, "duplicate", original=ticket.number).json()
    assert body["duplicate_of"] == ticket.number and body["status"] == "cancelled"
    answer = post(api, ticket, "parent", parent="INC-999999")
    assert answer.status_code == 422 and "INC-999999" in answer.json()["message"]


@pytest.mark.django_db
def test_management_is_brought_in_once_and_only_by_support_staff(api, ticket):
    assert post(api, ticket, "management", reason="Pelanggan besar").status_code == 200
    assert Escalation.objects.get(ticket=ticket).to_group.code == "head_of_infrastructure"
    again = post(api, ticket, "management", reason="Lagi")
    assert again.status_code == 422 and "already involved" in again.json()["message"]
    customer = api_client(UserFactory(role="customer"))
    assert post(customer, ticket, "management", reason="x").status_code in (403, 404)


@pytest.mark.django_db
@pytest.mark.usefixtures("recorded")
def test_a_reply_goes_by_the_channel_asked_for_or_is_refused(
    api, django_capture_on_commit_callbacks
):
    ticket = TicketFactory(channel="email", contact=ContactFactory(phone="+6281299998888"))
    url = f"/api/v1/tickets/{ticket.number}/comments"
    with django_capture_on_commit_callbacks(execute=True):
        answer = api.post(
            url, {"body": "Sudah normal.", "channel": "whatsapp"}, content_type="application/json"
        )
    assert answer.status_code == 201
    assert [(m.channel, m.recipient) for m in sent] == [("whatsapp", "6281299998888")]
    other = TicketFactory(contact=ContactFactory(phone=""))
    refused = api.post(
        f"/api/v1/tickets/{other.number}/comments",
        {"body": "Halo", "channel": "whatsapp"},
        content_type="application/json",
    )
    assert refused.status_code == 422 and "cannot be reached" in refused.json()["message"]
