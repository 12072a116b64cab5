"""Queueing Sigap's own messages that are not replies on an open ticket: a survey (its
ticket is closed, so it takes no more comments) and a broadcast's notices (no ticket
at all). They are `channels.Message` rows like every other message out, delivered by
`channels.tasks.message_deliver` through the channel's transport after the commit.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction

from sigap.channels.choices import Delivery, Direction
from sigap.channels.models import Message
from sigap.core import clock
from sigap.customers.models import Contact
from sigap.tickets.models import Entry, Ticket


def message_build(
    *,
    channel: str,
    recipient: str,
    body: str,
    language: str,
    contact: Contact | None,
    ticket: Ticket | None = None,
    entry: Entry | None = None,
    subject: str = "",
    payload: dict[str, Any] | None = None,
) -> Message:
    """An automatic outbound message, not saved yet (`messages_queue` saves it)."""
    now = clock.now()
    return Message(
        direction=Direction.OUT,
        channel=channel,
        ticket=ticket,
        entry=entry,
        contact=contact,
        recipient=recipient[:320],
        subject=subject[:255],
        body=body,
        language=language if language in ("id", "en") else "id",
        automatic=True,
        payload=payload or {},
        status=Delivery.QUEUED,
        created_at=now,
        status_at=now,
    )


def messages_queue(messages: Iterable[Message]) -> list[Message]:
    """Save the messages (one INSERT) and deliver each after the commit, by id: a
    rollback sends nothing, and the task reloads the row it sends."""
    from sigap.channels.tasks import message_deliver

    saved = Message.objects.bulk_create(list(messages))
    ids = [message.pk for message in saved]
    transaction.on_commit(lambda: [message_deliver(pk) for pk in ids])
    return saved


def message_queue(**fields: Any) -> Message:
    [message] = messages_queue([message_build(**fields)])
    return message
