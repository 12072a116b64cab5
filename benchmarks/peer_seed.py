"""Prepare the django-helpdesk peer's database for the API benchmark.

Run by `api.py` with the peer's own interpreter (`DIR/venv/bin/python`), from
`DIR/site`, with PEER_DB naming a copy of the peer's pristine `base.sqlite3`.
Writes `--tickets` tickets with bulk_create and logs the admin in once, so the
load generator can reuse the session instead of paying for a password hash on
every request. Prints one JSON line: {"sessionid": ..., "queue_id": ..., ...}.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time
from datetime import timedelta

sys.path.insert(0, os.getcwd())
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "peerdesk.settings")

import django

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.db import transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402
from helpdesk.models import Queue, Ticket  # noqa: E402

BATCH = 5_000


def _seed_tickets(queue: Queue, count: int, seed: int) -> None:
    rng = random.Random(seed)
    # `created`/`modified` are auto_now(_add); switch that off for the seed only,
    # so the tickets spread over a year like real ones.
    for name in ("created", "modified"):
        field = Ticket._meta.get_field(name)
        field.auto_now = field.auto_now_add = False
    now = timezone.now()
    span = timedelta(days=365).total_seconds()
    moments = sorted(now - timedelta(seconds=rng.random() * span) for _ in range(count))
    batch: list[Ticket] = []
    for moment in moments:
        batch.append(
            Ticket(
                title=f"Unit {rng.randrange(10**14, 10**15)} stopped reporting",
                queue=queue,
                created=moment,
                modified=moment,
                submitter_email=f"driver{rng.randrange(5000)}@example.com",
                status=rng.choice([1, 2, 3, 4, 5]),
                priority=rng.choice([1, 2, 3, 4, 5]),
                description="The unit has not sent a position since this morning.",
            )
        )
        if len(batch) == BATCH:
            Ticket.objects.bulk_create(batch)
            batch.clear()
    if batch:
        Ticket.objects.bulk_create(batch)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--tickets", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=20240601)
    args = parser.parse_args(argv)
    started = time.perf_counter()
    queue = Queue.objects.get(slug="support")
    with transaction.atomic():
        _seed_tickets(queue, args.tickets, args.seed)
    client = Client()
    client.force_login(get_user_model().objects.get(username="admin"))
    result = {
        "sessionid": client.cookies["sessionid"].value,
        "queue_id": queue.pk,
        "tickets": Ticket.objects.count(),
        "seconds": round(time.perf_counter() - started, 1),
    }
    sys.stdout.write(json.dumps(result) + "\n")


if __name__ == "__main__":
    main()
