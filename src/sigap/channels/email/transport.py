"""Sending e-mail: one queued `Message` becomes one RFC 5322 message, sent over SMTP.

The server is `SIGAP_SMTP_URL` (`smtp://user:pass@host:port`, `smtp://...?starttls`,
`smtps://...`). Without one, each message is written as an `.eml` file into the data
dir's `outbox/` and the row says so: a desk that has not set up mail yet loses nothing.

Every message gets its own Message-ID, stored on the row before the first attempt: a
retry sends the same id, and a customer's reply, whichever attempt reached them,
threads back onto the ticket.
"""

from __future__ import annotations

import re
import secrets
import smtplib
import ssl
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.core.mail.message import sanitize_address
from django.utils.translation import gettext as _

from sigap.channels.email.mailurl import MailUrl
from sigap.channels.models import Message
from sigap.channels.transport import TransportError
from sigap.core.env import ConfigError
from sigap.tickets.attachments import safe_filename

SMTP_TIMEOUT = 30.0  # seconds for connecting and for each reply
# RFC 5322 3.6.4 lets a long References list be trimmed; keep the thread's first
# message and the newest ones, which is what clients thread on.
MAX_REFERENCES = 20
_REPLY_PREFIX = re.compile(r"^\s*((re|fw|fwd|aw|balas)\s*:\s*)+", re.IGNORECASE)


@dataclass(frozen=True)
class SmtpServer:
    host: str
    port: int
    username: str
    password: str = field(repr=False)
    use_tls: bool  # STARTTLS after connecting
    use_ssl: bool  # TLS from the first byte (smtps://)
    timeout: float

    def connection(self) -> BaseEmailBackend:
        return get_connection(
            "django.core.mail.backends.smtp.EmailBackend",
            fail_silently=False,
            host=self.host,
            port=self.port,
            username=self.username,
            password=self.password,
            use_tls=self.use_tls,
            use_ssl=self.use_ssl,
            timeout=self.timeout,
        )


def smtp_server(url: str) -> SmtpServer | None:
    """The server `url` names, or None when it is empty (mail goes to the outbox).

    `smtp://user:pass@host:port` (port 25), `smtp://...?starttls` (port 587),
    `smtps://...` (port 465); `?timeout=SECONDS` changes the 30-second timeout.
    User and password are percent-decoded, so `p%40ss` is `p@ss`.
    """
    if not (url or "").strip():
        return None
    parsed = MailUrl(
        url, variable="SIGAP_SMTP_URL", schemes=("smtp", "smtps"), options={"starttls", "timeout"}
    )
    if parsed.parts.path not in ("", "/"):
        raise parsed.bad("an SMTP URL has no path")
    starttls = parsed.flag("starttls")
    if starttls and parsed.scheme == "smtps":
        raise parsed.bad("smtps:// is encrypted already; ?starttls is for smtp://")
    default_port = 465 if parsed.scheme == "smtps" else 587 if starttls else 25
    return SmtpServer(
        host=parsed.parts.hostname,
        port=parsed.port or default_port,
        username=unquote(parsed.parts.username or ""),
        password=unquote(parsed.parts.password or ""),
        use_tls=starttls,
        use_ssl=parsed.scheme == "smtps",
        timeout=parsed.seconds(SMTP_TIMEOUT),
    )


class EmailTransport:
    """The e-mail channel's `Transport`."""

    def send(self, message: Message) -> str:
        try:
            server = smtp_server(str(settings.SIGAP_SMTP_URL))
        except ConfigError as exc:
            # Trying again cannot help until an operator fixes the setting.
            raise TransportError(str(exc), retry=False) from None
        message_id = _claim_message_id(message)
        email = email_for(message)
        try:
            # What Django's SMTP backend would refuse halfway, refused here, the same
            # way with SMTP and with the outbox: a malformed address, a bad header.
            for address in email.recipients() or [""]:
                sanitize_address(address, email.encoding or settings.DEFAULT_CHARSET)
            email.message()
        except (ValueError, IndexError) as exc:  # BadHeaderError is a ValueError
            raise TransportError(
                _("This message cannot be sent as e-mail: %(error)s") % {"error": exc},
                retry=False,
            ) from exc
        if server is None:
            path = outbox_write(email, message_id)
            note = _(
                "Not sent: no mail server is configured (SIGAP_SMTP_URL). "
                "The message was written to %(path)s."
            ) % {"path": path}
            Message.objects.filter(pk=message.pk).update(error=note)
            message.error = note
            return message_id
        _send(server, email)
        return message_id


