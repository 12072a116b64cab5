"""`sigap mail-in` as an MTA runs it: a separate process reading the mail on stdin,
answering with the exit status the MTA acts on and one line on stderr.

The process speaks the installation's language (Indonesian by default), so these
tests check the numbers and ids in what it prints, not its wording."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from django.conf import settings

from sigap.channels.models import Message, Quarantine
from tests import conftest
from tests.channels.email.samples import corpus, mail

# serialized_rollback: the flush after each test must give the seeded categories back.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

# What `sigap mail-in` runs (src/sigap/cli.py maps the name to this module).
RUN = (
    "import sys, django; django.setup();"
    "from django.core.management import load_command_class;"
    "load_command_class('sigap.channels.email', 'mail_in')"
    ".run_from_argv(['sigap', 'mail-in', *sys.argv[1:]])"
)


def mail_in(raw: bytes, *args: str, database_url: str | None = None):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "sigap.settings",
        "SIGAP_DATA_DIR": str(settings.DATA_DIR),
        "DATABASE_URL": database_url or conftest.database_url(),
        "SIGAP_SUPPORT_EMAIL": "support@sigap.localhost",
    }
    return subprocess.run(
        [sys.executable, "-c", RUN, *args], input=raw, capture_output=True, env=env, timeout=60
    )


def test_a_stored_mail_and_its_repeat_both_exit_0():
    first = mail_in(mail(), "--mailbox", "support@sigap.localhost")
    assert first.returncode == 0, first.stderr
    assert "INC-000001" in first.stdout.decode()
    again = mail_in(mail())
    assert again.returncode == 0
    assert "INC-000001" in again.stdout.decode()
    message = Message.objects.get(direction="in")
    assert message.mailbox == "support@sigap.localhost" and message.ticket.number == "INC-000001"


def test_an_unparseable_mail_is_quarantined_and_exits_65():
    done = mail_in(corpus("27_malformed_no_from.eml"), "--mailbox", "billing@sigap.localhost")
    assert done.returncode == 65
    [line] = done.stderr.decode().strip().splitlines()
    item = Quarantine.objects.get()
    assert f"#{item.pk}" in line and item.error
    assert bytes(item.raw) == corpus("27_malformed_no_from.eml")
    assert item.source == "billing@sigap.localhost via pipe"
    assert not Message.objects.exists()


def test_nothing_on_stdin_exits_65():
    done = mail_in(b"")
    assert done.returncode == 65
    [line] = done.stderr.decode().strip().splitlines()
    assert line.startswith("CommandError: ")
    assert not Quarantine.objects.exists()


def test_a_database_failure_exits_75_so_the_mta_retries(tmp_path):
    missing = tmp_path / "no-such-dir" / "sigap.sqlite3"
    done = mail_in(mail(), database_url=f"sqlite:///{missing}")
    assert done.returncode == 75
    [line] = done.stderr.decode().strip().splitlines()
    assert line.startswith("CommandError: ") and "unable to open database file" in line
