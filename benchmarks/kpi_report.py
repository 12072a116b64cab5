"""Benchmark: the KPI scorecard and Table 2 for a year over a million tickets, on
PostgreSQL (target: under 3 s together).

    .venv/bin/python benchmarks/kpi_report.py                 # 1,000,000 tickets, 5 runs
    .venv/bin/python benchmarks/kpi_report.py --tickets 100000 --runs 3
    .venv/bin/python benchmarks/kpi_report.py --reuse         # keep the seeded database

Creates the database `sigap_bench_kpi` at --pg-url (dropped first, kept afterwards so
--reuse can measure again without seeding), migrates it and seeds it with set-based
SQL: a year (2022, Jakarta) of tickets in the demo's categories, most of them resolved
with a cause, a resolution code and a summary, answered by the desk, some data-change
requests with a document; organisations with subscriptions, some ended in the year
with a reason; and whatever the KPIs read besides tickets (see `_seed_extras`).

Each run computes, as `GET /api/v1/kpi` and `sigap report` do, the scorecard of the
whole year with every KPI serialised (`Scorecard.as_dict`) and Table 2 for its twelve
months (`complaints_by_category`), in a fresh connection so no cache carries over;
prints each part's seconds and, at the end, the median and range over the runs and
the slowest KPIs of the median run. `--json FILE` writes the raw numbers.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from datetime import date

PG_DEFAULT = "postgres://postgres@127.0.0.1:5432"
DATABASE = "sigap_bench_kpi"
YEAR = (date(2022, 1, 1), date(2022, 12, 31))


def _prepare_environment(pg_url: str) -> None:
    os.environ["DATABASE_URL"] = f"{pg_url}/{DATABASE}"
    os.environ.setdefault("SIGAP_DATA_DIR", tempfile.mkdtemp(prefix="sigap-bench-kpi-"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sigap.settings")


def _create_database(pg_url: str) -> None:
    import psycopg

    with psycopg.connect(f"{pg_url}/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {DATABASE}")
        conn.execute(f"CREATE DATABASE {DATABASE}")


# Leaf categories with their share of the year's tickets (roughly the study's: four in
# five complaints are units not updating).
MIX = [
    ("gps_unit.not_updating", 55),
    ("gps_unit.damaged", 8),
    ("optional_feature.malfunction", 5),
    ("application.error", 5),
    ("payment.invoice", 4),
    ("other.support_service", 1),
    ("other.general", 2),
    ("gps_unit.installation", 4),
    ("gps_unit.removal", 4),
    ("gps_unit.relocation", 3),
    ("account.data_change", 5),
    ("account.credentials", 2),
    ("optional_feature.request", 1),
    ("application.request", 1),
]


def _seed(tickets: int) -> dict[str, int]:
    from django.db import connection

    from sigap.tickets.models import Category, Cause

    weighted: list[tuple[int, str, int | None]] = []
    for code, share in MIX:
        category = Category.objects.get(code=code)
        kind = "request" if category.kind == "request" else "incident"
        cause = (
            Cause.objects.filter(categories=category).order_by("code").first()
            if kind == "incident"
            else None
        )
        weighted += [(category.pk, kind, cause.pk if cause else None)] * share
    ids, kinds, causes = zip(*weighted, strict=True)
    with connection.cursor() as cur:
        cur.execute(
            """
            INSERT INTO customers_organisation
                (code, name, tier, email_domain, region, is_active, created_at)
            SELECT 'fleet-' || g, 'Fleet ' || g,
                   (ARRAY['standard', 'priority', 'vip'])[1 + g % 3], '', 'Jakarta', true, now()
            FROM generate_series(1, 500) g
            """
        )
        cur.execute("SELECT min(id), max(id) FROM customers_organisation")
        first_org, last_org = cur.fetchone()
        cur.execute(
            """
            CREATE TEMP TABLE draws AS
            SELECT g, random() AS pick, random() AS moment, random() AS fate,
                   random() AS took, random() AS answer, random() AS via
            FROM generate_series(1, %s) g
            """,
            [tickets],
        )
        # The year is Jakarta's: 2022-01-01 00:00 +07 plus a share of 365 days.
        cur.execute(
            """
            WITH cats AS (
                SELECT * FROM unnest(%s::bigint[], %s::text[], %s::bigint[])
                    WITH ORDINALITY AS c(category_id, kind, cause_id, n)
            ), drawn AS (
                SELECT d.*, c.category_id, c.kind, c.cause_id,
                       timestamptz '2022-01-01 00:00+07' + d.moment * interval '365 days'
                           AS reported_at,
                       d.took * d.took * interval '200 hours' AS took_for
                FROM draws d JOIN cats c ON c.n = 1 + floor(d.pick * %s)::int
            )
            INSERT INTO tickets_ticket (
                number, kind, title, description, channel, impact, urgency, priority,
                status, pending_reason, support_level, resolution_code, resolution_summary,
                reported_at, first_response_at, resolved_at, closed_at, updated_at, version,
                category_id, cause_id, organisation_id, resolve_breached, response_breached,
                resolution_working_time
            )
            SELECT
                (CASE kind WHEN 'incident' THEN 'INC-' ELSE 'REQ-' END) || lpad(g::text, 7, '0'),
                kind, 'Unit ' || g || ' stopped reporting', '',
                (ARRAY['email', 'whatsapp', 'phone', 'portal'])[1 + floor(via * 4)::int],
                'medium', 'medium', 3,
                CASE WHEN fate < 0.9 THEN 'closed' WHEN fate < 0.92 THEN 'resolved'
                     WHEN fate < 0.93 THEN 'cancelled' ELSE 'in_progress' END,
                '', 'l1',
                CASE WHEN fate < 0.92 THEN 'resolved_remotely' ELSE '' END,
                CASE WHEN fate < 0.91 THEN 'Done.' ELSE '' END,
                reported_at,
                CASE WHEN answer < 0.97 THEN reported_at + answer * interval '4 hours' END,
                CASE WHEN fate < 0.92 THEN reported_at + took_for END,
                CASE WHEN fate < 0.9 THEN reported_at + took_for + interval '3 days' END,
                reported_at, 1,
                category_id, CASE WHEN fate < 0.92 AND fate > 0.01 THEN cause_id END,
                %s + g %% (%s - %s + 1), took > 0.9, answer > 0.95,
                CASE WHEN fate < 0.92 THEN took_for * 0.3 END
            FROM drawn
            """,
            [list(ids), list(kinds), list(causes), len(ids), first_org, last_org, first_org],
        )
        cur.execute(
            """
            INSERT INTO tickets_attachment
                (ticket_id, filename, content_type, size, sha256, file, refused, created_at)
            SELECT t.id, 'stnk.jpg', 'image/jpeg', 120000, '', 'attachments/stnk.jpg', '',
                   t.reported_at
            FROM tickets_ticket t
            WHERE t.category_id = %s AND t.id %% 5 <> 0
            """,
            [Category.objects.get(code="account.data_change").pk],
        )
        _seed_units(cur, first_org, last_org)
        _seed_extras(cur)
        cur.execute("DROP TABLE draws")
    with connection.cursor() as cur:
        cur.execute("VACUUM ANALYZE")
    counts = {}
    for table in ("tickets_ticket", "tickets_attachment", "customers_subscription"):
        with connection.cursor() as cur:
            cur.execute(f"SELECT count(*) FROM {table}")
            counts[table] = cur.fetchone()[0]
    return counts


def _seed_units(cur, first_org: int, last_org: int) -> None:
    """40,000 units under subscription from before the year; one in twenty ends
    during it, with a reason."""
    cur.execute(
        "INSERT INTO customers_devicemodel (vendor, name, is_legacy, min_firmware) "
        "VALUES ('Concox', 'GT06N', false, '') RETURNING id"
    )
    model = cur.fetchone()[0]
    cur.execute(
        """
        INSERT INTO customers_unit (imei, firmware, sim_number, device_model_id)
        SELECT (860000000000000 + g)::text, '', '', %s FROM generate_series(1, 40000) g
        """,
        [model],
    )
    cur.execute(
        """
        INSERT INTO customers_subscription
            (organisation_id, unit_id, starts_on, ends_on, status, termination_reason)
        SELECT %s + u.id %% (%s - %s + 1), u.id, date '2021-06-01',
               CASE WHEN u.id %% 20 = 0 THEN date '2022-01-01' + (u.id %% 365)::int END,
               CASE WHEN u.id %% 20 = 0 THEN 'terminated' ELSE 'active' END,
               CASE WHEN u.id %% 20 = 0
                    THEN (ARRAY['vehicle_sold', 'contract_ended', 'other'])[1 + u.id %% 3]
                    ELSE '' END
        FROM customers_unit u
        """,
        [first_org, last_org, first_org],
    )


def _seed_extras(cur) -> None:
    """What the other KPIs read (surveys, broadcasts), once those tables exist."""


def _measure() -> dict[str, object]:
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    from sigap.kpi.scorecard import scorecard
    from sigap.kpi.selectors import complaints_by_category

    connection.close()  # a fresh connection: nothing cached from the last run
    reset_queries()
    timings: dict[str, object] = {}
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        card = scorecard(start=YEAR[0], end=YEAR[1])
        json.dumps(card.as_dict(), default=str)
        timings["scorecard_s"] = time.perf_counter() - started
        middle = time.perf_counter()
        table = complaints_by_category(first=YEAR[0], last=date(2022, 12, 1))
        timings["table2_s"] = time.perf_counter() - middle
    timings["total_s"] = time.perf_counter() - started
    timings["queries"] = len(queries)
    timings["final_score"] = str(card.final)
    timings["table2_total"] = table["total"]
    # Per KPI, computed one by one in the same warm connection, for the breakdown.
    from sigap.kpi.choices import Source
    from sigap.kpi.realisations import realisation

    per_kpi = {}
    for line in card.lines:
        if line.kpi.source == Source.MANUAL:
            continue
        started = time.perf_counter()
        realisation(line.kpi.source, start=YEAR[0], end=YEAR[1])
        per_kpi[line.kpi.code] = time.perf_counter() - started
    timings["per_kpi_s"] = per_kpi
    return timings


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tickets", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--pg-url", default=PG_DEFAULT)
    parser.add_argument("--reuse", action="store_true", help="measure the seeded database")
    parser.add_argument("--json", help="write every run's numbers to this file")
    args = parser.parse_args(argv)

    _prepare_environment(args.pg_url)
    if not args.reuse:
        _create_database(args.pg_url)
    import django

    django.setup()
    from django.core.management import call_command

    if not args.reuse:
        call_command("migrate", verbosity=0)
        started = time.perf_counter()
        counts = _seed(args.tickets)
        print(f"seeded {counts} in {time.perf_counter() - started:.0f} s", flush=True)

    runs = []
    for number in range(1, args.runs + 1):
        timing = _measure()
        runs.append(timing)
        print(
            f"run {number}: scorecard {timing['scorecard_s']:.3f} s, Table 2 "
            f"{timing['table2_s']:.3f} s, both {timing['total_s']:.3f} s "
            f"({timing['queries']} queries, final score {timing['final_score']}, "
            f"{timing['table2_total']} tickets in Table 2)",
            flush=True,
        )
    median_run = sorted(runs, key=lambda r: r["total_s"])[len(runs) // 2]
    summary = {
        "machine": f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores",
        "python": platform.python_version(),
        "runs": len(runs),
    }
    for part in ("scorecard_s", "table2_s", "total_s"):
        values = [r[part] for r in runs]
        summary[part] = {
            "median": round(statistics.median(values), 3),
            "min": round(min(values), 3),
            "max": round(max(values), 3),
        }
    summary["slowest_kpis_s"] = dict(
        sorted(
            ((k, round(v, 3)) for k, v in median_run["per_kpi_s"].items()), key=lambda kv: -kv[1]
        )
    )
    print(json.dumps(summary, indent=2))
    if args.json:
        with open(args.json, "w") as out:
            json.dump({"summary": summary, "runs": runs}, out, indent=2, default=str)


if __name__ == "__main__":
    sys.exit(main())
