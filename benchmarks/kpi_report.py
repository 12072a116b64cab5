"""Benchmark: the KPI scorecard and Table 2 for a year over a million tickets, on
PostgreSQL (target: under 3 s together).

    .venv/bin/python benchmarks/kpi_report.py                 # 1,000,000 tickets, 5 runs
    .venv/bin/python benchmarks/kpi_report.py --tickets 100000 --runs 3
    .venv/bin/python benchmarks/kpi_report.py --reuse         # keep the seeded database
    .venv/bin/python benchmarks/kpi_report.py --tickets 100000 --runs 3 --peer .bench/peer

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

With `--peer DIR` (django-helpdesk built by /work/shared/peer/setup.sh DIR), after
Sigap's runs it times the peer's equivalent of Table 2, its "Queue by Month" report
(`GET /reports/queuemonth/`), with `peer_report.py` in the peer's own interpreter, on
SQLite: `--peer-tickets` (default: --tickets) tickets created in 2022 across six
queues, one per top-level category, in MIX's shares, `--peer-runs` (default: --runs)
runs. The peer's database is DIR/kpi_report.sqlite3, seeded afresh from the peer's
base.sqlite3 unless `--reuse` finds it holding that many tickets. Its median and range
join the printed summary and the --json output under "peer".
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

HERE = Path(__file__).resolve().parent
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
        _seed_contacts(cur)
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
            ), firsts AS (
                SELECT organisation_id, min(id) AS contact_id
                FROM customers_contact GROUP BY organisation_id
            ), drawn AS (
                SELECT d.*, c.category_id, c.kind, c.cause_id,
                       timestamptz '2022-01-01 00:00+07' + d.moment * interval '365 days'
                           AS reported_at,
                       d.took * d.took * interval '200 hours' AS took_for,
                       %s + d.g %% (%s - %s + 1) AS organisation_id
                FROM draws d JOIN cats c ON c.n = 1 + floor(d.pick * %s)::int
            )
            INSERT INTO tickets_ticket (
                number, kind, title, description, channel, impact, urgency, priority,
                status, pending_reason, support_level, resolution_code, resolution_summary,
                reported_at, first_response_at, resolved_at, closed_at, updated_at, version,
                category_id, cause_id, organisation_id, contact_id, resolve_breached,
                response_breached, resolution_working_time, first_response_working_time
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
                drawn.organisation_id, f.contact_id, took > 0.9, answer > 0.95,
                CASE WHEN fate < 0.92 THEN took_for * 0.3 END,
                CASE WHEN answer < 0.97 THEN answer * interval '2 hours' END
            FROM drawn LEFT JOIN firsts f ON f.organisation_id = drawn.organisation_id
            """,
            [list(ids), list(kinds), list(causes), first_org, last_org, first_org, len(ids)],
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
    # What the worker's minute task would have done long since: keep the reach of the
    # year's notices, which no delivery report can change any more.
    from sigap.comms.broadcasts import broadcasts_reach_keep

    broadcasts_reach_keep()
    with connection.cursor() as cur:
        cur.execute("VACUUM ANALYZE")
    counts = {}
    for table in (
        "tickets_ticket",
        "tickets_attachment",
        "customers_subscription",
        "comms_survey",
        "comms_broadcastdelivery",
    ):
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


def _seed_contacts(cur) -> None:
    """20,000 contacts, 40 an organisation, each with an e-mail address and WhatsApp."""
    cur.execute(
        """
        INSERT INTO customers_contact
            (organisation_id, name, email, phone, whatsapp_id, language, is_verified,
             created_at, status_updates)
        SELECT o.id, 'Contact ' || g, 'contact' || g || '@example.com',
               '+62812' || lpad(g::text, 7, '0'), '62812' || lpad(g::text, 7, '0'),
               CASE WHEN g %% 10 = 0 THEN 'en' ELSE 'id' END, true, now(), true
        FROM generate_series(1, 20000) g
        JOIN customers_organisation o ON o.code = 'fleet-' || (1 + g %% 500)
        """,
        [],
    )


