"""An agent's reply to an e-mail customer: queued, sent to the contact, first response."""

from __future__ import annotations

import pytest

from sigap.channels.email.outbound import email_reply
from sigap.core.errors import ValidationFailed
from tests.channels.email.servers import SmtpServer
from tests.factories import ContactFactory, MessageFactory, TicketFactory, UserFactory


@pytest.fixture
def smtp(settings):
    with SmtpServer() as server:
        settings.SIGAP_SMTP_URL = server.url
        yield server


@pytest.mark.django_db
def test_an_agents_reply_goes_to_the_contact_and_is_the_first_response(
    smtp, django_capture_on_commit_callbacks
):
    ticket = TicketFactory(contact=ContactFactory(email="sari@armada.test"))
    agent = UserFactory(role="agent")
    with django_capture_on_commit_callbacks(execute=True):
        message = email_reply(ticket=ticket, by=agent, body="Mohon restart unitnya.")
    message.refresh_from_db()
    ticket.refresh_from_db()
    assert smtp.received[0].rcpt_tos == ["sari@armada.test"]
    assert message.status == "sent" and not message.automatic
    assert message.entry.actor == agent and message.entry.body == "Mohon restart unitnya."
    assert ticket.first_response_at is not None


@pytest.mark.django_db
def test_a_reply_is_queued_and_sent_only_after_the_commit(smtp, django_capture_on_commit_callbacks):
    ticket = TicketFactory()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        message = email_reply(ticket=ticket, by=UserFactory(role="agent"), body="Sebentar.")
    assert message.status == "queued" and smtp.received == []
    for callback in callbacks:
        callback()
    message.refresh_from_db()
    assert message.status == "sent" and len(smtp.received) == 1


@pytest.mark.django_db
def test_a_reply_threads_under_the_customers_last_mail(smtp, django_capture_on_commit_callbacks):
    customer = MessageFactory(external_id="<k2@armada.test>", references="<k1@armada.test>")
    with django_capture_on_commit_callbacks(execute=True):
        email_reply(ticket=customer.ticket, by=UserFactory(role="agent"), body="Siap.")
    headers = smtp.received[0].message
    assert headers["In-Reply-To"] == "<k2@armada.test>"
    assert headers["References"] == "<k1@armada.test> <k2@armada.test>"
    assert headers["Subject"] == f"Re: [{customer.ticket.number}] {customer.ticket.title}"


@pytest.mark.django_db
def test_a_ticket_without_an_e_mail_address_cannot_be_answered_by_e_mail(smtp):
    ticket = TicketFactory(contact=ContactFactory(email=""))
    with pytest.raises(ValidationFailed, match=ticket.number):
        email_reply(ticket=ticket, by=UserFactory(role="agent"), body="Halo.")
    assert smtp.received == []
