from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from sigap.accounts.choices import Role
from sigap.routing.models import SupportGroup
from sigap.tickets.models import Category, Ticket
from tests.conftest import api_client
from tests.factories import ContactFactory, TicketFactory, UnitFactory, UserFactory, VehicleFactory

URL = "/api/v1/tickets"


def post(client, url, data, **extra):
    return client.post(url, data, content_type="application/json", **extra)


@pytest.fixture
def contact(db):
    return ContactFactory(email="budi@armada.test", phone="+6281234567890")


@pytest.mark.django_db
def test_logging_an_incident_answers_201_with_number_priority_and_status(api, contact):
    vehicle = VehicleFactory(organisation=contact.organisation, plate="B 1234 XYZ")
    answer = post(
        api,
        URL,
        {
            "kind": "incident",
            "title": "GPS tidak update",
            "category": "gps_unit.not_updating",
            "email": "BUDI@armada.test",
            "plate": "b1234xyz",
            "impact": "high",
            "urgency": "high",
        },
    )
    assert answer.status_code == 201, answer.content
    body = answer.json()
    assert body["number"] == "INC-000001"
    assert body["priority"] == 1
    assert body["status"] == "new"
    assert body["organisation"] == contact.organisation.code
    assert body["plate"] == vehicle.plate
    assert body["timeline"][0]["kind"] == "created"


@pytest.mark.django_db
def test_a_contact_is_found_by_phone_in_any_indonesian_spelling(api, contact):
    answer = post(
        api,
        URL,
        {
            "kind": "request",
            "title": "Ganti nopol",
            "category": "account.data_change",
            "phone": "0812-3456-7890",
        },
    )
    assert answer.status_code == 201
    assert answer.json()["contact_id"] == contact.pk
    assert answer.json()["number"] == "REQ-000001"


@pytest.mark.django_db
def test_a_retry_with_the_same_sender_id_returns_the_same_ticket(api, contact):
    payload = {
        "kind": "incident",
        "title": "Unit mati",
        "category": "gps_unit.not_updating",
        "contact_id": contact.pk,
        "external_id": "crm-991",
    }
    first = post(api, URL, payload)
    again = post(api, URL, payload)
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["number"] == again.json()["number"]
    assert Ticket.objects.count() == 1
    by_header = post(api, URL, {**payload, "external_id": None}, HTTP_IDEMPOTENCY_KEY="k-1")
    by_header_again = post(api, URL, {**payload, "external_id": None}, HTTP_IDEMPOTENCY_KEY="k-1")
    assert (by_header.status_code, by_header_again.status_code) == (201, 200)
    assert Ticket.objects.count() == 2


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"kind": "complaint"}, "kind"),
        ({"title": ""}, "title"),
        ({"category": "nope"}, "category"),
        ({"category": "account.data_change"}, "category"),  # requests only
        ({"impact": "huge"}, "impact"),
        ({"email": "nobody@nowhere.test"}, "email"),
        ({"plate": "not a plate"}, "plate"),
        ({"plate": "B 9 ZZZ"}, "plate"),  # valid but unknown
        ({"imei": "123456789012345"}, "imei"),  # bad check digit
        ({"cause": "plate_changed"}, "cause"),  # not a GPS cause
        ({"contact_id": 999999}, "contact_id"),
    ],
)
def test_bad_input_gets_422_naming_the_field_and_writes_nothing(api, contact, change, field):
    payload = {
        "kind": "incident",
        "title": "Unit mati",
        "category": "gps_unit.not_updating",
        "contact_id": contact.pk,
        **change,
    }
    if "email" in change or ("plate" in change and "contact_id" not in change):
        payload.pop("contact_id")
    answer = post(api, URL, payload)
    assert answer.status_code == 422, answer.content
    body = answer.json()
    assert body["error"] == "validation_error"
    assert field in body["fields"], body
    assert body["message"]
    assert Ticket.objects.count() == 0


@pytest.mark.django_db
def test_malformed_json_is_a_400_with_a_message(api):
    answer = api.post(URL, "{not json", content_type="application/json")
    assert answer.status_code == 400
    assert answer.json()["error"] == "bad_request"
    assert Ticket.objects.count() == 0


@pytest.mark.django_db
def test_without_a_valid_token_the_api_answers_401(client, agent):
    assert client.get(URL).status_code == 401
    wrong = client.get(URL, HTTP_AUTHORIZATION="Bearer sgp_forged")
    assert wrong.status_code == 401
    assert wrong.json()["error"] == "unauthenticated"
    assert wrong["WWW-Authenticate"] == "Bearer"


@pytest.mark.django_db
def test_an_unknown_ticket_is_404(api):
    answer = api.get(f"{URL}/INC-424242")
    assert answer.status_code == 404
    assert answer.json()["error"] == "not_found"
    assert "INC-424242" in answer.json()["message"]


