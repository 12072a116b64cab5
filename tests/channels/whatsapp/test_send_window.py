"""An agent's reply goes out as text inside the customer's 24-hour window, as the
approved template outside it, and is retried or failed as the Graph API's answer says."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from huey.contrib.djhuey import HUEY

from sigap.channels.models import Message
from sigap.channels.whatsapp.services import whatsapp_reply
from sigap.core.errors import ValidationFailed
from tests.channels.whatsapp.payloads import CUSTOMER, delivery, post, text
from tests.channels.whatsapp.queue import run_due_retries
from tests.factories import ContactFactory, TicketFactory, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.channels.whatsapp.urls")]

MONDAY = datetime.datetime(2026, 1, 5, 2, 0, tzinfo=datetime.UTC)


@pytest.fixture
def agent(db):
    return UserFactory(role="agent")


def customer_writes(language: str = "en"):
    """The customer's WhatsApp message, taken in: their ticket."""
    ContactFactory(phone="+" + CUSTOMER, language=language)
    assert post(delivery([text("wamid.IN1")])).status_code == 200
    return Message.objects.get(external_id="wamid.IN1").ticket


def reply(ticket, agent, capture, body="Unit sudah kami reset.\nMohon dicek lagi.") -> Message:
    with capture(execute=True):
        message = whatsapp_reply(ticket=ticket, by=agent, body=body)
    message.refresh_from_db()
    return message


def test_inside_the_window_the_reply_is_plain_text(
    graph, agent, django_capture_on_commit_callbacks
):
    with time_machine.travel(MONDAY, tick=False) as clock:
        ticket = customer_writes()
        clock.shift(datetime.timedelta(hours=23, minutes=59))
        message = reply(ticket, agent, django_capture_on_commit_callbacks)
    assert message.status == "sent" and message.template == ""
    assert message.recipient == CUSTOMER
    [sent] = graph.sent
    assert sent == {
        "messaging_product": "whatsapp",
        "recipient_type": "individual",
        "to": CUSTOMER,
        "type": "text",
        "text": {"preview_url": False, "body": "Unit sudah kami reset.\nMohon dicek lagi."},
    }
    assert message.external_id == "wamid.FAKE000001"
    assert graph.calls[0].authorization == f"Bearer {graph.token}"


def test_outside_the_window_the_reply_is_the_template_in_the_customers_language(
    graph, agent, django_capture_on_commit_callbacks
):
    with time_machine.travel(MONDAY, tick=False) as clock:
        ticket = customer_writes(language="id")
        clock.shift(datetime.timedelta(hours=24, minutes=1))
        message = reply(ticket, agent, django_capture_on_commit_callbacks)
    assert message.status == "sent" and message.template == "sigap_update_id"
    [sent] = graph.sent
    assert sent["type"] == "template"
    assert sent["template"]["name"] == "sigap_update_id"
    assert sent["template"]["language"] == {"code": "id"}
    # The parameters: the ticket number and the text on one line (WhatsApp refuses
    # new lines in a template parameter).
    [body] = sent["template"]["components"]
    assert [p["text"] for p in body["parameters"]] == [
        ticket.number,
        "Unit sudah kami reset. Mohon dicek lagi.",
    ]


def test_template_names_come_from_the_settings(
    graph, agent, settings, django_capture_on_commit_callbacks
):
    settings.SIGAP_WHATSAPP_TEMPLATE_EN = "desk_update_v2"
    ticket = TicketFactory(contact=ContactFactory(whatsapp_id=CUSTOMER, language="en"))
    message = reply(ticket, agent, django_capture_on_commit_callbacks)  # never wrote: no window
    assert message.template == "desk_update_v2"
    assert graph.sent[0]["template"] | {"components": None} == {
        "name": "desk_update_v2",
        "language": {"code": "en"},
        "components": None,
    }


def test_when_whatsapp_answers_131047_the_template_goes_instead(
    graph, agent, django_capture_on_commit_callbacks
):
    ticket = customer_writes()
    graph.window_closed.add(CUSTOMER)  # WhatsApp's clock disagrees with ours
    message = reply(ticket, agent, django_capture_on_commit_callbacks)
    assert message.status == "sent" and message.template == "sigap_update_en"
    assert [c.body["type"] for c in graph.calls] == ["text", "template"]
    assert [m["type"] for m in graph.sent] == ["template"]