def _claim_message_id(message: Message) -> str:
    """The row's Message-ID, made and stored before the first attempt so that every
    attempt sends the same one. Of two workers racing on a fresh row, the first
    UPDATE wins and both read its id back."""
    if not message.external_id:
        domain = settings.SIGAP_SUPPORT_EMAIL.rpartition("@")[2] or "sigap.localhost"
        candidate = f"<sigap.{message.pk}.{secrets.token_hex(8)}@{domain}>"
        Message.objects.filter(pk=message.pk, external_id__isnull=True).update(
            external_id=candidate,
            mailbox=settings.SIGAP_SUPPORT_EMAIL[:255],
            subject=subject_for(message)[:255],
        )
        stored = Message.objects.values_list("external_id", "mailbox", "subject").get(pk=message.pk)
        message.external_id, message.mailbox, message.subject = stored
    return message.external_id


def subject_for(message: Message) -> str:
    """`Re: [INC-000123] <ticket title>`: the tag is what threads a reply whose
    client dropped In-Reply-To. `Re:` is the reply marker RFC 5322 3.6.5 gives for
    every language, and Indonesian mail clients use it too."""
    ticket = message.ticket
    text = message.subject or (ticket.title if ticket is not None else "")
    text = " ".join(_REPLY_PREFIX.sub("", text).split())
    if ticket is not None and ticket.number and f"[{ticket.number}]" not in text:
        text = f"[{ticket.number}] {text}".strip()
    if message.in_reply_to:
        text = f"Re: {text}"
    return text


def _references(message: Message) -> str:
    ids = message.references.split()
    if len(ids) > MAX_REFERENCES:
        ids = ids[:1] + ids[-(MAX_REFERENCES - 1) :]
    return " ".join(ids)


def email_for(message: Message) -> EmailMessage:
    """The mail for a row whose Message-ID is claimed."""
    headers = {"Message-ID": message.external_id, "Content-Language": message.language}
    if message.in_reply_to:
        headers["In-Reply-To"] = " ".join(message.in_reply_to.split())
    references = _references(message)
    if references:
        headers["References"] = references
    if message.automatic:
        # RFC 3834: an automatic reply says so, so that other responders do not answer
        # it; Exchange reads the second header and sends no out-of-office back.
        headers["Auto-Submitted"] = "auto-replied"
        headers["X-Auto-Response-Suppress"] = "All"
    return EmailMessage(
        subject=" ".join((message.subject or subject_for(message)).split()),
        body=message.body,
        from_email=settings.SIGAP_SUPPORT_EMAIL,
        to=[" ".join(message.recipient.split())],
        headers=headers,
    )


def outbox_write(email: EmailMessage, message_id: str) -> Path:
    # Named after the Message-ID, so a retry rewrites the same file, and written
    # whole under a temporary name first, so a reader never sees half a message.
    outbox = Path(settings.DATA_DIR) / "outbox"
    outbox.mkdir(parents=True, exist_ok=True)
    path = outbox / f"{safe_filename(message_id.strip('<>'), default='message')}.eml"
    partial = path.with_name(f".{path.name}.partial")
    partial.write_bytes(email.message().as_bytes(linesep="\r\n"))
    partial.replace(path)
    return path


def _reply_text(reply: bytes | str) -> str:
    if isinstance(reply, bytes):
        reply = reply.decode("utf-8", "replace")
    return " ".join(reply.split())


def _send(server: SmtpServer, email: EmailMessage) -> None:
    """Send over SMTP, turning each failure into whether a later attempt can help:
    4xx replies and an unreachable server may pass; 5xx replies will not."""
    where = f"{server.host}:{server.port}"
    try:
        sent = server.connection().send_messages([email])
    except smtplib.SMTPRecipientsRefused as exc:
        address, (code, reply) = next(iter(exc.recipients.items()))
        raise TransportError(
            _("The mail server %(server)s refused %(address)s: %(code)s %(reply)s")
            % {"server": where, "address": address, "code": code, "reply": _reply_text(reply)},
            retry=code < 500,
        ) from exc
    except smtplib.SMTPResponseException as exc:
        # Refused sender or content, failed login, a 4xx greeting: the reply decides.
        raise TransportError(
            _("The mail server %(server)s answered %(code)s %(reply)s")
            % {"server": where, "code": exc.smtp_code, "reply": _reply_text(exc.smtp_error)},
            retry=exc.smtp_code < 500,
        ) from exc
    except (smtplib.SMTPNotSupportedError, ssl.SSLCertVerificationError) as exc:
        # No STARTTLS on offer, or a certificate that does not verify: a setting to fix.
        raise TransportError(
            _("Cannot talk securely to the mail server %(server)s: %(error)s")
            % {"server": where, "error": exc},
            retry=False,
        ) from exc
    except (OSError, smtplib.SMTPException) as exc:
        # Refused connection, timeout, name lookup, dropped connection.
        raise TransportError(
            _("Cannot reach the mail server %(server)s: %(error)s")
            % {"server": where, "error": str(exc) or type(exc).__name__},
            retry=True,
        ) from exc
    if not sent:  # Django's backend skips a message with no recipient at all
        raise TransportError(_("The message has no recipient."), retry=False)
