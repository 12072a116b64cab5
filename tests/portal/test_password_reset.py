"""A customer who forgot the password sets a new one by e-mail, without an agent."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.utils import translation
from django.utils.translation import gettext

from sigap.accounts.choices import Role
from tests.factories import UserFactory
from tests.portal.helpers import make_customer

NEW_PASSWORD = "kopi-tubruk-2026!"


def reset_link(mail) -> str:
    match = re.search(r"https?://[^/\s]+(/portal/password/reset/\S+/)", mail.body)
    assert match, mail.body
    return match.group(1)


@pytest.mark.django_db
def test_a_customer_resets_the_password_from_the_mail_and_signs_in_with_it(mailoutbox, settings):
    settings.SIGAP_SUPPORT_EMAIL = "support@armada-gps.test"
    customer = make_customer(email="budi@armada.test")
    client = Client(HTTP_ACCEPT_LANGUAGE="en")

    form = client.get("/portal/password/reset/")
    assert form.status_code == 200
    answer = client.post("/portal/password/reset/", {"email": "BUDI@armada.test"})
    assert answer.status_code == 302
    assert answer["Location"] == "/portal/password/reset/sent/"
    assert b"Check your e-mail" in client.get(answer["Location"]).content

    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == ["budi@armada.test"]
    assert mail.from_email == "support@armada-gps.test"
    assert customer.username in mail.body

    link = client.get(reset_link(mail))
    assert link.status_code == 302  # Django hides the token behind a session redirect
    choose = client.get(link["Location"])
    assert choose.status_code == 200 and b"Choose a new password" in choose.content

    weak = client.post(link["Location"], {"new_password1": "123", "new_password2": "123"})
    assert weak.status_code == 200 and b"This password is too short" in weak.content

    done = client.post(
        link["Location"], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )
    assert done.status_code == 302
    assert done["Location"] == "/portal/password/reset/done/"
    assert b"Your new password is saved" in client.get(done["Location"]).content

    fresh = Client(HTTP_ACCEPT_LANGUAGE="en")
    signed = fresh.post("/portal/login/", {"username": customer.username, "password": NEW_PASSWORD})
    assert signed.status_code == 302 and signed["Location"] == "/portal/"

    again = Client(HTTP_ACCEPT_LANGUAGE="en").get(reset_link(mail), follow=True)
    assert b"This link is no longer valid" in again.content


@pytest.mark.django_db
def test_the_mail_is_in_the_customers_own_language(mailoutbox):
    make_customer(email="budi@armada.test", language="id")
    make_customer(email="jane@fleet.test", language="en")
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.post("/portal/password/reset/", {"email": "budi@armada.test"})
    client.post("/portal/password/reset/", {"email": "jane@fleet.test"})

    subject = "Password reset on %(site_name)s"
    with translation.override("id"):
        in_indonesian = gettext(subject) % {"site_name": "testserver"}
    in_english = subject % {"site_name": "testserver"}
    assert in_indonesian != in_english
    assert [m.subject for m in mailoutbox] == [in_indonesian, in_english]


@pytest.mark.django_db
def test_an_unknown_address_or_a_non_customer_account_gets_no_mail_and_learns_nothing(mailoutbox):
    UserFactory(role=Role.VENDOR, email="vendor@teknik.test")
    UserFactory(role=Role.AGENT, email="agent@sigap.test")
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    for address in ("nobody@armada.test", "vendor@teknik.test", "agent@sigap.test"):
        answer = client.post("/portal/password/reset/", {"email": address})
        assert answer.status_code == 302
        assert answer["Location"] == "/portal/password/reset/sent/"
    assert mailoutbox == []


@pytest.mark.django_db
def test_a_malformed_address_is_shown_next_to_the_field(mailoutbox):
    answer = Client(HTTP_ACCEPT_LANGUAGE="en").post(
        "/portal/password/reset/", {"email": "not an address"}
    )
    assert answer.status_code == 200
    assert b"Enter a valid email address." in answer.content
    assert mailoutbox == []
