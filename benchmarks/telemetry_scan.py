"""Benchmark of the silence scan over a large fleet (target < 1 s at 1,000,000 units on
PostgreSQL).

    .venv/bin/python benchmarks/telemetry_scan.py [--units 1000000] [--silent 1000]
        [--areas 100] [--runs 5] [--pg-url postgres://postgres@127.0.0.1:5432/sigap_bench_scan]

A fresh PostgreSQL database, migrated, then filled by SQL (generate_series): `--units`
GPS units, each with an active subscription and a state row heard a minute before NOW.
`--silent` of them were last heard 20 minutes before NOW (so their `due_at` passed),
spread over `--areas` grid squares and 200 operators, with a tenth of them inside one
square within five minutes (a mass outage); `--silent` / 10 other units are in an outage and have reported
again (recoveries). Every other unit is due in the future. Each run, in a new process,
restores that state and times `silence_scan(NOW)`: reading the due rows, classifying and
diagnosing them, writing their outages, grouping the mass outage and ending the
recoveries, in one transaction. It then times a scan with nothing new (the cost of
every minute) and, once, opening the incidents of 100 of the outages (the follow-up
after the commit, per incident).

No peer: django-helpdesk does not watch devices. Results: docs/benchmarks.md,
"Silence scan benchmark".
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET = 1.0
NOW = "2026-03-02 03:00:00+00"

FILL = """
INSERT INTO customers_organisation (code, name, tier, email_domain, region, is_active, created_at)
VALUES ('bench', 'PT Bench', 'standard', '', '', true, now());
INSERT INTO customers_devicemodel (vendor, name, is_legacy, min_firmware)
VALUES ('Teltonika', 'FMB920', false, '03.27');
INSERT INTO customers_unit (imei, device_model_id, firmware, sim_number, vehicle_id)
SELECT lpad(g::text, 15, '0'), (SELECT id FROM customers_devicemodel), '03.28', '', NULL
FROM generate_series(1, {units}) g;
INSERT INTO customers_subscription (organisation_id, unit_id, starts_on, status, termination_reason)
SELECT (SELECT id FROM customers_organisation), id, '2022-01-01', 'active', '' FROM customers_unit;
INSERT INTO telematics_unitstate (unit_id, last_contact_at, last_fix_at, fix_heard_at,
    attributes_at, latitude, longitude, area, operator, ignition, power, battery, rssi,
    satellites, last_alarm, clock_offset_seen, due_at, condition)
SELECT id, ts, ts, ts, ts, -6.2, 106.8, '-6.3,106.8', 'Telkomsel', true, 12.6, 4.1, 20, 9,
    '', 0, ts + interval '15 minutes', 'ok'
FROM (SELECT id, timestamptz '{now}' - interval '1 minute' AS ts FROM customers_unit) u;
CREATE TABLE bench_silent AS
SELECT unit_id, row_number() OVER (ORDER BY unit_id) AS n FROM telematics_unitstate
ORDER BY unit_id LIMIT {silent} OFFSET 1000;
CREATE TABLE bench_back AS
SELECT unit_id FROM telematics_unitstate ORDER BY unit_id DESC LIMIT {back};
VACUUM ANALYZE;
"""

RESTORE = """
DELETE FROM telematics_outage;
DELETE FROM telematics_outagegroup;
UPDATE telematics_unitstate SET condition = 'ok', condition_since = NULL, recovered_at = NULL,
    due_at = last_contact_at + interval '15 minutes'
WHERE condition <> 'ok' OR recovered_at IS NOT NULL
   OR unit_id IN (SELECT unit_id FROM bench_silent);
UPDATE telematics_unitstate s SET
    last_contact_at = timestamptz '{now}' - interval '20 minutes' + (b.n % 5) * interval '1 minute',
    fix_heard_at = timestamptz '{now}' - interval '20 minutes',
    due_at = timestamptz '{now}' - interval '5 minutes',
    area = CASE WHEN b.n % 10 = 0 THEN '-7.3,112.7' ELSE (b.n % {areas})::text || ',0.0' END,
    operator = 'operator-' || (b.n % 200)::text
FROM bench_silent b WHERE s.unit_id = b.unit_id;
UPDATE telematics_unitstate SET condition = 'offline', area = '', operator = '',
    condition_since = timestamptz '{now}' - interval '1 hour',
    recovered_at = timestamptz '{now}' - interval '2 minutes'
WHERE unit_id IN (SELECT unit_id FROM bench_back);
INSERT INTO telematics_outage (unit_id, condition, started_at, detected_at, evidence)
SELECT unit_id, 'offline', timestamptz '{now}' - interval '80 minutes',
    timestamptz '{now}' - interval '1 hour', '[]' FROM bench_back;
