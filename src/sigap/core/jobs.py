"""Every background run leaves a record an operator can read in the admin.

    with job_run("sla_sweep") as run:
        run.counts = sweep().counts()

The record is written after the job, outside its transaction, so a job that fails
and rolls back still leaves the row that says it failed and why. Runs that did
nothing are kept for a day (`IDLE_KEPT`): a sweep every minute would otherwise
bury the runs that mattered.
"""

from __future__ import annotations

import time
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.utils import timezone

from sigap.core.models import JobRun, JobStatus

IDLE_KEPT = timedelta(days=1)


@dataclass
class Run:
    counts: dict[str, Any] = field(default_factory=dict)

    @property
    def acted(self) -> bool:
        return any(v for k, v in self.counts.items() if isinstance(v, int))


@contextmanager
def job_run(name: str, *, by=None) -> Iterator[Run]:
    run = Run()
    started_at = timezone.now()
    started = time.perf_counter()

    def record(status: str, error: str = "") -> None:
        JobRun.objects.create(
            name=name,
            started_at=started_at,
            seconds=time.perf_counter() - started,
            status=status,
            counts=run.counts,
            acted=run.acted,
            error=error,
            by=by,
        )

    try:
        yield run
    except Exception as exc:
        record(JobStatus.FAILED, "".join(traceback.format_exception_only(exc)).strip()[:2000])
        raise
    record(JobStatus.OK)
    JobRun.objects.filter(
        name=name, status=JobStatus.OK, acted=False, started_at__lt=started_at - IDLE_KEPT
    ).delete()
