"""Each kind of WhatsApp message becomes a ticket entry an agent can read."""

from __future__ import annotations

import json

import pytest
from django.utils import translation

from sigap.channels.models import Message, Quarantine
from sigap.channels.services import quarantine_replay
from sigap.customers.models import Contact
from tests.channels.whatsapp.payloads import (
    CUSTOMER,
    PHONE_NUMBER_ID,
    delivery,
    message,
    post,
    text,
)
from tests.factories import ContactFactory

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.channels.whatsapp.urls")]


@pytest.fixture
def english_customer(db):
    """The customer, known and writing in English, so the assertions read the same once
    the Indonesian catalogue is filled in (a new contact's language is Indonesian)."""
    return ContactFactory(phone="+" + CUSTOMER, language="en")


def taken_in(*messages: dict, **kwargs) -> Message:
    response = post(delivery(list(messages), **kwargs))
    assert response.status_code == 200, response.content
    return Message.objects.order_by("-id").first()


def test_a_text_opens_a_ticket_for_a_new_unverified_contact():
    stored = taken_in(text("wamid.T1", body="Unit B 1234 XYZ mati\nsejak pagi"))
    ticket = stored.ticket
    assert ticket.channel == "whatsapp"
    assert ticket.title == "Unit B 1234 XYZ mati"
    assert stored.entry.body == "Unit B 1234 XYZ mati\nsejak pagi"
    assert stored.channel == "whatsapp" and stored.direction == "in"
    assert stored.mailbox == PHONE_NUMBER_ID and stored.external_id == "wamid.T1"
    assert stored.sender == CUSTOMER
    contact = ticket.contact
    assert contact.name == "Budi Santoso" and not contact.is_verified
    assert contact.phone == "+" + CUSTOMER and contact.whatsapp_id == CUSTOMER


def test_a_known_contact_is_recognised_by_phone_number():
    known = ContactFactory(phone="+6281234567890", name="Budi (PT Armada)")
    stored = taken_in(text("wamid.T1"), name="budi")
    assert stored.contact == known and stored.ticket.organisation == known.organisation
    known.refresh_from_db()
    assert known.whatsapp_id == CUSTOMER and known.name == "Budi (PT Armada)"
    assert Contact.objects.count() == 1


def test_a_photo_says_what_it_is_with_its_caption(english_customer):
    image = {"caption": "Lampu unit mati", "mime_type": "image/jpeg", "sha256": "x", "id": "m1"}
    stored = taken_in(message("wamid.I1", "image", image))
    assert stored.entry.body == "Lampu unit mati\n[Photo]"


def test_a_document_names_its_file(english_customer):
    doc = {"filename": "STNK B 1234 XYZ.pdf", "mime_type": "application/pdf", "id": "m2"}
    stored = taken_in(message("wamid.D1", "document", doc))
    assert stored.entry.body == "[Document: STNK B 1234 XYZ.pdf]"


def test_a_voice_note_says_so(english_customer):
    audio = {"mime_type": "audio/ogg; codecs=opus", "id": "m3", "voice": True}
    stored = taken_in(message("wamid.V1", "audio", audio))
    assert stored.entry.body == "[Voice message]"


def test_a_location_gives_its_coordinates_and_a_map_link(english_customer):
    place = {
        "latitude": -6.2088,
        "longitude": 106.8456,
        "name": "Pool Armada Cakung",
        "address": "Jl. Raya Bekasi Km 21",
    }
    stored = taken_in(message("wamid.L1", "location", place))
    assert stored.entry.body.splitlines() == [
        "Pool Armada Cakung",
        "Jl. Raya Bekasi Km 21",
        "Location: -6.2088, 106.8456",
        "https://www.google.com/maps/search/?api=1&query=-6.2088,106.8456",
    ]


def test_a_button_reply_shows_its_title_and_id():
    reply = {"type": "button_reply", "button_reply": {"id": "still_broken", "title": "Masih mati"}}
    stored = taken_in(message("wamid.B1", "interactive", reply))
    assert stored.entry.body == "Masih mati [still_broken]"