VACUUM ANALYZE telematics_unitstate;
"""

RUN = """
import json, time
from datetime import datetime
from django.db import connection
from sigap.telematics.detection import silence_scan
now = datetime.fromisoformat("{now_iso}")
connection.ensure_connection()
began = time.perf_counter(); scan = silence_scan(now); full = time.perf_counter() - began
began = time.perf_counter(); quiet = silence_scan(now); idle = time.perf_counter() - began
print("RESULT", json.dumps({{"full": full, "idle": idle, "silent": scan.silent,
    "grouped": scan.grouped, "recovered": scan.recovered, "again": quiet.silent}}))
"""

FOLLOW = """
import json, time
from sigap.telematics.incidents import outage_incident_open
from sigap.telematics.models import Outage
outages = list(Outage.objects.filter(ended_at__isnull=True, ticket__isnull=True)[:100])
began = time.perf_counter()
for outage in outages:
    outage_incident_open(outage)
print("RESULT", json.dumps({{"incidents": len(outages), "seconds": time.perf_counter() - began}}))
"""


def psql(url: str, sql: str) -> None:
    # From stdin, each statement its own transaction (VACUUM cannot run inside one).
    subprocess.run(["psql", url, "-qv", "ON_ERROR_STOP=1"], input=sql, text=True, check=True)


def sigap(env: dict[str, str], *args: str) -> str:
    out = subprocess.run(
        [str(ROOT / ".venv/bin/sigap"), *args], env=env, check=True, capture_output=True, text=True
    ).stdout
    return out


def result(output: str) -> dict:
    import json

    line = next(line for line in output.splitlines() if line.startswith("RESULT "))
    return json.loads(line.removeprefix("RESULT "))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--units", type=int, default=1_000_000)
    parser.add_argument("--silent", type=int, default=1000)
    parser.add_argument("--areas", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--pg-url", default="postgres://postgres@127.0.0.1:5432/sigap_bench_scan")
    parser.add_argument("--keep", action="store_true", help="reuse the database if filled")
    args = parser.parse_args()
    print(
        f"machine: {platform.platform()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("SIGAP_")}
    env.update(
        DATABASE_URL=args.pg_url,
        SIGAP_DATA_DIR=str(Path("/tmp") / "sigap-bench-scan"),
        SIGAP_LOG_LEVEL="ERROR",
    )
    Path(env["SIGAP_DATA_DIR"]).mkdir(exist_ok=True)
    base, _sep, name = args.pg_url.rpartition("/")
    filled = subprocess.run(
        ["psql", args.pg_url, "-tAc", "select count(*) from telematics_unitstate"],
        capture_output=True,
        text=True,
    )
    if not (args.keep and filled.returncode == 0 and int(filled.stdout or 0) == args.units):
        psql(f"{base}/postgres", f"drop database if exists {name}")
        psql(f"{base}/postgres", f"create database {name}")
        sigap(env, "migrate", "-v0")
        print(f"filling {args.units:,} units ...", flush=True)
        psql(
            args.pg_url,
            FILL.format(units=args.units, silent=args.silent, back=args.silent // 10, now=NOW),
        )
    restore = RESTORE.format(now=NOW, areas=args.areas)
    now_iso = NOW.replace(" ", "T").replace("+00", "+00:00")
    fulls, idles = [], []
    for run in range(1, args.runs + 1):
        psql(args.pg_url, restore)
        measured = result(sigap(env, "shell", "-c", RUN.format(now_iso=now_iso)))
        fulls.append(measured["full"])
        idles.append(measured["idle"])
        print(
            f"run {run}: scan {measured['full'] * 1000:.0f} ms ({measured['silent']:,} outages, "
            f"{measured['grouped']:,} in a mass outage, {measured['recovered']:,} recovered); "
            f"nothing new {measured['idle'] * 1000:.1f} ms, found again {measured['again']}",
            flush=True,
        )
    follow = result(sigap(env, "shell", "-c", FOLLOW.format()))
    median = statistics.median(fulls)
    print()
    print(
        f"silence scan, {args.units:,} units, {args.silent:,} newly silent: median "
        f"{median * 1000:.0f} ms (min {min(fulls) * 1000:.0f}, max {max(fulls) * 1000:.0f}); "
        f"target < {TARGET * 1000:.0f} ms: {'met' if median < TARGET else 'NOT met'}"
    )
    print(f"scan with nothing new: median {statistics.median(idles) * 1000:.1f} ms")
    rate = follow["incidents"] / follow["seconds"] if follow["seconds"] else 0
    print(
        f"incidents opened after the scan: {rate:.0f}/s ({follow['incidents']} in {follow['seconds']:.2f} s)"
    )
    sys.exit(0)


if __name__ == "__main__":
    main()
