"""`sigap sla-sweep`: run the SLA sweep once now, as the worker does every minute."""

from __future__ import annotations

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from sigap.core.jobs import job_run
from sigap.sla.sweep import sweep


class Command(BaseCommand):
    help = _(
        "Warn, record breaches, hand tickets to second line and remind unacknowledged "
        "escalations that are due now. Safe to run while the worker runs."
    )

    def handle(self, *args, **options) -> None:
        with job_run("sla_sweep") as run:
            run.counts = sweep().counts()
        for name, count in run.counts.items():
            self.stdout.write(f"{name}: {count}")
