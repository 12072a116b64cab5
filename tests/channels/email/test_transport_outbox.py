"""Without SIGAP_SMTP_URL, mail is written to the data dir's outbox, never dropped."""

from __future__ import annotations

import email
import email.policy

import pytest

from sigap.channels.email.outbound import email_reply
from tests.factories import ContactFactory, TicketFactory, UserFactory


@pytest.fixture
def no_smtp(settings, tmp_path):
    settings.SIGAP_SMTP_URL = ""
    settings.DATA_DIR = tmp_path
    return tmp_path / "outbox"


def reply(ticket, capture, body):
    with capture(execute=True):
        message = email_reply(ticket=ticket, by=UserFactory(role="agent"), body=body)
    message.refresh_from_db()
    return message


@pytest.mark.django_db
def test_a_reply_is_written_as_an_eml_file_and_the_row_says_where(
    no_smtp, django_capture_on_commit_callbacks
):
    ticket = TicketFactory(contact=ContactFactory(email="sari@armada.test"))
    message = reply(ticket, django_capture_on_commit_callbacks, "Unit sudah aktif kembali.")

    [path] = no_smtp.glob("*.eml")
    mail = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
    assert mail["Message-ID"] == message.external_id
    assert mail["To"] == "sari@armada.test"
    assert mail["Subject"] == f"[{ticket.number}] {ticket.title}"
    assert mail.get_content().strip() == "Unit sudah aktif kembali."
    assert "no mail server is configured" in message.error and str(path) in message.error


@pytest.mark.django_db
def test_every_message_gets_its_own_file(no_smtp, django_capture_on_commit_callbacks):
    ticket = TicketFactory(contact=ContactFactory(email="sari@armada.test"))
    first = reply(ticket, django_capture_on_commit_callbacks, "One.")
    second = reply(ticket, django_capture_on_commit_callbacks, "Two.")
    ids = {
        email.message_from_bytes(path.read_bytes(), policy=email.policy.default)["Message-ID"]
        for path in no_smtp.glob("*.eml")
    }
    assert ids == {first.external_id, second.external_id}