def test_a_list_reply_shows_its_title_and_id():
    reply = {
        "type": "list_reply",
        "list_reply": {"id": "cat_gps", "title": "GPS tidak update", "description": "Posisi"},
    }
    stored = taken_in(message("wamid.B2", "interactive", reply))
    assert stored.entry.body == "GPS tidak update [cat_gps]"


def test_a_template_quick_reply_button_shows_its_text_and_payload():
    stored = taken_in(message("wamid.B3", "button", {"text": "Sudah normal", "payload": "ok"}))
    assert stored.entry.body == "Sudah normal [ok]"


def test_the_description_is_written_in_the_contacts_language():
    english = ContactFactory(phone="+" + CUSTOMER, language="en")
    indonesian = ContactFactory(phone="+6281399990000", language="id")
    photo = {"id": "m9", "mime_type": "image/png"}
    with translation.override("id"):  # the desk's own language
        to_english = taken_in(message("wamid.I1", "image", photo))
        to_indonesian = taken_in(
            message("wamid.I2", "image", photo, sender="6281399990000"), wa_id="6281399990000"
        )
        indonesian_photo = translation.gettext("Photo")
    assert to_english.contact == english and to_english.entry.body == "[Photo]"
    assert to_indonesian.contact == indonesian
    assert to_indonesian.entry.body == f"[{indonesian_photo}]"


def test_a_reaction_is_not_a_new_ticket():
    response = post(
        delivery([message("wamid.R1", "reaction", {"message_id": "wamid.X", "emoji": "👍"})])
    )
    assert response.status_code == 200 and response.json()["ignored"] == 1
    assert not Message.objects.exists()


def test_a_message_type_sigap_cannot_read_is_quarantined_and_the_rest_taken_in():
    unknown = message("wamid.U1", "unsupported", None)
    unknown["errors"] = [{"code": 131051, "title": "Message type unknown"}]
    response = post(delivery([text("wamid.T1"), unknown, text("wamid.T2", body="dan ini")]))
    assert response.status_code == 200
    assert response.json() == {
        "received": 2,
        "duplicates": 0,
        "statuses": 0,
        "quarantined": 1,
        "ignored": 0,
    }
    item = Quarantine.objects.get()
    assert item.channel == "whatsapp" and "unsupported" in item.error and "131051" in item.error
    kept = json.loads(bytes(item.raw))
    value = kept["entry"][0]["changes"][0]["value"]
    assert [m["id"] for m in value["messages"]] == ["wamid.U1"]
    assert value["metadata"]["phone_number_id"] == PHONE_NUMBER_ID
    assert value["messages"][0]["errors"][0]["code"] == 131051  # kept whole


def test_an_interactive_reply_of_a_kind_sigap_does_not_read_is_quarantined():
    reply = {"type": "call_permission_reply", "call_permission_reply": {"response": "accept"}}
    response = post(delivery([message("wamid.C1", "interactive", reply)]))
    assert response.status_code == 200 and response.json()["quarantined"] == 1
    assert "call_permission_reply" in Quarantine.objects.get().error


def test_a_sender_id_that_is_not_a_phone_number_is_quarantined_and_can_be_replayed():
    response = post(delivery([text("wamid.T1", sender="12")], wa_id="12"))
    assert response.status_code == 200 and response.json()["quarantined"] == 1
    item = Quarantine.objects.get()
    assert "cannot be matched to a contact" in item.error
    assert not Message.objects.exists()

    # An operator fixes what was wrong (here: edits the number) and replays it.
    fixed = bytes(item.raw).replace(b'"12"', f'"{CUSTOMER}"'.encode())
    Quarantine.objects.filter(pk=item.pk).update(raw=fixed)
    item.refresh_from_db()
    assert quarantine_replay(item=item)
    item.refresh_from_db()
    assert item.replayed_at is not None
    assert item.message.external_id == "wamid.T1" and item.message.ticket is not None


def test_a_replay_that_still_fails_keeps_the_message_in_quarantine():
    post(delivery([text("wamid.T1", sender="12")], wa_id="12"))
    item = Quarantine.objects.get()
    assert not quarantine_replay(item=item)
    item.refresh_from_db()
    assert item.replayed_at is None and "cannot be matched" in item.error
