"""The database settings a report's queries run with.

A scorecard over a year sorts a million durations for its percentiles and hashes
hundreds of thousands of deliveries for the notices' reach; with PostgreSQL's default
4 MB of work memory both spill to disk. Inside `report_queries()` they get
SIGAP_REPORT_WORK_MEM for the transaction only (SET LOCAL), so the desk's own small
queries keep the default."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings
from django.db import connection, transaction


@contextmanager
def report_queries() -> Iterator[None]:
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT set_config('work_mem', %s, true)", [settings.SIGAP_REPORT_WORK_MEM]
                )
        yield
