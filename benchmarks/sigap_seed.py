"""Prepare a Sigap database for the API benchmark (run by `api.py` in a subprocess).

Expects DATABASE_URL and SIGAP_DATA_DIR in the environment and a migrated database.
Creates an agent with an API token, one organisation with a contact, and
`--tickets` tickets written with bulk_create (seeding through the API would take
minutes). Prints one JSON line: {"token": ..., "contact_id": ..., "tickets": ...}.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time
from collections.abc import Callable
from datetime import timedelta

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sigap.settings")

import django

django.setup()

from django.db import transaction  # noqa: E402

from sigap.accounts.choices import Role  # noqa: E402
from sigap.accounts.models import User  # noqa: E402
from sigap.accounts.services import api_token_create, user_grant_role  # noqa: E402
from sigap.core import clock  # noqa: E402
from sigap.customers.models import Contact, Organisation  # noqa: E402
from sigap.routing.models import SupportGroup  # noqa: E402
from sigap.sla.choices import DEFAULT_MATRIX  # noqa: E402
from sigap.tickets.choices import NUMBER_PREFIX, Channel, Kind, Status  # noqa: E402
from sigap.tickets.models import Category, Ticket, TicketSequence  # noqa: E402

BATCH = 5_000
ORGANISATIONS = 50


def _people() -> tuple[User, int]:
    user = User.objects.create_user(username="bench-agent", password=None, language="en")
    user_grant_role(user=user, role=Role.AGENT)
    orgs = Organisation.objects.bulk_create(
        Organisation(code=f"fleet-{i:03d}", name=f"Fleet {i:03d}") for i in range(ORGANISATIONS)
    )
    contact = Contact.objects.create(
        organisation=orgs[0], name="Bench Contact", email="bench.contact@example.com"
    )
    return user, contact.pk


def _seed_tickets(count: int, seed: int, shape: Callable[[Ticket], None] | None = None) -> None:
    """`count` tickets over the last year, numbered oldest first. `shape`, when given,
    finishes each ticket before it is written (`desk_seed.py` gives them customers,
    people, clocks and texts); the draws made here stay the same either way."""
    rng = random.Random(seed)
    orgs = list(Organisation.objects.values_list("pk", flat=True))
    groups = list(SupportGroup.objects.values_list("pk", flat=True))
    leaves = [c for c in Category.objects.filter(parent__isnull=False)]
    by_kind = {k: [c.pk for c in leaves if c.kind in ("both", k)] for k in Kind.values}
    statuses = Status.values
    channels = Channel.values
    levels = ["high", "medium", "low"]
    numbers = dict.fromkeys(Kind.values, 0)
    now = clock.now()
    span = timedelta(days=365).total_seconds()
    # Oldest first, so numbers rise with reported_at as they would in production.
    moments = sorted(now - timedelta(seconds=rng.random() * span) for _ in range(count))
    batch: list[Ticket] = []
    for moment in moments:
        kind = rng.choice(Kind.values)
        numbers[kind] += 1
        impact, urgency = rng.choice(levels), rng.choice(levels)
        ticket = Ticket(
            number=f"{NUMBER_PREFIX[Kind(kind)]}-{numbers[kind]:06d}",
            kind=kind,
            title=f"Unit {rng.randrange(10**14, 10**15)} stopped reporting",
            category_id=rng.choice(by_kind[kind]),
            organisation_id=rng.choice(orgs),
            channel=rng.choice(channels),
            impact=impact,
            urgency=urgency,
            priority=DEFAULT_MATRIX[(impact, urgency)],
            status=rng.choice(statuses),
            support_group_id=rng.choice(groups),
            reported_at=moment,
            updated_at=moment,
        )
        if shape is not None:
            shape(ticket)
        batch.append(ticket)
        if len(batch) == BATCH:
            Ticket.objects.bulk_create(batch)
            batch.clear()
    if batch:
        Ticket.objects.bulk_create(batch)
    for kind, last in numbers.items():
        TicketSequence.objects.update_or_create(kind=kind, defaults={"last_value": last})


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--tickets", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=20240601)
    args = parser.parse_args(argv)
    started = time.perf_counter()
    with transaction.atomic():
        user, contact_id = _people()
        _seed_tickets(args.tickets, args.seed)
    token = api_token_create(user=user, name="benchmark")
    result = {
        "token": token,
        "contact_id": contact_id,
        "tickets": Ticket.objects.count(),
        "seconds": round(time.perf_counter() - started, 1),
    }
    sys.stdout.write(json.dumps(result) + "\n")


if __name__ == "__main__":
    main()
