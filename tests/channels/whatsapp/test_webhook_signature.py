"""Only deliveries signed with the app secret are taken in; nothing else is stored."""

from __future__ import annotations

import json

import pytest

from sigap.channels.models import Message, Quarantine
from sigap.customers.models import Contact
from sigap.tickets.models import Ticket
from tests.channels.whatsapp.payloads import delivery, post, signature, text

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.channels.whatsapp.urls")]


def nothing_stored() -> bool:
    return not (
        Message.objects.exists()
        or Ticket.objects.exists()
        or Contact.objects.exists()
        or Quarantine.objects.exists()
    )


def test_a_correctly_signed_delivery_is_taken_in():
    response = post(delivery([text("wamid.A1")]))
    assert response.status_code == 200
    assert response.json()["received"] == 1
    assert Message.objects.get().external_id == "wamid.A1"


def test_a_delivery_without_a_signature_is_refused_and_nothing_is_stored():
    response = post(delivery([text("wamid.A1")]), sign=False)
    assert response.status_code == 401
    assert nothing_stored()


def test_a_signature_made_with_another_secret_is_refused():
    raw = json.dumps(delivery([text("wamid.A1")])).encode()
    response = post(raw, HTTP_X_HUB_SIGNATURE_256=signature(raw, secret="someone-else"))
    assert response.status_code == 401
    assert nothing_stored()


def test_a_body_changed_after_signing_is_refused():
    raw = json.dumps(delivery([text("wamid.A1", body="Halo")])).encode()
    forged = raw.replace(b"Halo", b"Hola")
    response = post(forged, HTTP_X_HUB_SIGNATURE_256=signature(raw))
    assert response.status_code == 401
    assert nothing_stored()


def test_a_malformed_signature_header_is_refused():
    raw = json.dumps(delivery([text("wamid.A1")])).encode()
    for header in ("sha1=abc", "sha256=", signature(raw).removeprefix("sha256="), "sha256=zz"):
        assert post(raw, HTTP_X_HUB_SIGNATURE_256=header).status_code == 401
    assert nothing_stored()


def test_the_signature_is_checked_on_the_bytes_received_not_on_reencoded_json():
    # Meta escapes non-ASCII as \\uXXXX; re-serialising would change the bytes signed.
    raw = b'{"object":"whatsapp_business_account","entry":[]}'
    raw_spaced = raw.replace(b",", b", ")
    assert post(raw_spaced, HTTP_X_HUB_SIGNATURE_256=signature(raw_spaced)).status_code == 200


def test_without_an_app_secret_deliveries_are_answered_503_so_meta_retries(settings):
    settings.SIGAP_WHATSAPP_APP_SECRET = ""
    response = post(delivery([text("wamid.A1")]))
    assert response.status_code == 503
    assert "SIGAP_WHATSAPP_APP_SECRET" in response.json()["message"]
    assert nothing_stored()
