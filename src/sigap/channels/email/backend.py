"""Django's own mail (password resets, reports) through the same server as ticket mail."""

from __future__ import annotations

from email.utils import make_msgid

from django.conf import settings
from django.core.mail.backends.base import BaseEmailBackend

from sigap.channels.email.transport import outbox_write, smtp_server


class EmailBackend(BaseEmailBackend):
    """Sends through `SIGAP_SMTP_URL`; with none configured, writes each message to the
    outbox in the data dir, like ticket mail, so nothing is silently dropped."""

    def send_messages(self, email_messages) -> int:
        server = smtp_server(settings.SIGAP_SMTP_URL)
        if server is not None:
            return server.connection().send_messages(email_messages)
        domain = settings.SIGAP_SUPPORT_EMAIL.rpartition("@")[2] or None
        for email in email_messages:
            outbox_write(
                email, email.extra_headers.setdefault("Message-ID", make_msgid(domain=domain))
            )
        return len(email_messages)
