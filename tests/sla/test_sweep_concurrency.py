"""Two sweeps at the same moment in two processes (two consumers, or `sigap sla-sweep`
while the worker runs) act once on each ticket. On PostgreSQL the second sweep's
conditional UPDATE waits for the first one's row locks and then finds the rows
claimed; on SQLite the second sweep's transaction waits for the first to commit."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.db.models import Count

from sigap.routing.models import Escalation
from sigap.sla.models import SlaBreach
from sigap.tickets.models import Entry, Ticket
from tests.conftest import database_url
from tests.factories import ContactFactory, TicketFactory
from tests.sla.test_sla_clocks import at, wib

# serialized_rollback: the flush after the test must give the seeded rows back.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

TICKETS = 120
SWEEP = (
    "import json, sys, django; django.setup();"
    "from datetime import datetime;"
    "from sigap.sla.sweep import sweep;"
    "print('ready', flush=True); sys.stdin.readline();"
    "print(json.dumps(sweep(datetime.fromisoformat(sys.argv[1])).counts()), flush=True)"
)


def sweeper(moment) -> subprocess.Popen:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "sigap.settings",
        "SIGAP_DATA_DIR": str(settings.DATA_DIR),
        "DATABASE_URL": database_url(),
    }
    return subprocess.Popen(
        [sys.executable, "-c", SWEEP, moment.isoformat()],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )


def test_two_sweeping_processes_never_act_twice_on_one_ticket():
    contact = ContactFactory()
    with at(wib(2026, 11, 23, 9, 0)):  # Monday: response due 10:00, second line Tuesday 12:00
        for _ in range(TICKETS):
            TicketFactory(impact="medium", urgency="medium", contact=contact)
    processes = [sweeper(wib(2026, 11, 24, 12, 0)) for _ in range(2)]
    for process in processes:  # both loaded and waiting: let them go at once
        assert process.stdout.readline().strip() == "ready", process.stderr.read()
    for process in processes:
        process.stdin.write("go\n")
        process.stdin.flush()
    results = []
    for process in processes:
        out, err = process.communicate(timeout=120)
        assert process.returncode == 0, err
        results.append(json.loads(out))

    for event in ("response_breaches", "escalated_to_second_line"):
        assert sum(r[event] for r in results) == TICKETS, results
    assert SlaBreach.objects.count() == TICKETS
    assert Escalation.objects.count() == TICKETS
    per_ticket = Entry.objects.filter(action__in=["breach", "escalate"]).values("ticket", "action")
    assert all(row["n"] == 1 for row in per_ticket.annotate(n=Count("id")))
    assert per_ticket.count() == 2 * TICKETS
    assert set(Ticket.objects.values_list("version", flat=True)) == {2}
