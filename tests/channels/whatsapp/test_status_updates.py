"""WhatsApp's delivery reports move the desk's sent messages forward, never back."""

from __future__ import annotations

import pytest

from sigap.channels.models import Message
from sigap.channels.whatsapp.services import whatsapp_reply
from tests.channels.whatsapp.payloads import CUSTOMER, delivery, post, status, text
from tests.factories import ContactFactory, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.channels.whatsapp.urls")]


@pytest.fixture
def sent(graph, django_capture_on_commit_callbacks) -> Message:
    """An agent's reply, sent inside the customer's window, with WhatsApp's id."""
    ContactFactory(phone="+" + CUSTOMER, whatsapp_id=CUSTOMER, language="en")
    post(delivery([text("wamid.IN1")]))
    ticket = Message.objects.get(external_id="wamid.IN1").ticket
    with django_capture_on_commit_callbacks(execute=True):
        message = whatsapp_reply(ticket=ticket, by=UserFactory(role="agent"), body="Kami cek ya")
    message.refresh_from_db()
    assert message.status == "sent" and message.external_id.startswith("wamid.")
    return message


def report(message: Message, *states: str, errors=None) -> dict:
    response = post(
        delivery(statuses=[status(message.external_id, s, errors=errors) for s in states])
    )
    assert response.status_code == 200, response.content
    message.refresh_from_db()
    return response.json()


def test_delivered_then_read(sent):
    report(sent, "delivered")
    assert sent.status == "delivered"
    report(sent, "read")
    assert sent.status == "read" and sent.status_at is not None


def test_reports_arriving_out_of_order_never_move_a_message_back(sent):
    assert report(sent, "read", "delivered", "sent")["statuses"] == 1
    assert sent.status == "read"


def test_the_same_report_twice_changes_nothing(sent):
    report(sent, "delivered")
    assert report(sent, "delivered")["statuses"] == 0
    assert sent.status == "delivered"


def test_a_failure_is_recorded_with_its_code_and_title(sent):
    report(sent, "failed", errors=[{"code": 131026, "title": "Message undeliverable"}])
    assert sent.status == "failed"
    assert sent.error == "131026 Message undeliverable"


def test_a_report_for_a_message_sigap_did_not_send_is_ignored(sent):
    response = post(delivery(statuses=[status("wamid.SOMEONE-ELSES", "read")]))
    assert response.status_code == 200 and response.json()["ignored"] == 1
    sent.refresh_from_db()
    assert sent.status == "sent"


def test_a_report_never_touches_a_received_message(sent):
    received = Message.objects.get(external_id="wamid.IN1")
    post(delivery(statuses=[status("wamid.IN1", "failed", errors=[{"code": 1, "title": "x"}])]))
    received.refresh_from_db()
    assert received.status == "received"


def test_a_text_refused_later_for_the_closed_window_goes_out_again_as_the_template(
    sent, graph, django_capture_on_commit_callbacks
):
    old_id = sent.external_id
    with django_capture_on_commit_callbacks(execute=True):
        report(sent, "failed", errors=[{"code": 131047, "title": "Re-engagement message"}])
    sent.refresh_from_db()
    assert sent.status == "sent" and sent.external_id != old_id
    assert sent.template == "sigap_update_en"
    assert sent.error == "131047 Re-engagement message"
    assert [m["type"] for m in graph.sent] == ["text", "template"]
    # A late report about the first attempt no longer applies to the message.
    report_old = post(delivery(statuses=[status(old_id, "failed", errors=[{"code": 131047}])]))
    assert report_old.json()["ignored"] == 1
    # And a failing template is simply failed: no loop.
    report(sent, "failed", errors=[{"code": 131047, "title": "Re-engagement message"}])
    assert sent.status == "failed" and len(graph.sent) == 2