@pytest.mark.django_db
def test_a_forbidden_transition_is_409_naming_status_and_allowed_actions(api):
    ticket = TicketFactory()
    answer = post(api, f"{URL}/{ticket.number}/actions/close", {})
    assert answer.status_code == 409
    body = answer.json()
    assert body["error"] == "invalid_transition"
    assert ticket.number in body["message"] and "resolve" in body["message"]


@pytest.mark.django_db
def test_an_unknown_action_is_422(api):
    ticket = TicketFactory()
    answer = post(api, f"{URL}/{ticket.number}/actions/explode", {})
    assert answer.status_code == 422
    assert "action" in answer.json()["fields"]


@pytest.mark.django_db
def test_a_stale_expected_version_is_409(api):
    ticket = TicketFactory()
    post(api, f"{URL}/{ticket.number}/actions/start", {})
    answer = post(
        api, f"{URL}/{ticket.number}/actions/cancel", {"reason": "dup", "expected_version": 1}
    )
    assert answer.status_code == 409
    assert answer.json()["error"] == "conflict"


@pytest.mark.django_db
def test_actions_move_the_ticket_and_the_detail_shows_the_timeline(api, agent):
    ticket = TicketFactory()
    n = ticket.number
    assert post(api, f"{URL}/{n}/actions/start", {}).status_code == 200
    escalated = post(
        api, f"{URL}/{n}/actions/escalate", {"group": "technicians", "reason": "site visit"}
    )
    assert escalated.status_code == 200
    assert escalated.json()["support_group"] == "technicians"
    missing = post(api, f"{URL}/{n}/actions/resolve", {"resolution_code": "technician_visit"})
    assert missing.status_code == 422
    assert {"summary", "cause"} <= set(missing.json()["fields"])
    resolved = post(
        api,
        f"{URL}/{n}/actions/resolve",
        {
            "resolution_code": "technician_visit",
            "summary": "Antenna replaced",
            "cause": "old_device",
        },
    )
    assert resolved.status_code == 200
    detail = api.get(f"{URL}/{n}").json()
    assert detail["status"] == "resolved"
    assert detail["allowed_actions"] == ["close", "reopen"]
    assert [e["action"] for e in detail["timeline"]] == ["", "start", "escalate", "resolve"]
    assert detail["timeline"][2]["changes"]["support_group"] == ["customer_support", "technicians"]


@pytest.mark.django_db
def test_comments_and_notes(api):
    ticket = TicketFactory()
    reply = post(api, f"{URL}/{ticket.number}/comments", {"body": "Sedang kami cek"})
    note = post(api, f"{URL}/{ticket.number}/comments", {"body": "SIM expired?", "public": False})
    empty = post(api, f"{URL}/{ticket.number}/comments", {"body": ""})
    assert (reply.status_code, note.status_code, empty.status_code) == (201, 201, 422)
    detail = api.get(f"{URL}/{ticket.number}").json()
    assert detail["first_response_at"] is not None
    assert [e["kind"] for e in detail["timeline"]] == ["created", "comment", "note"]


@pytest.mark.django_db
def test_list_filters_and_cursor_pagination(api):
    with time_machine.travel(dt.datetime(2022, 1, 3, 2, 0, tzinfo=dt.UTC), tick=False) as t:
        for _ in range(5):
            TicketFactory()
            t.shift(dt.timedelta(days=1))
    with time_machine.travel(dt.datetime(2022, 2, 1, 2, 0, tzinfo=dt.UTC), tick=False):
        request = TicketFactory(
            kind="request", category=Category.objects.get(code="payment.invoice")
        )

    page1 = api.get(URL, {"limit": 2}).json()
    assert [t["number"] for t in page1["items"]] == [request.number, "INC-000005"]
    page2 = api.get(URL, {"limit": 2, "cursor": page1["next_cursor"]}).json()
    assert [t["number"] for t in page2["items"]] == ["INC-000004", "INC-000003"]
    page3 = api.get(URL, {"limit": 2, "cursor": page2["next_cursor"]}).json()
    assert [t["number"] for t in page3["items"]] == ["INC-000002", "INC-000001"]
    assert page3["next_cursor"] is None

    requests_only = api.get(URL, {"kind": "request"}).json()["items"]
    assert [t["number"] for t in requests_only] == [request.number]
    by_category = api.get(URL, {"category": "gps_unit"}).json()["items"]
    assert len(by_category) == 5
    january = api.get(URL, {"reported_from": "2022-01-04", "reported_to": "2022-01-05"}).json()
    assert [t["number"] for t in january["items"]] == ["INC-000003", "INC-000002"]
    item = january["items"][0]
    assert set(item) >= {
        "number",
        "kind",
        "title",
        "status",
        "priority",
        "category",
        "channel",
        "organisation",
        "reported_at",
        "first_response_at",
        "escalated_at",
        "resolved_at",
        "closed_at",
    }
    bad = api.get(URL, {"cursor": "!!!"})
    assert bad.status_code == 422 and "cursor" in bad.json()["fields"]
    assert api.get(URL, {"limit": 0}).status_code == 422
    assert api.get(URL, {"status": "lost"}).status_code == 422