def test_a_server_error_is_retried_later(graph, agent, django_capture_on_commit_callbacks):
    ticket = customer_writes()
    graph.fail_next(500)
    message = reply(ticket, agent, django_capture_on_commit_callbacks)
    assert message.status == "queued" and message.attempts == 1
    assert "HTTP 500" in message.error
    assert len(HUEY.scheduled()) == 1
    run_due_retries()
    message.refresh_from_db()
    assert message.status == "sent" and message.attempts == 2


def test_a_rate_limit_is_retried_later(graph, agent, django_capture_on_commit_callbacks):
    ticket = customer_writes()
    graph.fail_next(429, code=130429, message="Rate limit hit")
    message = reply(ticket, agent, django_capture_on_commit_callbacks)
    assert message.status == "queued" and "Rate limit hit" in message.error
    run_due_retries()
    message.refresh_from_db()
    assert message.status == "sent"


def test_an_unreachable_api_is_retried_later(agent, settings, django_capture_on_commit_callbacks):
    settings.SIGAP_WHATSAPP_ACCESS_TOKEN = "token"
    settings.SIGAP_WHATSAPP_PHONE_NUMBER_ID = "106540352242922"
    settings.SIGAP_WHATSAPP_API_BASE = "http://127.0.0.1:9/v21.0"  # nothing listens there
    ticket = customer_writes()
    message = reply(ticket, agent, django_capture_on_commit_callbacks)
    assert message.status == "queued" and "cannot be reached" in message.error
    assert len(HUEY.scheduled()) == 1


def test_a_refusal_fails_the_message_with_the_apis_reason(
    graph, agent, django_capture_on_commit_callbacks
):
    ticket = customer_writes()
    graph.fail_next(400, code=131026, message="Message undeliverable")
    message = reply(ticket, agent, django_capture_on_commit_callbacks)
    assert message.status == "failed"
    assert message.error == "HTTP 400 (131026) Message undeliverable"
    assert HUEY.scheduled() == []


def test_an_expired_token_fails_without_retrying(
    graph, agent, settings, django_capture_on_commit_callbacks
):
    ticket = customer_writes()
    settings.SIGAP_WHATSAPP_ACCESS_TOKEN = "expired"
    message = reply(ticket, agent, django_capture_on_commit_callbacks)
    assert message.status == "failed" and "(190)" in message.error


def test_without_configuration_the_reply_fails_and_says_what_is_missing(
    agent, django_capture_on_commit_callbacks
):
    ticket = customer_writes()
    message = reply(ticket, agent, django_capture_on_commit_callbacks)
    assert message.status == "failed" and "SIGAP_WHATSAPP_ACCESS_TOKEN" in message.error


def test_the_reply_is_on_the_timeline_and_is_the_first_response(
    graph, agent, django_capture_on_commit_callbacks
):
    ticket = customer_writes()
    message = reply(ticket, agent, django_capture_on_commit_callbacks, body="Baik, kami cek")
    ticket.refresh_from_db()
    assert message.entry.public and message.entry.via == "whatsapp"
    assert message.entry.body == "Baik, kami cek"
    assert ticket.first_response_at is not None


def test_a_contact_without_a_whatsapp_id_is_reached_at_their_phone_number(
    graph, agent, django_capture_on_commit_callbacks
):
    ticket = TicketFactory(contact=ContactFactory(phone="+6281311112222", whatsapp_id=""))
    message = reply(ticket, agent, django_capture_on_commit_callbacks)
    assert message.recipient == "6281311112222" and graph.sent[0]["to"] == "6281311112222"


def test_a_ticket_without_a_number_to_write_to_is_refused(agent):
    ticket = TicketFactory(contact=ContactFactory(phone="", whatsapp_id=""))
    with pytest.raises(ValidationFailed):
        whatsapp_reply(ticket=ticket, by=agent, body="Halo")
    assert not Message.objects.filter(direction="out").exists()
