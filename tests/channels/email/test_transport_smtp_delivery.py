"""Delivering the desk's mail in a real SMTP conversation with aiosmtpd on loopback:
what arrives, what a refusal does, and how a server that is down or busy is retried."""

from __future__ import annotations

import datetime

import pytest
from huey.contrib.djhuey import HUEY

from sigap.channels.email.outbound import email_reply
from sigap.channels.models import Message
from sigap.channels.services import Inbound, message_receive
from tests.channels.email.servers import SilentServer, SmtpServer, free_port
from tests.factories import ContactFactory, UserFactory


@pytest.fixture(autouse=True)
def empty_schedule():
    HUEY.flush()
    yield
    HUEY.flush()


@pytest.fixture
def smtp(settings):
    with SmtpServer() as server:
        settings.SIGAP_SMTP_URL = server.url
        yield server


def customer_ticket(email="budi@armada.test", language="en"):
    """A ticket opened by a customer's e-mail, as intake stores it."""
    contact = ContactFactory(email=email, language=language)
    received = message_receive(
        Inbound(
            channel="email",
            mailbox="support@sigap.localhost",
            external_id="<c2@armada.test>",
            contact=contact,
            subject="GPS B 1234 XYZ offline",
            body="Posisi tidak berubah sejak pagi.",
            sender=email,
            in_reply_to="<c1@armada.test>",
            references="<c0@armada.test> <c1@armada.test>",
        ),
        ticket=None,
    )
    return received.ticket


def reply(ticket, capture, body="We are checking the unit now."):
    with capture(execute=True):
        message = email_reply(ticket=ticket, by=UserFactory(role="agent"), body=body)
    message.refresh_from_db()
    return message


def run_due_retries(*, minutes: int = 90) -> None:
    """Run the retries scheduled for the next `minutes`, as the consumer would then."""
    later = datetime.datetime.now(datetime.UTC).replace(tzinfo=None) + datetime.timedelta(
        minutes=minutes
    )
    for task in HUEY.read_schedule(later):
        HUEY.execute(task, timestamp=later)


@pytest.mark.django_db
def test_a_reply_arrives_threaded_tagged_and_in_the_customers_language(
    smtp, django_capture_on_commit_callbacks
):
    ticket = customer_ticket(language="en")
    message = reply(ticket, django_capture_on_commit_callbacks)

    [mail] = smtp.received
    assert mail.mail_from == "support@sigap.localhost"
    assert mail.rcpt_tos == ["budi@armada.test"]
    headers = mail.message
    assert headers["From"] == "support@sigap.localhost"
    assert headers["To"] == "budi@armada.test"
    assert headers["Subject"] == "Re: [INC-000001] GPS B 1234 XYZ offline"
    assert headers["In-Reply-To"] == "<c2@armada.test>"
    assert headers["References"] == "<c0@armada.test> <c1@armada.test> <c2@armada.test>"
    assert headers["Content-Language"] == "en"
    assert headers["Auto-Submitted"] is None  # an agent wrote it
    assert headers.get_content().strip() == "We are checking the unit now."
    # The id it went out with is on the row, so the customer's answer threads back.
    assert headers["Message-ID"] == message.external_id
    assert message.external_id.startswith(f"<sigap.{message.pk}.")
    assert message.external_id.endswith("@sigap.localhost>")
    assert message.status == "sent" and message.sent_at is not None and message.error == ""
    assert message.subject == headers["Subject"]


@pytest.mark.django_db
def test_an_indonesian_customer_gets_content_language_id(smtp, django_capture_on_commit_callbacks):
    message = reply(customer_ticket(language="id"), django_capture_on_commit_callbacks)
    assert smtp.received[0].message["Content-Language"] == "id"
    assert message.language == "id"


@pytest.mark.django_db
def test_each_message_has_its_own_message_id(smtp, django_capture_on_commit_callbacks):
    ticket = customer_ticket()
    first = reply(ticket, django_capture_on_commit_callbacks, body="First.")
    second = reply(ticket, django_capture_on_commit_callbacks, body="Second.")
    ids = [mail.message["Message-ID"] for mail in smtp.received]
    assert ids == [first.external_id, second.external_id] and ids[0] != ids[1]
    # The second reply threads under the first.
    assert smtp.received[1].message["In-Reply-To"] == first.external_id


@pytest.mark.django_db
def test_a_refused_recipient_ends_failed_with_the_servers_answer(
    smtp, django_capture_on_commit_callbacks
):
    smtp.handler.refuse["nobody@armada.test"] = "550 5.1.1 <nobody@armada.test>: User unknown"
    message = reply(customer_ticket(email="nobody@armada.test"), django_capture_on_commit_callbacks)
    assert message.status == "failed" and message.attempts == 1
    assert "550" in message.error and "User unknown" in message.error
    assert "nobody@armada.test" in message.error
    assert smtp.received == [] and HUEY.scheduled() == []  # not tried again


