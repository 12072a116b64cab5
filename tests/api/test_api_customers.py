from __future__ import annotations

import pytest

from sigap.accounts.choices import Role
from sigap.customers.models import Contact, Subscription, Unit, Vehicle
from tests.conftest import api_client
from tests.factories import (
    ContactFactory,
    OrganisationFactory,
    UserFactory,
    VehicleFactory,
    imei_for,
)


def post(client, url, data):
    return client.post(url, data, content_type="application/json")


def patch(client, url, data):
    return client.patch(url, data, content_type="application/json")


@pytest.mark.django_db
def test_a_customer_is_set_up_with_its_fleet(api):
    assert (
        post(
            api, "/api/v1/organisations", {"code": "pt-maju", "name": "PT Maju", "tier": "vip"}
        ).status_code
        == 201
    )
    contact = post(
        api,
        "/api/v1/contacts",
        {
            "organisation": "pt-maju",
            "name": "Sari",
            "email": "Sari@Maju.co.id",
            "phone": "0812-1111-2222",
            "language": "en",
        },
    )
    assert contact.status_code == 201
    assert contact.json()["phone"] == "+6281211112222"
    assert contact.json()["email"] == "sari@maju.co.id"
    vehicle = post(api, "/api/v1/vehicles", {"organisation": "pt-maju", "plate": "b 9 abc"})
    assert vehicle.json()["plate"] == "B 9 ABC"
    imei = imei_for(7)
    unit = post(
        api,
        "/api/v1/units",
        {
            "imei": imei,
            "device_vendor": "Concox",
            "device_model": "GT06N",
            "firmware": "1.2",
            "vehicle": "B9ABC",
        },
    )
    assert unit.status_code == 201, unit.content
    assert unit.json()["vehicle"] == "B 9 ABC"
    sub = post(
        api,
        "/api/v1/subscriptions",
        {"organisation": "pt-maju", "imei": imei, "starts_on": "2022-01-01"},
    )
    assert sub.status_code == 201
    assert api.get("/api/v1/organisations/pt-maju").json()["tier"] == "vip"
    assert api.get("/api/v1/vehicles/B9ABC").json()["organisation"] == "pt-maju"
    assert api.get(f"/api/v1/units/{imei}").json()["device_model"] == "GT06N"
    ended = patch(
        api,
        f"/api/v1/subscriptions/{sub.json()['id']}",
        {
            "status": "terminated",
            "termination_reason": "vehicle_sold",
            "ends_on": "2022-04-30",
        },
    )
    assert ended.status_code == 200 and ended.json()["status"] == "terminated"
    assert [s["id"] for s in api.get("/api/v1/subscriptions", {"status": "terminated"}).json()] == [
        sub.json()["id"]
    ]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("url", "payload", "field"),
    [
        ("/api/v1/organisations", {"code": "has space", "name": "X"}, "code"),
        ("/api/v1/organisations", {"code": "ok", "name": ""}, "name"),
        ("/api/v1/contacts", {"organisation": "nope", "name": "A"}, "organisation"),
        ("/api/v1/contacts", {"organisation": "org-a", "name": "A", "phone": "12"}, "phone"),
        ("/api/v1/contacts", {"organisation": "org-a", "name": "A", "email": "not-mail"}, "email"),
        ("/api/v1/vehicles", {"organisation": "org-a", "plate": "XXXX"}, "plate"),
        (
            "/api/v1/units",
            {"imei": "490154203237519", "device_vendor": "A", "device_model": "B"},
            "imei",
        ),
        (
            "/api/v1/units",
            {"imei": imei_for(1), "device_vendor": "A", "device_model": "B", "vehicle": "Z 1 ZZ"},
            "vehicle",
        ),
    ],
)
def test_bad_customer_data_is_422_naming_the_field(api, url, payload, field):
    OrganisationFactory(code="org-a")
    answer = post(api, url, payload)
    assert answer.status_code == 422, answer.content
    assert field in answer.json()["fields"], answer.json()
    assert Contact.objects.count() == Vehicle.objects.count() == Unit.objects.count() == 0


@pytest.mark.django_db
def test_duplicates_are_refused(api):
    org = OrganisationFactory(code="org-a")
    VehicleFactory(organisation=org, plate="B 1 AA")
    ContactFactory(organisation=org, email="a@b.test")
    dup_org = post(api, "/api/v1/organisations", {"code": "org-a", "name": "Again"})
    dup_plate = post(api, "/api/v1/vehicles", {"organisation": "org-a", "plate": "b1aa"})
    dup_mail = post(
        api, "/api/v1/contacts", {"organisation": "org-a", "name": "X", "email": "A@B.test"}
    )
    assert [r.status_code for r in (dup_org, dup_plate, dup_mail)] == [422, 422, 422]
    assert "code" in dup_org.json()["fields"]
    assert "plate" in dup_plate.json()["fields"]


@pytest.mark.django_db
def test_a_subscription_cannot_end_before_it_starts_nor_terminate_without_reason(api):
    org = OrganisationFactory(code="org-a")
    unit = post(
        api, "/api/v1/units", {"imei": imei_for(3), "device_vendor": "A", "device_model": "B"}
    )
    assert unit.status_code == 201
    backwards = post(
        api,
        "/api/v1/subscriptions",
        {
            "organisation": org.code,
            "imei": imei_for(3),
            "starts_on": "2022-05-01",
            "ends_on": "2022-01-01",
        },
    )
    assert backwards.status_code == 422
    sub = post(
        api,
        "/api/v1/subscriptions",
        {"organisation": org.code, "imei": imei_for(3), "starts_on": "2022-05-01"},
    )
    no_reason = patch(api, f"/api/v1/subscriptions/{sub.json()['id']}", {"status": "terminated"})
    assert no_reason.status_code == 422
    assert Subscription.objects.get().status == "active"


@pytest.mark.django_db
def test_customers_read_only_their_own_records_and_cannot_write(agent):
    mine, theirs = OrganisationFactory(code="mine"), OrganisationFactory(code="theirs")
    VehicleFactory(organisation=mine, plate="B 1 AA")
    VehicleFactory(organisation=theirs, plate="B 2 BB")
    client = api_client(UserFactory(role=Role.CUSTOMER, organisation=mine))
    assert [o["code"] for o in client.get("/api/v1/organisations").json()] == ["mine"]
    assert [v["plate"] for v in client.get("/api/v1/vehicles").json()] == ["B 1 AA"]
    assert client.get("/api/v1/vehicles/B2BB").status_code == 404
    assert client.get("/api/v1/organisations/theirs").status_code == 404
    refused = post(client, "/api/v1/vehicles", {"organisation": "mine", "plate": "B 3 CC"})
    assert refused.status_code == 403
    assert refused.json()["error"] == "forbidden"
