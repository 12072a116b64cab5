"""SIGAP_IMAP_URL: one or several mailboxes, and a clear error for a bad one."""

from __future__ import annotations

import pytest

from sigap.channels.email.imap import configured_mailboxes, mailbox_from_url
from sigap.core.env import ConfigError


def test_an_imaps_url_names_server_user_folder_and_address():
    box = mailbox_from_url("imaps://support%40armada.test:p%40ss@imap.armada.test/Support")
    assert (box.host, box.port, box.security) == ("imap.armada.test", 993, "tls")
    assert (box.username, box.password) == ("support@armada.test", "p@ss")
    assert box.folder == "Support"
    assert box.address == "support@armada.test"
    assert box.source == "imap:support@armada.test@imap.armada.test/Support"


def test_defaults_inbox_and_the_support_address_for_a_plain_user_name(settings):
    settings.SIGAP_SUPPORT_EMAIL = "support@sigap.test"
    box = mailbox_from_url("imap://helpdesk:pw@127.0.0.1:1143")
    assert (box.port, box.security, box.folder) == (1143, "none", "INBOX")
    assert box.address == "support@sigap.test"
    assert mailbox_from_url("imap://helpdesk:pw@mail.test?address=cs@armada.test").address == (
        "cs@armada.test"
    )
    assert mailbox_from_url("imap://helpdesk:pw@mail.test?starttls").security == "starttls"


def test_several_mailboxes_are_separated_by_commas(settings):
    settings.SIGAP_IMAP_URLS = "imaps://a:1@one.test/INBOX, imaps://b:2@two.test/INBOX"
    assert [box.host for box in configured_mailboxes()] == ["one.test", "two.test"]
    settings.SIGAP_IMAP_URLS = ""
    assert configured_mailboxes() == []


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("pop3://a:b@mail.test", "imaps:// or imap://"),
        ("imaps://a:b@/INBOX", "no host"),
        ("imaps://mail.test/INBOX", "user and a password"),
        ("imaps://a:b@mail.test:99999/INBOX", "out of range"),
        ("imaps://a:b@mail.test/INBOX?idle=1", "unknown option idle"),
        ("imaps://a:b@mail.test/INBOX?starttls", "encrypted already"),
        ("imap://a:b@mail.test/INBOX?timeout=never", "timeout"),
    ],
)
def test_a_bad_url_is_refused_with_the_reason(url, reason):
    with pytest.raises(ConfigError, match="SIGAP_IMAP_URL") as error:
        mailbox_from_url(url)
    assert reason in str(error.value)


def test_the_error_and_the_repr_never_show_the_password():
    with pytest.raises(ConfigError) as error:
        mailbox_from_url("pop3://support:hunter2@mail.test")
    assert "hunter2" not in str(error.value)
    assert "hunter2" not in repr(mailbox_from_url("imaps://support:hunter2@mail.test"))
