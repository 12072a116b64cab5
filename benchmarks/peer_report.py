"""The peer's side of `kpi_report.py`: django-helpdesk's "Queue by Month" report.

Run by `kpi_report.py --peer DIR` with the peer's own interpreter (`DIR/venv/bin/python`),
from `DIR/site`, with PEER_DB naming a copy of the peer's pristine `base.sqlite3` (as
`peer_seed.py`). By hand:

    cp DIR/site/base.sqlite3 /tmp/peer-kpi.sqlite3
    cd DIR/site && PEER_DB=/tmp/peer-kpi.sqlite3 ../venv/bin/python \\
        /work/main/benchmarks/peer_report.py --tickets 100000 --runs 3

Seeds `--tickets` tickets created in 2022 (UTC) over six queues, one per Sigap
top-level category, in the shares of `kpi_report.MIX` (with `peer_seed._seed_tickets`),
unless `--no-seed`. Then, `--runs` times, it GETs `/reports/queuemonth/`
(`helpdesk.views.staff.run_report`, report "queuemonth": tickets per queue per month,
its equivalent of Sigap's Table 2) as the logged-in superuser through
`django.test.Client`, in-process, each run on a fresh database connection. The report
has no date range of its own: it covers every ticket, from the month of the oldest to
that of the newest (a saved query, `?saved_query=ID`, is loaded but, in 2.6.1, never
applied to the tickets), so with only 2022's tickets in the database it is the year.
Each run's page is checked: status 200 and its chart's counts adding up to the tickets.
Progress goes to stderr; stdout gets one JSON line with the timings.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import statistics
import sys
import time
from datetime import UTC, datetime

sys.path.insert(0, os.getcwd())  # DIR/site: the peer's project
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "peerdesk.settings")

import django

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from helpdesk.models import Queue, Ticket  # noqa: E402
from kpi_report import MIX  # noqa: E402  (standard library only at import)
from peer_seed import _seed_tickets  # noqa: E402

REPORT_URL = "/reports/queuemonth/"
YEAR_START = datetime(2022, 1, 1, tzinfo=UTC)
CHART = re.compile(r'<script id="chartData" type="application/json">(.*?)</script>', re.S)


def queue_shares() -> dict[str, int]:
    """Sigap's top-level categories with their share of the tickets (out of 100)."""
    shares: dict[str, int] = {}
    for code, share in MIX:
        top = code.split(".", 1)[0]
        shares[top] = shares.get(top, 0) + share
    return shares


def split(total: int, shares: dict[str, int]) -> dict[str, int]:
    """`total` split in `shares` (largest remainders), adding up exactly."""
    whole = sum(shares.values())
    counts = {k: total * v // whole for k, v in shares.items()}
    by_remainder = sorted(shares, key=lambda k: -(total * shares[k] % whole))
    for key in by_remainder[: total - sum(counts.values())]:
        counts[key] += 1
    return counts


def seed(tickets: int, seed_value: int) -> dict[str, int]:
    counts = split(tickets, queue_shares())
    with transaction.atomic():
        for n, (slug, count) in enumerate(counts.items()):
            queue, _ = Queue.objects.get_or_create(
                slug=slug, defaults={"title": slug, "email_address": f"{slug}@example.com"}
            )
            _seed_tickets(queue, count, seed_value + n, start=YEAR_START)
    return counts


def measure(client: Client, expected: int) -> dict[str, object]:
    connection.close()  # a fresh connection: nothing cached from the last run
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        response = client.get(REPORT_URL)
        elapsed = time.perf_counter() - started
    if response.status_code != 200:
        raise SystemExit(f"GET {REPORT_URL}: {response.status_code} {response.get('Location')}")
    found = CHART.search(response.content.decode())
    if found is None:
        raise SystemExit(f"GET {REPORT_URL}: no chart data in the page")
    chart = json.loads(found.group(1))
    total = sum(sum(dataset["data"]) for dataset in chart["datasets"])
    if total != expected:
        raise SystemExit(f"GET {REPORT_URL}: the report counts {total}, not {expected}")
    return {
        "seconds": elapsed,
        "queries": len(queries),
        "bytes": len(response.content),
        "months": chart["labels"],
        "rows": {d["label"]: sum(d["data"]) for d in chart["datasets"]},
        "report_total": total,
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tickets", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seed", type=int, default=20240601)
    parser.add_argument("--no-seed", action="store_true", help="PEER_DB is already seeded")
    args = parser.parse_args(argv)

    result: dict[str, object] = {"report": REPORT_URL}
    if not args.no_seed:
        started = time.perf_counter()
        result["queues"] = seed(args.tickets, args.seed)
        result["seed_s"] = round(time.perf_counter() - started, 1)
        print(f"peer: seeded {args.tickets} tickets in {result['seed_s']} s", file=sys.stderr)
    result["tickets"] = expected = Ticket.objects.count()
    client = Client()
    client.force_login(get_user_model().objects.get(username="admin"))

    runs = []
    for number in range(1, args.runs + 1):
        run = measure(client, expected)
        runs.append(run)
        print(
            f"peer run {number}: {REPORT_URL} {run['seconds']:.3f} s "
            f"({run['queries']} queries, {run['report_total']} tickets)",
            file=sys.stderr,
            flush=True,
        )
    seconds = [r["seconds"] for r in runs]
    result.update(
        runs_s=[round(s, 3) for s in seconds],
        report_s={
            "median": round(statistics.median(seconds), 3),
            "min": round(min(seconds), 3),
            "max": round(max(seconds), 3),
        },
        queries=runs[-1]["queries"],
        page_bytes=runs[-1]["bytes"],
        months=runs[-1]["months"],
        rows=runs[-1]["rows"],
        max_rss_mb=round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    )
    sys.stdout.write(json.dumps(result) + "\n")


if __name__ == "__main__":
    main()
