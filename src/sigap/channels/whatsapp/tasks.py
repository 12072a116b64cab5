"""Fetching a received photo, document or voice note, after the webhook answered."""

from __future__ import annotations

import logging

from huey.contrib.djhuey import db_task

from sigap.channels.models import Message
from sigap.channels.services import retry_delay
from sigap.channels.whatsapp import graph
from sigap.core.errors import DomainError
from sigap.tickets.attachments import AttachmentIn, attachment_store
from sigap.tickets.choices import Via
from sigap.tickets.models import Attachment
from sigap.tickets.services import ticket_comment

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 8  # with the backoff of retry_delay: about two hours in all


@db_task()
def media_fetch(message_id: int, media_id: str, filename: str, attempt: int = 1) -> None:
    """Download the file of a received WhatsApp message and attach it to the message's
    timeline entry. A failure that may pass (the Graph API down, a rate limit) is
    tried again with backoff; the last one leaves an internal note on the ticket."""
    message = Message.objects.select_related("ticket", "entry").filter(pk=message_id).first()
    if message is None or message.entry_id is None:
        return  # never committed
    if Attachment.objects.filter(entry_id=message.entry_id).exists():
        return  # a previous run (or a second consumer of this task) stored it
    try:
        media = graph.media_get(media_id)
    except graph.GraphError as exc:
        if exc.retry and attempt < MAX_ATTEMPTS:
            log.warning("whatsapp media %s, attempt %s: %s", media_id, attempt, exc)
            media_fetch.schedule(
                (message_id, media_id, filename, attempt + 1),
                delay=int(retry_delay(attempt).total_seconds()),
            )
            return
        log.error("whatsapp media %s not fetched: %s", media_id, exc)
        _note_failure(message, filename, str(exc))
        return
    attachment_store(
        ticket=message.ticket,
        entry=message.entry,
        item=AttachmentIn(
            filename=filename, content_type=media.content_type, content=media.content
        ),
    )


def _note_failure(message: Message, filename: str, error: str) -> None:
    from django.utils.translation import gettext as _

    body = _("The file %(filename)s could not be fetched from WhatsApp: %(error)s") % {
        "filename": filename,
        "error": error,
    }
    try:
        ticket_comment(ticket=message.ticket, by=None, body=body, public=False, via=Via.SYSTEM)
    except DomainError:  # closed meanwhile: the log above is the record
        pass
