"""The corpus of test mail (`corpus/`, written for these tests) and small builders."""

from __future__ import annotations

from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path

from sigap.channels.models import Message
from sigap.tickets.models import Ticket
from tests.factories import MessageFactory

CORPUS = Path(__file__).parent / "corpus"
SUPPORT = "support@sigap.localhost"


def corpus(name: str) -> bytes:
    return (CORPUS / name).read_bytes()


def corpus_names() -> list[str]:
    return sorted(p.name for p in CORPUS.glob("*.eml"))


def mail(
    *,
    sender: str = "Budi Santoso <budi.santoso@armada.co.id>",
    to: str = SUPPORT,
    subject: str = "Unit B 1234 XYZ tidak update",
    body: str = "Sejak pagi posisi unit tidak berubah.",
    message_id: str | None = "<m1@armada.co.id>",
    **headers: str,
) -> bytes:
    """A plain-text mail; extra headers by keyword (`In_Reply_To` -> `In-Reply-To`)."""
    import datetime

    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = format_datetime(datetime.datetime(2026, 1, 5, 9, 0, tzinfo=datetime.UTC))
    if message_id:
        message["Message-ID"] = message_id
    for name, value in headers.items():
        message[name.replace("_", "-")] = value
    message.set_content(body)
    return message.as_bytes()


def sent_by_sigap(ticket: Ticket, message_id: str, *, recipient: str = "") -> Message:
    """A mail Sigap sent on `ticket`, as the outbound transport leaves it."""
    return MessageFactory(
        direction="out",
        mailbox="",
        ticket=ticket,
        external_id=message_id,
        sender=SUPPORT,
        recipient=recipient or (ticket.contact.email if ticket.contact else ""),
        status="sent",
    )
