"""A delivery Sigap cannot read is answered 400, naming what is wrong; nothing is stored."""

from __future__ import annotations

import copy

import pytest

from sigap.channels.models import Message, Quarantine
from sigap.customers.models import Contact
from sigap.tickets.models import Ticket
from tests.channels.whatsapp.payloads import delivery, message, post, status, text

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.channels.whatsapp.urls")]


def refused(payload) -> str:
    response = post(payload)
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["error"] == "bad_payload"
    assert not (
        Message.objects.exists()
        or Ticket.objects.exists()
        or Contact.objects.exists()
        or Quarantine.objects.exists()
    )
    return body["message"]


def good() -> dict:
    return delivery([text("wamid.OK")], [status("wamid.OUT", "read")])


def test_malformed_json():
    assert "not valid JSON" in refused(b'{"object": "whatsapp_business_account", "entry": [')


def test_json_that_is_not_an_object():
    assert "payload" in refused(b"[1, 2, 3]")


def test_another_products_webhook():
    payload = good()
    payload["object"] = "page"
    assert "object" in refused(payload)


def test_a_message_without_its_id():
    payload = good()
    del payload["entry"][0]["changes"][0]["value"]["messages"][0]["id"]
    assert "entry.0.changes.0.value.messages.0.id" in refused(payload)


def test_a_message_without_a_sender():
    payload = good()
    del payload["entry"][0]["changes"][0]["value"]["messages"][0]["from"]
    assert "messages.0.from" in refused(payload)


def test_a_text_message_without_its_text():
    payload = delivery([message("wamid.X", "text", None)])
    assert "text" in refused(payload)


def test_an_image_without_its_media_id():
    payload = delivery([message("wamid.X", "image", {"mime_type": "image/jpeg"})])
    assert "image.id" in refused(payload)


def test_a_location_with_coordinates_that_are_not_numbers():
    payload = delivery([message("wamid.X", "location", {"latitude": "north", "longitude": 1})])
    assert "location.latitude" in refused(payload)


def test_a_status_report_without_the_id_it_reports_on():
    report = status("wamid.OUT", "read")
    del report["id"]
    assert "statuses.0.id" in refused(delivery(statuses=[report]))


def test_a_status_word_sigap_does_not_know_is_ignored_not_refused():
    # Refusing it would make Meta hold back the messages batched with it.
    response = post(delivery([text("wamid.OK")], [status("wamid.OUT", "played")]))
    assert response.status_code == 200
    assert response.json()["received"] == 1 and response.json()["ignored"] == 1


def test_a_change_without_metadata():
    payload = good()
    del payload["entry"][0]["changes"][0]["value"]["metadata"]
    assert "metadata" in refused(payload)


def test_one_bad_message_refuses_the_whole_delivery():
    payload = delivery([text("wamid.GOOD"), text("wamid.BAD")])
    bad = copy.deepcopy(payload)
    del bad["entry"][0]["changes"][0]["value"]["messages"][1]["timestamp"]
    assert "messages.1.timestamp" in refused(bad)


def test_other_subscriptions_on_the_same_webhook_are_accepted_and_ignored():
    payload = {
        "object": "whatsapp_business_account",
        "entry": [
            {
                "id": "102290129340398",
                "changes": [
                    {
                        "field": "message_template_status_update",
                        "value": {"event": "APPROVED", "message_template_name": "sigap_update_id"},
                    }
                ],
            }
        ],
    }
    response = post(payload)
    assert response.status_code == 200
    assert response.json()["ignored"] == 1
    assert not Message.objects.exists()
