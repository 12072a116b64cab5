"""Sigap's other mail (a password reset) is never dropped when no server is set."""

from __future__ import annotations

from django.core.mail import get_connection, send_mail


def test_without_a_mail_server_django_mail_lands_in_the_outbox(settings, tmp_path):
    settings.SIGAP_SMTP_URL = ""
    settings.DATA_DIR = tmp_path
    connection = get_connection("sigap.channels.email.backend.EmailBackend")
    sent = send_mail(
        "Reset kata sandi", "Klik tautan ini.", None, ["budi@armada.test"], connection=connection
    )
    assert sent == 1
    (eml,) = (settings.DATA_DIR / "outbox").glob("*.eml")
    text = eml.read_text()
    assert "Subject: Reset kata sandi" in text and "To: budi@armada.test" in text
    assert f"From: {settings.SIGAP_SUPPORT_EMAIL}" in text
