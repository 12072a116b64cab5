"""Indonesian and English: the user's saved language decides; the footer switches it."""

from __future__ import annotations

import pytest
from django.conf import settings as django_settings
from django.test import Client
from django.utils import translation
from django.utils.translation import gettext

from sigap.accounts.choices import Role
from sigap.portal.choices import RequestType
from sigap.tickets.models import Cause
from sigap.tickets.services import ticket_resolve, ticket_start
from tests.factories import TicketFactory, UserFactory
from tests.portal.helpers import make_customer, signed_in


def in_indonesian(text: str) -> str:
    with translation.override("id"):
        return gettext(text)


@pytest.mark.django_db
def test_the_users_saved_language_decides_whatever_the_browser_says():
    budi = signed_in(make_customer(language="id"))
    jane = signed_in(make_customer(language="en"))
    assert '<html lang="id">' in budi.get("/portal/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<html lang="en">' in jane.get("/portal/", HTTP_ACCEPT_LANGUAGE="id").content.decode()


@pytest.mark.django_db
def test_the_footer_switch_saves_the_preference(portal, customer):
    page = portal.get("/portal/tickets/").content.decode()
    assert 'action="/portal/language/"' in page and 'value="id"' in page

    answer = portal.post("/portal/language/", {"language": "id", "next": "/portal/tickets/"})
    assert answer.status_code == 302 and answer["Location"] == "/portal/tickets/"
    customer.refresh_from_db()
    assert customer.language == "id"
    assert answer.cookies[django_settings.LANGUAGE_COOKIE_NAME].value == "id"
    assert '<html lang="id">' in portal.get("/portal/tickets/").content.decode()


@pytest.mark.django_db
def test_a_visitor_switches_the_sign_in_page_to_indonesian():
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    assert '<html lang="en">' in client.get("/portal/login/").content.decode()
    client.post("/portal/language/", {"language": "id", "next": "/portal/login/"})
    page = client.get("/portal/login/").content.decode()
    assert '<html lang="id">' in page
    assert in_indonesian("Password") in page  # Django's own label, already translated


@pytest.mark.django_db
def test_the_switch_never_sends_anyone_to_another_site_and_ignores_unknown_languages(
    portal, customer
):
    answer = portal.post("/portal/language/", {"language": "en", "next": "https://evil.test/"})
    assert answer["Location"] == "/portal/"
    portal.post("/portal/language/", {"language": "fr"})
    customer.refresh_from_db()
    assert customer.language == "en"


@pytest.mark.django_db
def test_indonesian_pages_render_in_indonesian_where_translated():
    budi = signed_in(make_customer(language="id"))
    page = budi.get("/portal/report/").content.decode()
    # Category names come from the data, in both languages.
    assert "Unit tidak update (delay)" in page
    assert "Unit not updating (delay)" not in page


@pytest.mark.django_db
def test_every_page_opens_in_indonesian():
    budi = make_customer(language="id")
    ticket = TicketFactory(contact=budi.contact)
    agent = UserFactory(role=Role.AGENT)
    cause = Cause.objects.filter(categories=ticket.category).first()
    ticket_resolve(
        ticket=ticket_start(ticket=ticket, by=agent),
        by=agent,
        resolution_code="resolved_remotely",
        summary="Restart",
        cause=cause,
    )
    client = signed_in(budi)
    urls = [
        "/portal/",
        "/portal/report/",
        "/portal/request/",
        *(f"/portal/request/{kind}/" for kind in RequestType.values),
        "/portal/tickets/",
        "/portal/tickets/?state=resolved",
        f"/portal/tickets/{ticket.number}/",
    ]
    for url in urls:
        answer = client.get(url)
        assert answer.status_code == 200, url
        assert '<html lang="id">' in answer.content.decode(), url
    anonymous = Client(HTTP_ACCEPT_LANGUAGE="id")
    for url in ("/portal/login/", "/portal/password/reset/", "/portal/password/reset/sent/"):
        assert anonymous.get(url).status_code == 200, url
