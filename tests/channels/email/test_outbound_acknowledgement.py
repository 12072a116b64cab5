"""A new ticket opened by e-mail is acknowledged: its number, 1 x 24 hours, automatic."""

from __future__ import annotations

import pytest
from django.utils import translation

from sigap.channels.email.outbound import ACKNOWLEDGEMENTS_PER_DAY, acknowledge
from sigap.channels.services import Inbound, message_receive
from tests.channels.email.servers import SmtpServer
from tests.factories import ContactFactory


@pytest.fixture
def smtp(settings):
    with SmtpServer() as server:
        settings.SIGAP_SMTP_URL = server.url
        yield server


def received_mail(contact, external_id="<new-1@armada.test>", subject="Unit B 9 XY offline"):
    return message_receive(
        Inbound(
            channel="email",
            mailbox="support@sigap.localhost",
            external_id=external_id,
            contact=contact,
            subject=subject,
            body="GPS tidak update.",
            sender=contact.email,
        ),
        ticket=None,
    )


def acknowledged(received, capture):
    with capture(execute=True):
        message = acknowledge(received)
    if message is not None:
        message.refresh_from_db()
    return message


@pytest.mark.django_db
def test_the_acknowledgement_names_the_ticket_and_promises_a_response_in_24_hours(
    smtp, django_capture_on_commit_callbacks
):
    contact = ContactFactory(name="Budi", email="budi@armada.test", language="en")
    received = received_mail(contact)
    message = acknowledged(received, django_capture_on_commit_callbacks)

    [mail] = smtp.received
    headers = mail.message
    body = headers.get_content()
    assert mail.rcpt_tos == ["budi@armada.test"]
    assert "Budi" in body and "ticket INC-000001" in body and "1 x 24 hours" in body
    assert headers["Subject"] == "Re: [INC-000001] Unit B 9 XY offline"
    assert headers["Auto-Submitted"] == "auto-replied"
    assert headers["X-Auto-Response-Suppress"] == "All"
    assert headers["In-Reply-To"] == "<new-1@armada.test>"
    assert headers["Content-Language"] == "en"
    assert message.automatic and message.status == "sent"
    assert headers["Message-ID"] == message.external_id


@pytest.mark.django_db
def test_the_acknowledgement_is_not_the_first_response(smtp, django_capture_on_commit_callbacks):
    received = received_mail(ContactFactory())
    message = acknowledged(received, django_capture_on_commit_callbacks)
    ticket = received.ticket
    ticket.refresh_from_db()
    assert message.status == "sent"
    assert ticket.first_response_at is None
    assert message.entry.public and message.entry.actor is None


@pytest.mark.django_db
def test_an_indonesian_contact_is_acknowledged_in_indonesian(
    smtp, django_capture_on_commit_callbacks
):
    # The Indonesian wording comes from the catalogue; what is asserted here is that
    # the contact's language, not the desk's, decides it.
    contact = ContactFactory(language="id")
    message = acknowledged(received_mail(contact), django_capture_on_commit_callbacks)
    assert smtp.received[0].message["Content-Language"] == "id" and message.language == "id"
    assert translation.get_language() == "en"


@pytest.mark.django_db
def test_a_ticket_is_acknowledged_once(smtp, django_capture_on_commit_callbacks):
    received = received_mail(ContactFactory())
    assert acknowledged(received, django_capture_on_commit_callbacks) is not None
    assert acknowledged(received, django_capture_on_commit_callbacks) is None
    # The same mail delivered again is a duplicate and gets nothing either.
    again = received_mail(received.message.contact)
    assert again.duplicate
    assert acknowledged(again, django_capture_on_commit_callbacks) is None
    assert len(smtp.received) == 1


@pytest.mark.django_db
def test_sigaps_own_address_is_never_acknowledged(
    smtp, settings, django_capture_on_commit_callbacks
):
    settings.SIGAP_IMAP_URLS = "imaps://helpdesk%40armada.test:pw@imap.armada.test/INBOX"
    for address in ("support@sigap.localhost", "Helpdesk@Armada.test"):
        contact = ContactFactory(email=address)
        received = received_mail(contact, external_id=f"<own-{address}>")
        assert acknowledged(received, django_capture_on_commit_callbacks) is None
    assert smtp.received == []


@pytest.mark.django_db
def test_a_sender_acknowledged_too_often_today_gets_no_more(
    smtp, django_capture_on_commit_callbacks
):
    contact = ContactFactory(email="robot@armada.test")
    for n in range(ACKNOWLEDGEMENTS_PER_DAY + 1):
        received = received_mail(contact, external_id=f"<loop-{n}@armada.test>", subject=f"#{n}")
        acknowledged(received, django_capture_on_commit_callbacks)
    assert len(smtp.received) == ACKNOWLEDGEMENTS_PER_DAY
