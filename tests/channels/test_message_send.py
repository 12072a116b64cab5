"""Queueing the desk's messages and delivering them after the commit."""

from __future__ import annotations

import pytest
from django.utils import timezone
from huey.contrib.djhuey import HUEY

from sigap.channels import transport
from sigap.channels.models import Message
from sigap.channels.services import message_send, message_status
from sigap.channels.tasks import message_deliver
from sigap.channels.transport import TransportError
from tests.factories import ContactFactory, MessageFactory, TicketFactory, UserFactory

sent: list[Message] = []
failures: list[TransportError] = []


class RecordingTransport:
    """A channel that records what it was asked to send, or fails as told."""

    def send(self, message: Message) -> str:
        if failures:
            raise failures.pop(0)
        sent.append(message)
        return f"provider-{message.pk}"


@pytest.fixture(autouse=True)
def recording(monkeypatch):
    monkeypatch.setitem(transport.TRANSPORTS, "email", f"{__name__}.RecordingTransport")
    sent.clear()
    failures.clear()
    HUEY.flush()  # retries scheduled by an earlier test


def send(ticket, **fields):
    values = {"channel": "email", "body": "Sudah kami cek.", "recipient": "a@armada.test"}
    return message_send(ticket=ticket, by=UserFactory(role="agent"), **{**values, **fields})


@pytest.mark.django_db
def test_a_reply_is_delivered_only_after_its_transaction_commits(
    django_capture_on_commit_callbacks,
):
    ticket = TicketFactory(contact=ContactFactory(language="en"))
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        message = send(ticket)
    assert sent == [] and message.status == "queued"
    for callback in callbacks:
        callback()
    message.refresh_from_db()
    assert [m.pk for m in sent] == [message.pk]
    assert message.status == "sent" and message.external_id == f"provider-{message.pk}"
    assert message.language == "en"
    assert message.entry.public and message.entry.body == "Sudah kami cek."


@pytest.mark.django_db
def test_an_agents_reply_is_the_first_response_and_an_acknowledgement_is_not(
    django_capture_on_commit_callbacks,
):
    ticket = TicketFactory()
    with django_capture_on_commit_callbacks(execute=True):
        send(ticket, automatic=True, body="Tiket Anda INC-000001 sudah kami terima.")
    ticket.refresh_from_db()
    assert ticket.first_response_at is None
    with django_capture_on_commit_callbacks(execute=True):
        send(ticket)
    ticket.refresh_from_db()
    assert ticket.first_response_at is not None


@pytest.mark.django_db
def test_a_reply_threads_under_the_last_message_of_its_channel(django_capture_on_commit_callbacks):
    first = MessageFactory(external_id="<a@armada.test>", references="<0@armada.test>")
    with django_capture_on_commit_callbacks(execute=True):
        reply = send(first.ticket)
    assert reply.in_reply_to == "<a@armada.test>"
    assert reply.references == "<0@armada.test> <a@armada.test>"


@pytest.mark.django_db
def test_a_passing_failure_is_retried_and_a_final_one_is_recorded(
    django_capture_on_commit_callbacks,
):
    failures.append(TransportError("connection refused", retry=True))
    with django_capture_on_commit_callbacks(execute=True):
        message = send(TicketFactory())
    message.refresh_from_db()
    assert message.status == "queued" and message.attempts == 1
    assert message.error == "connection refused"
    retry = [t for t in HUEY.scheduled() if t.args == (message.pk,)]
    assert len(retry) == 1 and retry[0].eta > timezone.now().replace(tzinfo=None)
    message_deliver.call_local(message.pk)  # the retry, when its time comes
    message.refresh_from_db()
    assert message.status == "sent" and message.attempts == 2

    failures.append(TransportError("550 no such user", retry=False))
    with django_capture_on_commit_callbacks(execute=True):
        message = send(TicketFactory())
    message.refresh_from_db()
    assert message.status == "failed" and message.error == "550 no such user"


@pytest.mark.django_db
def test_delivery_reports_never_move_a_message_backwards():
    message = MessageFactory(direction="out", status="sent")
    assert message_status(message=message, status="read")
    assert not message_status(message=message, status="delivered")
    message.refresh_from_db()
    assert message.status == "read"