@pytest.mark.django_db
def test_a_server_that_is_down_is_retried_with_the_same_message_id(
    settings, django_capture_on_commit_callbacks
):
    port = free_port()
    settings.SIGAP_SMTP_URL = f"smtp://127.0.0.1:{port}"
    message = reply(customer_ticket(), django_capture_on_commit_callbacks)
    assert message.status == "queued" and message.attempts == 1
    assert f"127.0.0.1:{port}" in message.error and "refused" in message.error.lower()
    first_id = message.external_id

    with SmtpServer(port=port) as smtp:
        run_due_retries()
    message.refresh_from_db()
    assert message.status == "sent" and message.attempts == 2
    assert message.external_id == first_id
    assert [mail.message["Message-ID"] for mail in smtp.received] == [first_id]


@pytest.mark.django_db
def test_a_busy_server_451_is_retried_and_the_retry_is_delivered_once(
    smtp, django_capture_on_commit_callbacks
):
    smtp.handler.tempfail = 1
    message = reply(customer_ticket(), django_capture_on_commit_callbacks)
    assert message.status == "queued" and "451" in message.error
    run_due_retries()
    message.refresh_from_db()
    assert message.status == "sent" and message.attempts == 2
    assert [mail.message["Message-ID"] for mail in smtp.received] == [message.external_id]


@pytest.mark.django_db
def test_a_server_that_never_answers_times_out_and_is_retried(
    settings, django_capture_on_commit_callbacks
):
    with SilentServer() as silent:
        settings.SIGAP_SMTP_URL = f"smtp://127.0.0.1:{silent.port}?timeout=0.5"
        message = reply(customer_ticket(), django_capture_on_commit_callbacks)
    assert message.status == "queued" and "timed out" in message.error
    assert len(HUEY.scheduled()) == 1


@pytest.mark.django_db
def test_a_server_down_for_good_ends_failed_after_the_last_attempt(
    settings, django_capture_on_commit_callbacks
):
    settings.SIGAP_SMTP_URL = f"smtp://127.0.0.1:{free_port()}"
    message = reply(customer_ticket(), django_capture_on_commit_callbacks)
    for _attempt in range(10):
        run_due_retries(minutes=120)
    message.refresh_from_db()
    assert message.status == "failed" and message.attempts == 8
    assert "refused" in message.error.lower()


@pytest.mark.django_db
def test_credentials_in_the_url_log_in(settings, django_capture_on_commit_callbacks):
    with SmtpServer(credentials=("sigap", "s3cret")) as smtp:
        settings.SIGAP_SMTP_URL = smtp.url
        message = reply(customer_ticket(), django_capture_on_commit_callbacks)
    assert message.status == "sent"
    assert [mail.authenticated for mail in smtp.received] == [True]


@pytest.mark.django_db
def test_a_refused_login_fails_without_retrying(settings, django_capture_on_commit_callbacks):
    with SmtpServer(credentials=("sigap", "s3cret")) as smtp:
        settings.SIGAP_SMTP_URL = f"smtp://sigap:wrong@127.0.0.1:{smtp.port}"
        message = reply(customer_ticket(), django_capture_on_commit_callbacks)
    assert message.status == "failed" and "535" in message.error
    assert "wrong" not in message.error
    assert smtp.received == []


@pytest.mark.django_db
def test_a_bad_smtp_url_fails_the_message_naming_the_setting(
    settings, django_capture_on_commit_callbacks
):
    settings.SIGAP_SMTP_URL = "smtp://sigap:hunter2@mail.armada.test?tls=yes"
    message = reply(customer_ticket(), django_capture_on_commit_callbacks)
    assert message.status == "failed"
    assert "SIGAP_SMTP_URL" in message.error and "unknown option tls" in message.error
    assert "hunter2" not in message.error
    assert Message.objects.get(pk=message.pk).status == "failed"


@pytest.mark.parametrize("address", ["budi@@armada.test", "budi@armada.test Bcc: x@evil.test"])
@pytest.mark.django_db
def test_a_malformed_address_fails_without_talking_to_the_server(
    smtp, address, django_capture_on_commit_callbacks
):
    message = reply(customer_ticket(email=address), django_capture_on_commit_callbacks)
    assert message.status == "failed" and "Invalid address" in message.error
    assert smtp.received == [] and HUEY.scheduled() == []


@pytest.mark.django_db
def test_the_customers_answer_to_a_reply_threads_back_onto_the_ticket(
    smtp, django_capture_on_commit_callbacks
):
    from sigap.channels.email.intake import take

    ticket = customer_ticket()
    ticket_reply = reply(ticket, django_capture_on_commit_callbacks)
    sent = smtp.received[0].message
    answer = (
        "From: budi@armada.test\r\n"
        "To: support@sigap.localhost\r\n"
        f"Subject: {sent['Subject']}\r\n"
        "Message-ID: <answer-1@armada.test>\r\n"
        f"In-Reply-To: {sent['Message-ID']}\r\n"
        f"References: {sent['References']} {sent['Message-ID']}\r\n"
        "\r\nSudah saya restart, tetap tidak update.\r\n"
    ).encode()
    received = take(answer, source="test", mailbox="support@sigap.localhost")
    assert received.ticket == ticket and ticket_reply.ticket == ticket
    assert received.message.in_reply_to == ticket_reply.external_id
