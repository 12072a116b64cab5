"""Prepare the django-helpdesk peer's database for the API benchmark.

Run by `api.py` with the peer's own interpreter (`DIR/venv/bin/python`), from
`DIR/site`, with PEER_DB naming a copy of the peer's pristine `base.sqlite3`.
Writes `--tickets` tickets with bulk_create and logs the admin in once, so the
load generator can reuse the session instead of paying for a password hash on
every request. With `--followups N` (the desk pages benchmark) the newest ticket gets
N follow-ups, some with a ticket change, so its page has a timeline to show. Prints one
JSON line: {"sessionid": ..., "queue_id": ..., ...}.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time
from datetime import datetime, timedelta

sys.path.insert(0, os.getcwd())
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "peerdesk.settings")

import django

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.db import transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402
from helpdesk.models import FollowUp, Queue, Ticket, TicketChange  # noqa: E402

BATCH = 5_000


def _seed_tickets(queue: Queue, count: int, seed: int, *, start: datetime | None = None) -> None:
    """`count` tickets in `queue`, created over the year before now, or over the 365
    days from `start` on when given (`kpi_report.py`'s peer seeds 2022)."""
    rng = random.Random(seed)
    # `created`/`modified` are auto_now(_add); switch that off for the seed only,
    # so the tickets spread over a year like real ones.
    for name in ("created", "modified"):
        field = Ticket._meta.get_field(name)
        field.auto_now = field.auto_now_add = False
    now = timezone.now()
    span = timedelta(days=365).total_seconds()
    if start is None:
        moments = sorted(now - timedelta(seconds=rng.random() * span) for _ in range(count))
    else:
        moments = sorted(start + timedelta(seconds=rng.random() * span) for _ in range(count))
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


def _seed_followups(ticket: Ticket, count: int, user) -> None:
    """`count` follow-ups on `ticket`, every fifth one with a status change."""
    followups = FollowUp.objects.bulk_create(
        FollowUp(
            ticket=ticket,
            date=ticket.created + timedelta(minutes=20 * (i + 1)),
            title="Comment" if i % 5 else "Updated",
            comment=f"Checked the unit again (step {i + 1}); the driver confirms the position.",
            public=i % 2 == 0,
            user=user if i % 3 else None,
            new_status=2 if i % 5 == 0 else None,
        )
        for i in range(count)
    )
    TicketChange.objects.bulk_create(
        TicketChange(followup=f, field="Status", old_value="Open", new_value="Reopened")
        for f in followups
        if f.new_status is not None
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--tickets", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=20240601)
    parser.add_argument("--followups", type=int, default=0, help="on the newest ticket")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    queue = Queue.objects.get(slug="support")
    admin = get_user_model().objects.get(username="admin")
    with transaction.atomic():
        _seed_tickets(queue, args.tickets, args.seed)
        newest = Ticket.objects.order_by("-created", "-id").first()
        if args.followups and newest is not None:
            _seed_followups(newest, args.followups, admin)
    client = Client()
    client.force_login(admin)
    # A word that only one title holds: a search that has to read every ticket.
    middle = Ticket.objects.order_by("id")[args.tickets // 2 : args.tickets // 2 + 1].first()
    result = {
        "sessionid": client.cookies["sessionid"].value,
        "queue_id": queue.pk,
        "ticket_id": newest.pk if newest is not None else None,
        "rare_word": middle.title.split()[1] if middle is not None else "",
        "tickets": Ticket.objects.count(),
        "seconds": round(time.perf_counter() - started, 1),
    }
    sys.stdout.write(json.dumps(result) + "\n")


if __name__ == "__main__":
    main()
