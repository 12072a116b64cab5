"""Surveys and broadcasts on the task queue: each queued after the commit that causes
it, by id, so the task reloads the rows and a rollback sends nothing."""

from __future__ import annotations

import logging

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from sigap.comms.broadcasts import (
    BATCH_EVERY,
    broadcast_batch_send,
    broadcasts_reach_keep,
    broadcasts_start_due,
    outage_link,
)
from sigap.comms.surveys import survey_send
from sigap.core.jobs import job_run
from sigap.tickets.models import Ticket

log = logging.getLogger(__name__)


@db_task(retries=3, retry_delay=60)
def survey_send_task(ticket_id: int) -> None:
    ticket = Ticket.objects.filter(pk=ticket_id).first()
    if ticket is not None:
        survey_send(ticket=ticket)


@db_task(retries=3, retry_delay=60)
def broadcast_batch(broadcast_id: int) -> None:
    """One batch of a broadcast; the next one a minute later while any are waiting.
    Only this task schedules the next batch, so a broadcast has one chain of batches."""
    queued, more = broadcast_batch_send(broadcast_id=broadcast_id)
    if more:
        broadcast_batch.schedule((broadcast_id,), delay=BATCH_EVERY)
    log.info("broadcast %s: %s messages queued, more waiting: %s", broadcast_id, queued, more)


@db_periodic_task(crontab(minute="*"), expires=60)
def broadcasts_minute() -> None:
    """Start the scheduled broadcasts that are due, link new unit tickets to the
    outages recent broadcasts were about, and keep the reach of those no report can
    change any more."""
    with job_run("broadcasts") as run:
        run.counts = {
            "started": broadcasts_start_due(),
            "linked": outage_link(),
            "reach_final": broadcasts_reach_keep(),
        }
    if run.acted:
        log.info("broadcasts: %s", run.counts)
