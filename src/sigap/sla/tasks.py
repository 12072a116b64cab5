"""The SLA sweep every minute on the task queue (the same code as `sigap sla-sweep`)."""

from __future__ import annotations

import logging

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from sigap.core.jobs import job_run
from sigap.sla.sweep import sweep

log = logging.getLogger(__name__)


@db_periodic_task(crontab(minute="*"), expires=60)
def sla_sweep_minute() -> None:
    with job_run("sla_sweep") as run:
        run.counts = sweep().counts()
    if run.acted:
        log.info("SLA sweep: %s", run.counts)
