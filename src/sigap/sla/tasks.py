"""The SLA sweep every minute on the task queue (the same code as `sigap sla-sweep`)."""

from __future__ import annotations

import logging

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from sigap.sla.sweep import sweep

log = logging.getLogger(__name__)


@db_periodic_task(crontab(minute="*"), expires=60)
def sla_sweep_minute() -> None:
    done = sweep()
    if any(done.counts().values()):
        log.info("SLA sweep: %s", done.counts())
