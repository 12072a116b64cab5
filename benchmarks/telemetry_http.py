"""Benchmark of the telemetry hooks: sustained heartbeats per second (target >= 5,000/s,
one worker).

    .venv/bin/python benchmarks/telemetry_http.py [--db sqlite|postgres|both] [--runs 3]
        [--units 10000] [--clients 3] [--duration 10] [--threads 32]

A fresh database per target (SQLite in a temporary directory, PostgreSQL at
`--pg-url`), migrated, with `--units` GPS units. Sigap is served by gunicorn with ONE
worker process (`gthread`, `--threads` threads) on 127.0.0.1. `--clients` processes
POST Traccar's position forwarding JSON to `/hooks/traccar` back to back over
keep-alive connections for `--duration` seconds: each a distinct unit and a fresh
serverTime, so every heartbeat moves a unit's state (a retry would not). Each
`--batch` size is measured: 1 is Traccar's own shape (one position per request), a
larger one an array of positions per request (a relay's, or the simulator's). A 200 is sent
only after the heartbeat is committed (group commit: requests waiting together share
a transaction), so the rate counted is the rate stored. After each run the number of
units whose state was written is checked against the 200s.

No peer: django-helpdesk takes no telemetry. Results: docs/benchmarks.md, "Telemetry
intake benchmark".
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from loadgen import Call, median, percentile, request_once, run_load, wait_for_quiet
from servers import free_port

ROOT = Path(__file__).resolve().parent.parent
TOKEN = "benchmark-telemetry-token"
TARGET = 5000.0

SEED = """
from sigap.customers.models import DeviceModel, Unit
model, _ = DeviceModel.objects.get_or_create(vendor="Teltonika", name="FMB920")
Unit.objects.bulk_create(
    [Unit(imei=f"35{{i:013d}}", device_model=model) for i in range({units})], batch_size=5000
)
"""

COUNT = """
from sigap.telematics.models import UnitState
print(UnitState.objects.count(), UnitState.objects.filter(last_contact_at__isnull=False).count())
"""


def position(pid: int, unit: int, now: str) -> str:
    return (
        f'{{"position": {{"id": {pid}, "serverTime": "{now}", "fixTime": "{now}", '
        '"valid": true, "outdated": false, "latitude": -6.2, "longitude": 106.8, '
        '"speed": 12.0, "attributes": {"ignition": true, "power": 12.6, "battery": 4.1, '
        f'"rssi": 20, "sat": 9}}}}, "device": {{"uniqueId": "35{unit:013d}", '
        '"status": "online"}}'
    )


@dataclass(frozen=True)
class Position(Call):
    """Traccar positions of distinct units, heard now: one object per request as
    Traccar forwards, or an array of `batch` as a relay gathering them may."""

    units: int = 10000
    batch: int = 1

    def render(self, client: int, n: int) -> tuple[bytes | None, dict[str, str]]:
        now = datetime.now(UTC).isoformat(timespec="milliseconds")
        items = [
            position(
                (client * 10_000_000 + n) * self.batch + i,
                (client * 1_000_003 + (n * self.batch + i) * 7919) % self.units,
                now,
            )
            for i in range(self.batch)
        ]
        body = items[0] if self.batch == 1 else "[" + ", ".join(items) + "]"
        data = body.encode()
        headers = dict(self.headers)
        headers["Content-Length"] = str(len(data))
        return data, headers


def sigap(env: dict[str, str], *args: str, capture: bool = False) -> str:
    result = subprocess.run(
        [str(ROOT / ".venv/bin/sigap"), *args],
        env=env,
        check=True,
        capture_output=capture,
        text=True,
    )
    return result.stdout if capture else ""


def prepare(which: str, units: int, pg_url: str, work: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SIGAP_")}
    env.pop("DATABASE_URL", None)
    env.update(
        SIGAP_DATA_DIR=str(work / which),
        SIGAP_TELEMETRY_TOKEN=TOKEN,
        SIGAP_LOG_LEVEL="ERROR",
    )
    (work / which).mkdir(parents=True, exist_ok=True)
    if which == "postgres":
        base, _sep, name = pg_url.rpartition("/")
        admin = f"{base}/postgres"
        subprocess.run(["psql", admin, "-qc", f"drop database if exists {name}"], check=True)
        subprocess.run(["psql", admin, "-qc", f"create database {name}"], check=True)
        env["DATABASE_URL"] = pg_url
    sigap(env, "migrate", "-v0")
    sigap(env, "shell", "-c", SEED.format(units=units))
    return env


def serve(env: dict[str, str], threads: int, log: Path) -> tuple[subprocess.Popen, int]:
    port = free_port()
    command = [
        str(ROOT / ".venv/bin/python"),
        "-m",
        "gunicorn",
        "sigap.wsgi:application",
        "--workers",
        "1",
        "--worker-class",
        "gthread",
        "--threads",
        str(threads),
        "--bind",
        f"127.0.0.1:{port}",
        "--keep-alive",
        "30",
    ]
    with open(log, "ab") as out:
        process = subprocess.Popen(command, env=env, stdout=out, stderr=out)
    deadline = time.monotonic() + 60
    while True:
        try:
            request_once(port, Call("GET", "/healthz"))
            return process, port
        except (OSError, RuntimeError):
            if time.monotonic() > deadline or process.poll() is not None:
                process.kill()
                raise RuntimeError(f"gunicorn did not start; see {log}") from None
            time.sleep(0.2)


def warm(port: int, units: int) -> None:
    """Every unit heard once before the clock starts, as in a fleet that has been
    reporting: the worker knows its units (it looks each up once) and their rows exist."""
    import http.client

    now = datetime.now(UTC).isoformat(timespec="milliseconds")
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    for start in range(0, units, 1000):
        body = (
            "["
            + ", ".join(position(u, u, now) for u in range(start, min(units, start + 1000)))
            + "]"
        )
        conn.request(
            "POST",
            "/hooks/traccar",
            body=body.encode(),
            headers={"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json"},
        )
        response = conn.getresponse()
        response.read()
        if response.status != 200:
            raise RuntimeError(f"warm-up answered {response.status}")
    conn.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--pg-url", default="postgres://postgres@127.0.0.1:5432/sigap_bench_tel")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--units", type=int, default=10000)
    parser.add_argument("--clients", type=int, default=3)
    parser.add_argument("--threads", type=int, default=32)
    parser.add_argument("--duration", type=float, default=10.0)
    parser.add_argument(
        "--batch", type=int, nargs="+", default=[1, 100], help="heartbeats per request"
    )
    args = parser.parse_args()
    print(
        f"machine: {platform.platform()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    )
    work = Path(tempfile.mkdtemp(prefix="sigap-bench-tel-"))
    targets = ["sqlite", "postgres"] if args.db == "both" else [args.db]
    headers = (("Authorization", f"Bearer {TOKEN}"), ("Content-Type", "application/json"))
    summary = {}
    try:
        for which in targets:
            env = prepare(which, args.units, args.pg_url, work)
            for batch in args.batch:
                call = Position(
                    "POST", "/hooks/traccar", headers=headers, units=args.units, batch=batch
                )
                rates, p95s = [], []
                for run in range(1, args.runs + 1):
                    wait_for_quiet()
                    process, port = serve(env, args.threads, work / f"{which}.log")
                    try:
                        warm(port, args.units)
                        result = run_load(
                            port=port,
                            call=call,
                            clients=args.clients,
                            duration=args.duration,
                            server_pid=process.pid,
                        )
                    finally:
                        process.terminate()
                        process.wait()
                    _states, heard = map(
                        int, sigap(env, "shell", "-c", COUNT, capture=True).split()[-2:]
                    )
                    rates.append(result.rate * batch)
                    p95s.append(percentile(result.latencies, 95) * 1000)
                    print(
                        f"{which}, {batch} per request, run {run}: {rates[-1]:,.0f} heartbeats/s "
                        f"stored ({result.rate:,.0f} requests/s), p95 {p95s[-1]:.1f} ms, "
                        f"errors {result.errors or 0}, "
                        f"server CPU {result.server_cpu / args.duration:.2f} cores, "
                        f"client CPU {result.client_cpu / args.duration:.2f} cores, "
                        f"unit states written {heard:,}",
                        flush=True,
                    )
                summary[(which, batch)] = (median(rates), min(rates), max(rates), median(p95s))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print()
    print(
        f"{'database':<10} {'per request':>11} {'median /s':>10} {'min-max /s':>16} "
        f"{'p95 ms':>8}  target >= {TARGET:,.0f}/s"
    )
    for (which, batch), (med, low, high, p95) in summary.items():
        verdict = "met" if med >= TARGET else "NOT met"
        print(
            f"{which:<10} {batch:>11} {med:>10,.0f} {low:>7,.0f}-{high:<8,.0f} {p95:>8.1f}  {verdict}"
        )
    sys.exit(0)


if __name__ == "__main__":
    main()
