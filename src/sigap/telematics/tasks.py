"""Unit monitoring on the task queue: the silence scan every minute."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from sigap.core.jobs import job_run
from sigap.telematics.detection import silence_scan
from sigap.telematics.incidents import scan_follow_up


def scan_and_follow_up() -> dict[str, int]:
    scan = silence_scan()
    scan_follow_up(scan)
    return {
        "stalled": scan.stalled,
        "silent": scan.silent,
        "unsubscribed": scan.unsubscribed,
        "grouped": scan.grouped,
        "recovered": scan.recovered,
    }


@db_periodic_task(crontab(minute="*"), expires=60)
def telemetry_scan() -> None:
    """Open the outages of units that went silent, and end those of units back."""
    with job_run("telemetry_scan") as run:
        run.counts = scan_and_follow_up()
