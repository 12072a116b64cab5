"""IMAP polling on the task queue, every SIGAP_IMAP_POLL_SECONDS.

Huey's scheduler looks at periodic tasks once a minute, so a periodic task starts
each minute's polls: one now and, for an interval under a minute, one scheduled at
each multiple of the interval within the minute. Nothing reschedules itself, so a
restarted or second consumer cannot multiply the polls; each scheduled poll expires
when the next one is due, so a stopped consumer does not leave a burst behind.
An interval above a minute is rounded to whole minutes.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from huey.contrib.djhuey import db_periodic_task, db_task

from sigap.channels.email.imap import poll_all
from sigap.channels.models import Message
from sigap.channels.services import Received

_EPOCH = datetime.datetime(1970, 1, 1)


def polls_due(moment: datetime.datetime) -> bool:
    """Whether the minute starting at `moment` starts polls."""
    every = max(1, round(settings.SIGAP_IMAP_POLL_SECONDS / 60))
    minutes = int((moment.replace(tzinfo=None) - _EPOCH).total_seconds() // 60)
    return minutes % every == 0


@db_periodic_task(polls_due)
def imap_poll_minute() -> None:
    """Start this minute's polls of the configured mailboxes."""
    if not str(settings.SIGAP_IMAP_URLS or "").strip():
        return
    seconds = settings.SIGAP_IMAP_POLL_SECONDS
    imap_poll()
    for offset in range(seconds, 60, seconds):
        imap_poll.schedule(delay=offset, expires=offset + seconds)


@db_task()
def imap_poll() -> None:
    """Poll every configured mailbox once (counts and failures are logged)."""
    poll_all()


@db_task(retries=3, retry_delay=60)
def acknowledge_message(message_id: int) -> None:
    """Acknowledge the ticket a stored mail opened. Queued by intake after its commit,
    so taking mail in never waits for the acknowledgement to be written."""
    from sigap.channels.email.outbound import acknowledge

    message = Message.objects.select_related("ticket", "contact").filter(pk=message_id).first()
    if message is not None:
        acknowledge(Received(message, duplicate=False))