def _seed_extras(cur) -> None:
    """What the NPS and notices KPIs read: a survey for two in five closed tickets,
    most of them answered; and one notice a month to every contact by e-mail and
    WhatsApp, each delivery a message with its report (one in fifty failed)."""
    cur.execute(
        """
        INSERT INTO comms_survey
            (ticket_id, contact_id, channel, address, language, key, sent_at, answer_by,
             score, comment, answered_at, answered_via, repeat_answers, late_answers)
        SELECT t.id, t.contact_id, 'email', 'survey@example.com', 'id', 'k' || t.id,
               t.closed_at, t.closed_at + interval '30 days',
               CASE WHEN t.id %% 10 < 8 THEN 1 + (t.id * 7) %% 5 END, '',
               CASE WHEN t.id %% 10 < 8 THEN t.closed_at + interval '5 hours' END,
               CASE WHEN t.id %% 10 < 8 THEN 'email' ELSE '' END, 0, 0
        FROM tickets_ticket t
        WHERE t.closed_at IS NOT NULL AND t.contact_id IS NOT NULL AND t.id %% 5 < 2
        """,
        [],
    )
    for month in range(1, 13):
        cur.execute(
            """
            INSERT INTO comms_broadcast
                (kind, subject_id, subject_en, body_id, body_en, tier, region, channels,
                 status, created_at, started_at, finished_at, targeted)
            VALUES ('regular', 'Info', 'Notice', 'Teks', 'Text', '', '', 'both', 'sent',
                    %s, %s, %s, 40000)
            RETURNING id
            """,
            [f"2022-{month:02d}-10 09:00+07"] * 2 + [f"2022-{month:02d}-10 09:40+07"],
        )
        broadcast = cur.fetchone()[0]
        cur.execute(
            """
            WITH sent AS (
                INSERT INTO channels_message
                    (direction, channel, mailbox, sender, recipient, subject, body,
                     in_reply_to, "references", language, automatic, template, status,
                     error, attempts, created_at, sent_at, status_at, contact_id, payload)
                SELECT 'out', ch, '', '', c.email, 'Notice', 'Text', '', '', c.language,
                       true, '',
                       CASE WHEN (c.id + length(ch)) %% 50 = 0 THEN 'failed'
                            WHEN ch = 'whatsapp' THEN 'read' ELSE 'sent' END,
                       '', 1, %s, %s, %s, c.id, '{}'
                FROM customers_contact c CROSS JOIN (VALUES ('email'), ('whatsapp')) v(ch)
                RETURNING id, contact_id, channel
            )
            INSERT INTO comms_broadcastdelivery
                (broadcast_id, contact_id, channel, address, language, created_at, message_id)
            SELECT %s, contact_id, channel, 'x', 'id', %s, id FROM sent
            """,
            [f"2022-{month:02d}-10 09:00+07"] * 3 + [broadcast, f"2022-{month:02d}-10 09:00+07"],
        )


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


def _peer_tickets(db: Path) -> int | None:
    import sqlite3

    if not db.exists():
        return None
    with sqlite3.connect(db) as conn:
        try:
            return conn.execute("SELECT count(*) FROM helpdesk_ticket").fetchone()[0]
        except sqlite3.Error:
            return None


def _run_peer(peer_dir: Path, tickets: int, runs: int, reuse: bool) -> dict[str, object]:
    """django-helpdesk's queuemonth report over `tickets` tickets of 2022, `runs` times,
    in the peer's interpreter (peer_report.py); its JSON line, parsed."""
    from servers import _clean_env, sqlite_copy

    peer_dir = peer_dir.resolve()
    site, python = peer_dir / "site", peer_dir / "venv" / "bin" / "python"
    if not ((site / "base.sqlite3").exists() and python.exists()):
        raise SystemExit(
            f"{peer_dir} is not a built peer; run: bash /work/shared/peer/setup.sh {peer_dir}"
        )
    db = peer_dir / "kpi_report.sqlite3"
    reused = reuse and _peer_tickets(db) == tickets
    if not reused:
        sqlite_copy(site / "base.sqlite3", db)
    env = _clean_env()
    env.update(PEER_DB=str(db), DJANGO_SETTINGS_MODULE="peerdesk.settings")
    command = [python, HERE / "peer_report.py", "--tickets", str(tickets), "--runs", str(runs)]
    if reused:
        command.append("--no-seed")
    print(f"peer: django-helpdesk's queuemonth report over {tickets} tickets", flush=True)
    out = subprocess.run(
        [str(part) for part in command],
        env=env,
        cwd=site,
        check=True,
        stdout=subprocess.PIPE,
        text=True,
    ).stdout
    result = json.loads(out.strip().splitlines()[-1])
    result["database"] = f"SQLite, {db}" + (" (reused)" if reused else "")
    return result


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tickets", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--pg-url", default=PG_DEFAULT)
    parser.add_argument("--reuse", action="store_true", help="measure the seeded database")
    parser.add_argument("--json", help="write every run's numbers to this file")
    parser.add_argument(
        "--peer", type=Path, metavar="DIR", help="also time django-helpdesk built in DIR"
    )
    parser.add_argument("--peer-tickets", type=int, help="default: --tickets")
    parser.add_argument("--peer-runs", type=int, help="default: --runs")
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
    peer = None
    if args.peer is not None:
        peer = _run_peer(
            args.peer,
            args.peer_tickets or args.tickets,
            args.peer_runs or args.runs,
            args.reuse,
        )
        summary["peer"] = {
            key: peer[key]
            for key in ("report", "database", "tickets", "report_s", "runs_s", "queries")
        }
        summary["peer"]["runs"] = len(peer["runs_s"])
        summary["peer"]["max_rss_mb"] = peer["max_rss_mb"]
        if "seed_s" in peer:
            summary["peer"]["seed_s"] = peer["seed_s"]
        table2, report = summary["table2_s"], peer["report_s"]
        print(
            f"Table 2: Sigap {table2['median']:.3f} s [{table2['min']:.3f}-{table2['max']:.3f}]"
            f" over {median_run['table2_total']} tickets (PostgreSQL); django-helpdesk "
            f"queuemonth {report['median']:.3f} s [{report['min']:.3f}-{report['max']:.3f}]"
            f" over {peer['tickets']} tickets (SQLite)",
            flush=True,
        )
    print(json.dumps(summary, indent=2))
    if args.json:
        record = {"summary": summary, "runs": runs}
        if peer is not None:
            record["peer"] = peer
        with open(args.json, "w") as out:
            json.dump(record, out, indent=2, default=str)


if __name__ == "__main__":
    sys.exit(main())
