"""The monthly report's mail, checked every hour on the task queue."""

from __future__ import annotations

import logging

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from sigap.kpi.monthly_mail import monthly_report_send

log = logging.getLogger(__name__)


@db_periodic_task(crontab(minute="5"))
def monthly_report_hourly() -> None:
    sent = monthly_report_send()
    if sent:
        log.info("monthly report: %s", sent)
