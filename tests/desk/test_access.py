"""Who reaches the desk: support staff and vendors; customers are sent to the portal."""

from __future__ import annotations

import pytest
from django.test import Client

from sigap.accounts.models import User
from tests.desk.helpers import signed_in
from tests.factories import ContactFactory, OrganisationFactory, UserFactory

PASSWORD = "secret-password"


@pytest.mark.django_db
def test_a_visitor_is_asked_to_sign_in_and_an_agent_gets_in():
    answer = Client().get("/desk/")
    assert answer.status_code == 302 and answer["Location"] == "/desk/login/?next=/desk/"
    UserFactory(username="rina", role="agent")
    client = Client()
    signed = client.post("/desk/login/", {"username": "rina", "password": PASSWORD})
    assert signed.status_code == 302 and signed["Location"] == "/desk/"
    page = client.get("/desk/")
    assert page.status_code == 200 and b"htmx-2.0.11.min.js" in page.content


@pytest.mark.django_db
def test_a_customer_cannot_sign_in_to_the_desk_and_is_told_why():
    organisation = OrganisationFactory()
    UserFactory(
        username="budi",
        role="customer",
        organisation=organisation,
        contact=ContactFactory(organisation=organisation),
    )
    refused = Client(HTTP_ACCEPT_LANGUAGE="en").post(
        "/desk/login/", {"username": "budi", "password": PASSWORD}
    )
    assert refused.status_code == 200 and b"Customers follow their tickets in the portal" in (
        refused.content
    )
    customer = User.objects.get(username="budi")
    page = signed_in(customer).get("/desk/")
    assert page.status_code == 403 and b"portal" in page.content


@pytest.mark.django_db
def test_a_vendor_gets_in():
    assert signed_in(UserFactory(role="vendor")).get("/desk/").status_code == 200


@pytest.mark.django_db
def test_the_language_switch_keeps_the_users_choice_and_returns_to_the_page():
    agent = UserFactory(role="agent", language="en")
    client = signed_in(agent)
    answer = client.post("/desk/language/", {"language": "id", "next": "/desk/?tab=request"})
    assert answer.status_code == 302 and answer["Location"] == "/desk/?tab=request"
    agent.refresh_from_db()
    assert agent.language == "id"
    assert '<html lang="id">' in client.get("/desk/").content.decode()
    away = client.post("/desk/language/", {"language": "en", "next": "https://evil.test/"})
    assert away["Location"] == "/desk/"
