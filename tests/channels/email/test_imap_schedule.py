"""Mailboxes are polled every SIGAP_IMAP_POLL_SECONDS by the task queue."""

from __future__ import annotations

import datetime

import pytest
from huey.contrib.djhuey import HUEY

from sigap.channels.email.tasks import imap_poll_minute, polls_due
from sigap.channels.models import Message
from tests.channels.email.servers import Dovecot, dovecot_binary

MINUTE = datetime.datetime(2026, 1, 5, 2, 0)  # the naive UTC time Huey's scheduler passes


@pytest.fixture(autouse=True)
def empty_schedule():
    HUEY.flush()
    yield
    HUEY.flush()


def due_minutes(settings, seconds: int) -> list[int]:
    settings.SIGAP_IMAP_POLL_SECONDS = seconds
    return [m for m in range(10) if polls_due(MINUTE + datetime.timedelta(minutes=m))]


def test_under_a_minute_every_minute_starts_polls(settings):
    assert due_minutes(settings, 20) == list(range(10))
    assert due_minutes(settings, 60) == list(range(10))


def test_several_minutes_start_polls_every_so_many_minutes(settings):
    assert due_minutes(settings, 300) == [0, 5]
    assert due_minutes(settings, 90) == [0, 2, 4, 6, 8]  # rounded to whole minutes


def test_the_minutes_task_is_registered_with_the_scheduler(settings):
    settings.SIGAP_IMAP_POLL_SECONDS = 300
    task_class = imap_poll_minute.task_class
    assert any(isinstance(task, task_class) for task in HUEY.read_periodic(MINUTE))
    next_minute = MINUTE + datetime.timedelta(minutes=1)
    assert not any(isinstance(task, task_class) for task in HUEY.read_periodic(next_minute))


@pytest.mark.django_db
def test_every_20_seconds_a_mailbox_is_polled_now_and_twice_more_this_minute(settings):
    server = Dovecot(dovecot_binary())
    server.add_user("desk", "pw")
    server.start()
    try:
        server.append(
            "desk",
            "pw",
            b"From: budi@armada.test\r\nSubject: GPS mati\r\nMessage-ID: <s1@armada.test>\r\n"
            b"\r\nTolong dicek.\r\n",
        )
        settings.SIGAP_IMAP_URLS = server.url("desk", "pw")
        settings.SIGAP_IMAP_POLL_SECONDS = 20
        settings.SIGAP_SMTP_URL = ""
        started = datetime.datetime.now(datetime.UTC).replace(tzinfo=None)
        imap_poll_minute()
    finally:
        server.stop()
    assert Message.objects.filter(external_id="<s1@armada.test>").exists()
    later = sorted(HUEY.scheduled(), key=lambda task: task.eta)
    offsets = [round((task.eta - started).total_seconds()) for task in later]
    assert offsets == [20, 40]
    # Each expires when the next is due, so a stopped consumer leaves no burst behind.
    assert [round((t.expires_resolved - started).total_seconds()) for t in later] == [40, 60]


@pytest.mark.django_db
def test_without_mailboxes_nothing_is_polled(settings):
    settings.SIGAP_IMAP_URLS = ""
    imap_poll_minute()
    assert HUEY.scheduled() == []
