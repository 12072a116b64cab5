"""The task queue in the tests: Huey runs tasks at once, but keeps delayed retries in
its schedule until a test runs them, as the consumer would when their time comes."""

from __future__ import annotations

import datetime

from huey.contrib.djhuey import HUEY


def run_due_retries(*, minutes: int = 90) -> int:
    """Run the retries due within `minutes` (and those they schedule in turn)."""
    later = datetime.datetime.now(datetime.UTC).replace(tzinfo=None) + datetime.timedelta(
        minutes=minutes
    )
    ran = 0
    while due := HUEY.read_schedule(later):
        for task in due:
            HUEY.execute(task, timestamp=later)
            ran += 1
    return ran
