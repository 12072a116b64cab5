"""Polling a real IMAP server (dovecot on loopback): every unseen mail is taken in once,
and marked seen only once it is stored."""

from __future__ import annotations

import itertools

import pytest
from django.db import OperationalError, connection

from sigap.channels.email.imap import ImapError, poll_all, poll_mailbox
from sigap.channels.models import Message, Quarantine
from tests.channels.email.servers import Dovecot, dovecot_binary, free_port

PASSWORD = "imap-secret"
_users = itertools.count(1)


USERS = 20  # one fresh mailbox per test


@pytest.fixture(scope="module")
def dovecot():
    server = Dovecot(dovecot_binary())
    for n in range(1, USERS + 1):
        server.add_user(f"support{n}@sigap.test", PASSWORD)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def user(dovecot, settings):
    """A fresh mailbox for each test, and no SMTP: acknowledgements go to the outbox."""
    settings.SIGAP_SMTP_URL = ""
    return f"support{next(_users)}@sigap.test"


def mail(n: int, *, subject: str = "GPS offline") -> bytes:
    return (
        f"From: Budi <budi@armada.test>\r\n"
        f"To: support@sigap.test\r\n"
        f"Subject: {subject} {n}\r\n"
        f"Message-ID: <imap-{n}@armada.test>\r\n"
        f"Date: Mon, 05 Jan 2026 09:00:00 +0700\r\n"
        f"\r\n"
        f"Unit nomor {n} tidak update sejak pagi.\r\n"
    ).encode()


def seen(dovecot, user) -> list[bool]:
    return ["\\Seen" in flags for flags in dovecot.flags(user, PASSWORD)]


@pytest.mark.django_db
def test_new_mail_is_taken_in_once_and_marked_seen(dovecot, user):
    dovecot.append(user, PASSWORD, mail(1))
    dovecot.append(user, PASSWORD, mail(2))
    assert seen(dovecot, user) == [False, False]

    counts = poll_mailbox(dovecot.url(user, PASSWORD))
    assert (counts.unseen, counts.stored, counts.failed) == (2, 2, 0)
    assert seen(dovecot, user) == [True, True]
    messages = Message.objects.filter(direction="in").order_by("external_id")
    assert [m.external_id for m in messages] == ["<imap-1@armada.test>", "<imap-2@armada.test>"]
    assert {m.mailbox for m in messages} == {user}
    assert messages[0].ticket != messages[1].ticket

    again = poll_mailbox(dovecot.url(user, PASSWORD))
    assert (again.unseen, again.stored) == (0, 0)
    assert Message.objects.filter(direction="in").count() == 2


@pytest.mark.django_db
def test_mail_read_already_in_the_mailbox_is_left_alone(dovecot, user):
    dovecot.append(user, PASSWORD, mail(3), flags="\\Seen")
    assert poll_mailbox(dovecot.url(user, PASSWORD)).unseen == 0
    assert not Message.objects.exists()


@pytest.mark.django_db
def test_a_database_failure_leaves_the_mail_unseen_for_the_next_poll(dovecot, user):
    dovecot.append(user, PASSWORD, mail(4))

    def database_down(execute, sql, params, many, context):
        if sql.lstrip().upper().startswith("INSERT"):
            raise OperationalError("database is locked")
        return execute(sql, params, many, context)

    with connection.execute_wrapper(database_down):
        counts = poll_mailbox(dovecot.url(user, PASSWORD))
    assert (counts.unseen, counts.failed, counts.stored) == (1, 1, 0)
    assert seen(dovecot, user) == [False]
    assert not Message.objects.exists() and not Quarantine.objects.exists()

    counts = poll_mailbox(dovecot.url(user, PASSWORD))
    assert (counts.stored, counts.failed) == (1, 0)
    assert seen(dovecot, user) == [True]
    assert Message.objects.get(direction="in").external_id == "<imap-4@armada.test>"


@pytest.mark.django_db
def test_mail_stored_before_a_crash_is_not_stored_twice(dovecot, user):
    # Stored and committed, then the poller died before marking it: the next poll
    # finds it unseen, recognises it and marks it.
    from sigap.channels.email.intake import take

    dovecot.append(user, PASSWORD, mail(5))
    take(mail(5), source="pipe", mailbox=user)
    counts = poll_mailbox(dovecot.url(user, PASSWORD))
    assert (counts.duplicates, counts.stored) == (1, 0)
    assert seen(dovecot, user) == [True]
    assert Message.objects.filter(direction="in").count() == 1


@pytest.mark.django_db
def test_mail_intake_refuses_is_quarantined_whole_and_marked(dovecot, user):
    raw = b"Subject: no sender at all\r\n\r\nwho wrote this?\r\n"
    dovecot.append(user, PASSWORD, raw)
    counts = poll_mailbox(dovecot.url(user, PASSWORD))
    assert (counts.quarantined, counts.stored, counts.failed) == (1, 0, 0)
    assert seen(dovecot, user) == [True]
    item = Quarantine.objects.get()
    assert bytes(item.raw) == raw
    assert item.source == f"{user} via imap:{user}@127.0.0.1/INBOX"
    assert not Message.objects.exists()


@pytest.mark.django_db
def test_a_wrong_password_is_an_error_that_names_the_mailbox_not_the_password(dovecot, user):
    with pytest.raises(ImapError) as error:
        poll_mailbox(dovecot.url(user, "wrong-password"))
    assert f"imap:{user}@127.0.0.1/INBOX" in str(error.value)
    assert "wrong-password" not in str(error.value)


@pytest.mark.django_db
def test_a_missing_folder_is_an_error(dovecot, user):
    with pytest.raises(ImapError, match="SELECT"):
        poll_mailbox(dovecot.url(user, PASSWORD, folder="Nowhere"))


@pytest.mark.django_db
def test_one_unreachable_mailbox_does_not_stop_the_others(dovecot, user, settings):
    dovecot.append(user, PASSWORD, mail(6))
    unreachable = f"imap://x:y@127.0.0.1:{free_port()}/INBOX?timeout=2"
    settings.SIGAP_IMAP_URLS = f"{unreachable},{dovecot.url(user, PASSWORD)}"
    counts = poll_all()
    assert counts.stored == 1
    assert seen(dovecot, user) == [True]
