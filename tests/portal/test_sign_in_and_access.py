"""Who may use the portal: customers sign in and out; staff look; everyone else is refused."""

from __future__ import annotations

import pytest
from django.test import Client

from sigap.accounts.choices import Role
from tests.factories import OrganisationFactory, TicketFactory, UserFactory
from tests.portal.helpers import PASSWORD, make_customer, signed_in


def signed_in_user_id(client: Client) -> str | None:
    return client.session.get("_auth_user_id")


@pytest.mark.django_db
def test_a_visitor_is_sent_to_sign_in_and_back_after_it(customer):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    answer = client.get("/portal/tickets/")
    assert answer.status_code == 302
    assert answer["Location"] == "/portal/login/?next=/portal/tickets/"

    login = client.get(answer["Location"])
    assert login.status_code == 200
    assert b"Forgot your password?" in login.content

    answer = client.post(
        "/portal/login/",
        {"username": customer.username, "password": PASSWORD, "next": "/portal/tickets/"},
    )
    assert answer.status_code == 302 and answer["Location"] == "/portal/tickets/"
    assert signed_in_user_id(client) == str(customer.pk)


@pytest.mark.django_db
def test_a_customer_lands_on_a_home_with_the_two_entry_points(customer):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    answer = client.post("/portal/login/", {"username": customer.username, "password": PASSWORD})
    assert answer["Location"] == "/portal/"
    home = client.get("/portal/")
    assert home.status_code == 200
    assert b'href="/portal/report/"' in home.content
    assert b'href="/portal/request/"' in home.content
    assert customer.organisation.name.encode() in home.content


@pytest.mark.django_db
def test_a_wrong_password_is_refused_on_the_form(customer):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    answer = client.post("/portal/login/", {"username": customer.username, "password": "nope"})
    assert answer.status_code == 200
    assert b"Please enter a correct username and password" in answer.content
    assert signed_in_user_id(client) is None


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.VENDOR, None])
def test_an_account_that_is_not_a_customer_cannot_sign_in_here(role):
    user = UserFactory(role=role)
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    answer = client.post("/portal/login/", {"username": user.username, "password": PASSWORD})
    assert answer.status_code == 200
    assert b"This account cannot use the customer portal" in answer.content
    assert signed_in_user_id(client) is None


@pytest.mark.django_db
def test_an_account_signed_in_elsewhere_that_is_not_a_customer_gets_a_clear_refusal():
    vendor = signed_in(UserFactory(role=Role.VENDOR))
    for url in ("/portal/", "/portal/tickets/", "/portal/report/"):
        answer = vendor.get(url)
        assert answer.status_code == 403, url
        assert b"This account cannot use the customer portal" in answer.content


@pytest.mark.django_db
def test_a_customer_account_without_its_organisation_is_told_to_ask_support():
    user = UserFactory(role=Role.CUSTOMER)
    answer = signed_in(user).get("/portal/")
    assert answer.status_code == 403
    assert b"not linked to your organisation yet" in answer.content


@pytest.mark.django_db
def test_support_staff_may_look_but_not_write_in_a_customers_name(customer):
    ticket = TicketFactory(contact=customer.contact)
    agent = signed_in(UserFactory(role=Role.AGENT))
    assert agent.get("/portal/tickets/").status_code == 200
    page = agent.get(f"/portal/tickets/{ticket.number}/")
    assert page.status_code == 200 and ticket.title.encode() in page.content
    assert b'action="/portal/tickets/%s/reply/"' % ticket.number.encode() not in page.content

    refused = agent.post(f"/portal/tickets/{ticket.number}/reply/", {"body": "hi"})
    assert refused.status_code == 403
    assert b"work the ticket from the desk" in refused.content
    assert agent.get("/portal/report/").status_code == 403
    assert ticket.entries.count() == 1


@pytest.mark.django_db
def test_signing_out_ends_the_session(portal):
    answer = portal.post("/portal/logout/")
    assert answer.status_code == 302 and answer["Location"] == "/portal/login/"
    assert portal.get("/portal/").status_code == 302


@pytest.mark.django_db
def test_a_signed_in_customer_visiting_the_sign_in_page_goes_home(portal):
    answer = portal.get("/portal/login/")
    assert answer.status_code == 302 and answer["Location"] == "/portal/"


@pytest.mark.django_db
def test_an_inactive_customer_cannot_sign_in():
    user = make_customer(organisation=OrganisationFactory(), is_active=False)
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.post("/portal/login/", {"username": user.username, "password": PASSWORD})
    assert signed_in_user_id(client) is None
