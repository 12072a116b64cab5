"""SIGAP_SMTP_URL: the three forms of the issue, and a clear error for anything else."""

from __future__ import annotations

import pytest

from sigap.channels.email.transport import smtp_server
from sigap.core.env import ConfigError


def test_plain_smtp_with_credentials():
    server = smtp_server("smtp://sigap:s3cret@mail.armada.test:2525")
    assert (server.host, server.port) == ("mail.armada.test", 2525)
    assert (server.username, server.password) == ("sigap", "s3cret")
    assert not server.use_tls and not server.use_ssl


def test_starttls_and_smtps_choose_their_encryption_and_usual_port():
    starttls = smtp_server("smtp://sigap:pw@mail.armada.test?starttls")
    assert starttls.use_tls and not starttls.use_ssl and starttls.port == 587
    smtps = smtp_server("smtps://sigap:pw@mail.armada.test")
    assert smtps.use_ssl and not smtps.use_tls and smtps.port == 465
    assert smtp_server("smtp://mail.armada.test").port == 25


def test_percent_encoded_credentials_are_decoded():
    server = smtp_server("smtp://support%40armada.test:p%40ss%2Fw0rd@mail.armada.test")
    assert server.username == "support@armada.test" and server.password == "p@ss/w0rd"


def test_no_url_means_the_outbox():
    assert smtp_server("") is None


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://mail.armada.test", "smtp:// or smtps://"),
        ("smtp://", "no host"),
        ("smtp://mail.armada.test:port", "Port could not be cast"),
        ("smtp://mail.armada.test/INBOX", "no path"),
        ("smtp://mail.armada.test?tls=1", "unknown option tls"),
        ("smtp://mail.armada.test?starttls=maybe", "not a boolean"),
        ("smtps://mail.armada.test?starttls", "encrypted already"),
        ("smtp://mail.armada.test?timeout=0", "timeout"),
    ],
)
def test_a_bad_url_is_refused_with_the_reason(url, reason):
    with pytest.raises(ConfigError, match="SIGAP_SMTP_URL") as error:
        smtp_server(url)
    assert reason in str(error.value)


def test_the_error_never_shows_the_password():
    with pytest.raises(ConfigError) as error:
        smtp_server("ftp://sigap:hunter2@mail.armada.test")
    assert "hunter2" not in str(error.value) and "sigap:********@" in str(error.value)


def test_the_password_is_not_in_the_servers_repr():
    assert "s3cret" not in repr(smtp_server("smtp://sigap:s3cret@mail.armada.test"))