@pytest.mark.django_db
def test_the_list_costs_the_same_queries_for_5_or_50_tickets(api):
    TicketFactory.create_batch(5)
    api.get(URL)  # warm the token's last-used stamp
    with CaptureQueriesContext(connection) as few:
        assert api.get(URL).status_code == 200
    TicketFactory.create_batch(45)
    with CaptureQueriesContext(connection) as many:
        assert len(api.get(URL).json()["items"]) == 50
    assert len(many) == len(few) <= 4


@pytest.mark.django_db
def test_customers_see_only_their_organisation_and_log_as_themselves(agent):
    mine = ContactFactory()
    customer = UserFactory(role=Role.CUSTOMER, organisation=mine.organisation, contact=mine)
    own = TicketFactory(contact=mine)
    other = TicketFactory()
    client = api_client(customer)
    listed = [t["number"] for t in client.get(URL).json()["items"]]
    assert listed == [own.number]
    assert client.get(f"{URL}/{other.number}").status_code == 404
    logged = post(
        client,
        URL,
        {
            "kind": "incident",
            "title": "GPS mati",
            "category": "gps_unit.not_updating",
            "contact_id": other.contact_id,
        },
    )
    assert logged.status_code == 201
    assert logged.json()["contact_id"] == mine.pk and logged.json()["channel"] == "portal"
    note = post(client, f"{URL}/{own.number}/comments", {"body": "x", "public": False})
    assert note.status_code == 403
    start = post(client, f"{URL}/{own.number}/actions/start", {})
    assert start.status_code == 403
    foreign = VehicleFactory()
    refused = post(
        client,
        URL,
        {
            "kind": "incident",
            "title": "x",
            "category": "gps_unit.not_updating",
            "plate": foreign.plate,
        },
    )
    assert refused.status_code == 422


@pytest.mark.django_db
def test_customers_see_public_entries_only(agent):
    mine = ContactFactory()
    customer = UserFactory(role=Role.CUSTOMER, organisation=mine.organisation, contact=mine)
    ticket = TicketFactory(contact=mine)
    staff = api_client(agent)
    post(staff, f"{URL}/{ticket.number}/comments", {"body": "internal", "public": False})
    post(staff, f"{URL}/{ticket.number}/comments", {"body": "Sudah kami cek"})
    timeline = api_client(customer).get(f"{URL}/{ticket.number}").json()["timeline"]
    assert [e["body"] for e in timeline] == ["", "Sudah kami cek"]


@pytest.mark.django_db
def test_vendors_see_only_what_was_escalated_to_them(api):
    vendor = UserFactory(role=Role.VENDOR)
    SupportGroup.objects.get(code="vendor").members.add(vendor)
    escalated, kept = TicketFactory(), TicketFactory()
    post(api, f"{URL}/{escalated.number}/actions/escalate", {"group": "vendor", "reason": "RMA"})
    client = api_client(vendor)
    assert [t["number"] for t in client.get(URL).json()["items"]] == [escalated.number]
    assert client.get(f"{URL}/{kept.number}").status_code == 404
    assert (
        post(
            client, URL, {"kind": "incident", "title": "x", "category": "gps_unit.not_updating"}
        ).status_code
        == 403
    )
    assert client.get(f"{URL}/{escalated.number}").json()["allowed_actions"] == [
        "start",
        "pend",
        "resolve",
    ]


@pytest.mark.django_db
def test_unit_given_without_plate_brings_its_vehicle(api, contact):
    unit = UnitFactory(vehicle=VehicleFactory(organisation=contact.organisation))
    answer = post(
        api,
        URL,
        {
            "kind": "incident",
            "title": "x",
            "category": "gps_unit.not_updating",
            "imei": unit.imei,
        },
    )
    assert answer.status_code == 201
    assert answer.json()["plate"] == unit.vehicle.plate
    assert answer.json()["organisation"] == contact.organisation.code


@pytest.mark.django_db
def test_the_list_reads_highest_priority_first_when_asked(api):
    for level in ["low", "high", "medium"]:
        TicketFactory(impact=level, urgency=level)
    body = api.get(URL, {"sort": "priority", "limit": 2}).json()
    assert [t["priority"] for t in body["items"]] == [1, 3]
    rest = api.get(URL, {"sort": "priority", "cursor": body["next_cursor"]}).json()
    assert [t["priority"] for t in rest["items"]] == [5]
    assert api.get(URL, {"cursor": body["next_cursor"]}).status_code == 422  # another order
