"""Delivery of queued messages. Thin: the row says everything, the transport sends."""

from __future__ import annotations

from huey.contrib.djhuey import db_task

from sigap.channels.choices import Delivery
from sigap.channels.models import Message
from sigap.channels.services import message_status, retry_delay
from sigap.channels.transport import TransportError, transport_for

MAX_ATTEMPTS = 8


@db_task()
def message_deliver(message_id: int) -> None:
    """Send one queued message. Claimed with a conditional UPDATE so two consumers
    never send it twice; a failure that may pass is tried again with backoff."""
    message = Message.objects.select_related("ticket", "contact").filter(pk=message_id).first()
    if message is None or message.status != Delivery.QUEUED:
        return  # sent already, failed for good, or never committed
    # Compare-and-set on the attempt count: of two consumers holding the same task,
    # one claims the attempt and the other finds the count moved and stops.
    claimed = Message.objects.filter(
        pk=message_id, status=Delivery.QUEUED, attempts=message.attempts
    ).update(attempts=message.attempts + 1)
    if not claimed:
        return
    message.attempts += 1
    try:
        external_id = transport_for(message.channel).send(message)
    except TransportError as exc:
        if exc.retry and message.attempts < MAX_ATTEMPTS:
            Message.objects.filter(pk=message_id).update(error=str(exc))
            message_deliver.schedule(
                (message_id,), delay=int(retry_delay(message.attempts).total_seconds())
            )
            return
        message_status(message=message, status=Delivery.FAILED, error=str(exc))
        return
    if external_id and message.external_id != external_id:
        Message.objects.filter(pk=message_id).update(external_id=external_id)
    message_status(message=message, status=Delivery.SENT)
