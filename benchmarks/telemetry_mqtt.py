"""Benchmark of the MQTT intake: heartbeats written per second by one consumer.

    .venv/bin/python benchmarks/telemetry_mqtt.py                      # SQLite, 3 runs
    .venv/bin/python benchmarks/telemetry_mqtt.py \\
        --database-url postgres://postgres@127.0.0.1:5432/sigap_bench_tel --runs 5
    .venv/bin/python benchmarks/telemetry_mqtt.py --heartbeats 20000 --runs 1 --profile

Creates a fresh database (SQLite in a temporary directory unless --database-url; a
PostgreSQL database named there is dropped and created again), migrates it and adds
--units units (10,000), each with the state one earlier heartbeat left. Each run
starts one `sigap.telematics.mqtt.Consumer` in this process (Sigap's settings:
SIGAP_TELEMETRY_BATCH and _BATCH_MS unless --batch / --batch-ms) on a Mosquitto the
script starts on a free port with an unbounded per-client queue (or the broker at
--broker-url; a stock Mosquitto drops what the consumer has not taken once 1,000
messages wait for it), and a publisher process that sends
--heartbeats heartbeats (100,000) at QoS 1, one per message as a gateway forwards them
(a JSON array of one object, the units in turn, each newer than the last). Measured:
from the first publish to the commit of the batch holding the last heartbeat. Each
run has its own topic and client id, and waits for an idle machine first; the table
shows every run, the consumer's CPU and other processes' CPU ("background"), and the
median.

`--profile` profiles the consumer's thread (paho's network loop, decoding and writing)
in the last run with cProfile and prints its top functions.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import multiprocessing
import os
import platform
import pstats
import shutil
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
TARGET = 5000.0  # heartbeats/s with one consumer (the target)
T0 = datetime(2026, 3, 2, 3, 0, tzinfo=UTC)
WINDOW = 1000  # messages the publisher has sent and the broker not yet acknowledged


def log(message: str) -> None:
    sys.stderr.write(f"[{time.strftime('%H:%M:%S')}] {message}\n")
    sys.stderr.flush()


def setup(work: Path, database_url: str | None) -> None:
    os.environ["SIGAP_DATA_DIR"] = str(work / "data")
    os.environ["DATABASE_URL"] = database_url or f"sqlite:///{work / 'bench.sqlite3'}"
    os.environ.setdefault("SIGAP_SECRET_KEY", "benchmark-only-secret-key-0123456789-abcdefgh")
    os.environ["DJANGO_SETTINGS_MODULE"] = "sigap.settings"
    os.environ.setdefault("SIGAP_LOG_LEVEL", "ERROR")
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()


def fresh_postgres(url: str) -> None:
    import psycopg

    parts = urlsplit(url)
    name = parts.path.strip("/")
    if not name.replace("_", "").isalnum():
        raise SystemExit(f"--database-url: {name!r} is not a database name this script creates")
    admin = urlunsplit((parts.scheme, parts.netloc, "/postgres", "", ""))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name}")
        conn.execute(f"CREATE DATABASE {name}")


class Mosquitto:
    """A Mosquitto of the benchmark's own on a free loopback port. Its per-client queue
    is unbounded: the publisher outruns the consumer on purpose, and Mosquitto 2.0
    drops messages beyond `max_queued_messages` (1,000 by default) for a subscriber
    that reads more slowly than they are published, whatever its receive maximum."""

    def __init__(self, work: Path) -> None:
        binary = shutil.which("mosquitto") or "/usr/sbin/mosquitto"
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        config = work / "mosquitto.conf"
        config.write_text(
            f"listener {self.port} 127.0.0.1\n"
            "allow_anonymous true\n"
            "persistence false\n"
            "max_queued_messages 0\n"
            "log_dest stderr\n"
            "log_type error\n"
        )
        self.process = subprocess.Popen([binary, "-c", str(config)])
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline or self.process.poll() is not None:
                    raise RuntimeError("the benchmark's Mosquitto did not start") from None
                time.sleep(0.05)
        self.url = f"mqtt://127.0.0.1:{self.port}"

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(10)


def imei(n: int) -> str:
    return f"35{n:013d}"


def seed(units: int) -> list[str]:
    """Units with the state one heartbeat left, as in a running fleet."""
    from django.core.management import call_command

    from sigap.customers.models import DeviceModel, Unit
    from sigap.telematics.heartbeat import Heartbeat
    from sigap.telematics.state import heartbeats_apply

    call_command("migrate", verbosity=0)
    model = DeviceModel.objects.create(vendor="Teltonika", name="FMB920")
    imeis = [imei(n) for n in range(units)]
    Unit.objects.bulk_create(
        (Unit(imei=i, device_model=model, firmware="03.28") for i in imeis), batch_size=2000
    )
    heard = T0 - timedelta(days=1)
    for start in range(0, units, 1000):
        heartbeats_apply(
            [
                Heartbeat(
                    imei=i,
                    source="mqtt",
                    heard_at=heard,
                    fix_at=heard,
                    valid=True,
                    latitude=-6.2,
                    longitude=106.8,
                    ignition=True,
                    power=12.6,
                )
                for i in imeis[start : start + 1000]
            ]
        )
    return imeis


# --- the publisher (its own process) ---------------------------------------------------


def messages(imeis: list[str], count: int, base: datetime) -> list[tuple[str, bytes]]:
    """(topic suffix, payload): one heartbeat each, the units in turn, 10 ms apart."""
    out = []
    for n in range(count):
        unit = imeis[n % len(imeis)]
        heard = base + timedelta(milliseconds=10 * n)
        item = {
            "imei": unit,
            "id": f"bench-{n}",
            "time": (heard - timedelta(seconds=1)).isoformat().replace("+00:00", "Z"),
            "server_time": heard.isoformat().replace("+00:00", "Z"),
            "valid": True,
            "lat": -6.2 + (n % 1000) / 10000,
            "lon": 106.8 + (n % 777) / 10000,
            "speed": n % 90,
            "ignition": n % 7 != 0,
            "power": 12.0 + (n % 10) / 10,
            "battery": 4.1,
            "rssi": 10 + n % 20,
            "sat": 4 + n % 9,
            "operator": "Telkomsel",
            "cell": "510-10-1234-56789",
        }
        out.append((unit, json.dumps([item]).encode()))
    return out


def publish(broker: str, root: str, imeis, count, base, ready, go, results) -> None:
    import paho.mqtt.client as paho
    from paho.mqtt.enums import CallbackAPIVersion

    prepared = messages(imeis, count, base)
    parts = urlsplit(broker)
    client = paho.Client(callback_api_version=CallbackAPIVersion.VERSION2)
    # paho scans every unacknowledged message on each PUBACK when it limits them
    # itself; the window below limits them instead.
    client.max_inflight_messages_set(0)
    client.max_queued_messages_set(0)
    if parts.username:
        client.username_pw_set(parts.username, parts.password)
    client.connect(parts.hostname, parts.port or 1883)
    client.loop_start()
    ready.set()
    go.wait()
    started = time.monotonic()
    sent = []
    for n, (unit, payload) in enumerate(prepared):
        sent.append(client.publish(f"{root}/{unit}/heartbeat", payload, qos=1))
        if n >= WINDOW:
            sent[n - WINDOW].wait_for_publish(120)
    for info in sent[-WINDOW:]:
        info.wait_for_publish(120)
    finished = time.monotonic()
    client.disconnect()
    client.loop_stop()
    results.put((started, finished, sum(1 for info in sent if info.is_published())))


# --- the consumer (this process) --------------------------------------------------------


def timed_consumer(target: int, profile: bool):
    from sigap.telematics.mqtt import Consumer

    class Timed(Consumer):
        """Notes when the batch holding the `target`th heartbeat is committed."""

        def __init__(self, **options) -> None:
            super().__init__(**options)
            self.done = threading.Event()
            self.done_at = 0.0
            self.profiler: cProfile.Profile | None = None

        def _run(self) -> None:
            if not profile:
                return super()._run()
            self.profiler = cProfile.Profile()
            self.profiler.runcall(super()._run)

        def _write(self, messages, beats) -> bool:
            written = super()._write(messages, beats)
            if self.stats.written + self.stats.unknown >= target and not self.done.is_set():
                self.done_at = time.monotonic()
                self.done.set()
            return written

    return Timed


def measure(args, imeis: list[str], run: int, profile: bool) -> dict[str, float]:
    from django.conf import settings
    from django.db import connections
    from loadgen import cpu_between, cpu_snapshot

    from sigap.telematics.models import UnitState

    tag = uuid.uuid4().hex[:10]
    root = f"sigap-bench/{tag}/units"
    base = T0 + timedelta(days=run)
    context = multiprocessing.get_context("fork")
    ready, go, results = context.Event(), context.Event(), context.Queue()
    connections.close_all()  # the child must not share this process's connection
    publisher = context.Process(
        target=publish,
        args=(args.broker_url, root, imeis, args.heartbeats, base, ready, go, results),
    )
    publisher.start()  # before the consumer's threads exist: fork and threads don't mix
    if not ready.wait(300):
        raise RuntimeError("the publisher did not get ready")
    consumer = timed_consumer(args.heartbeats, profile)(
        url=args.broker_url,
        topic=f"{root}/+/heartbeat",
        client_id=f"sigap-bench-{tag}",
        batch=args.batch or settings.SIGAP_TELEMETRY_BATCH,
        batch_ms=settings.SIGAP_TELEMETRY_BATCH_MS if args.batch_ms is None else args.batch_ms,
        session_expiry=60,
    )
    consumer.start()
    try:
        if not consumer.subscribed.wait(30):
            raise RuntimeError(f"the consumer did not subscribe at {args.broker_url}")
        cpu, everyone = os.times(), cpu_snapshot()
        go.set()
        started, published_at, published = results.get(timeout=600)
        timeout = max(60.0, args.heartbeats / 500)
        if not consumer.done.wait(timeout):
            raise RuntimeError(
                f"only {consumer.stats.written} of {args.heartbeats} heartbeats written after "
                f"{timeout:.0f} s (published {published}); the broker may have dropped some "
                "(Mosquitto's max_queued_messages)"
            )
        used, others = os.times(), cpu_between(everyone, cpu_snapshot())
    finally:
        consumer.stop()
        publisher.join()
    stats = consumer.stats
    if stats.written != args.heartbeats or stats.bad or stats.unknown:
        raise RuntimeError(f"expected {args.heartbeats} written, got {stats}")
    newest = base + timedelta(milliseconds=10 * (args.heartbeats - 1))
    assert UnitState.objects.filter(last_contact_at=newest).count() == 1
    elapsed = consumer.done_at - started
    cpu_seconds = (used.user - cpu.user) + (used.system - cpu.system)
    row = {
        "heartbeats": float(args.heartbeats),
        "seconds": elapsed,
        "heartbeats/s": args.heartbeats / elapsed,
        "published/s": args.heartbeats / (published_at - started),
        "batches": float(stats.batches),
        "heartbeats/batch": stats.written / stats.batches,
        "consumer CPU %": 100 * cpu_seconds / (used.elapsed - cpu.elapsed),
        # Other processes' CPU meanwhile (the publisher and the benchmark's Mosquitto
        # are ours): another job on the machine shows here and spoils the run.
        "background CPU %": 100 * others.background / (used.elapsed - cpu.elapsed),
    }
    if consumer.profiler is not None:
        for order, count in (("tottime", 25), ("cumulative", 35)):
            out = io.StringIO()
            pstats.Stats(consumer.profiler, stream=out).sort_stats(order).print_stats(count)
            print(f"\n--- profile of the consumer's thread, by {order} ---")
            print(out.getvalue())
    return row


def describe_database(connection) -> str:
    if connection.vendor == "sqlite":
        return f"SQLite {sqlite3.sqlite_version} (WAL)"
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        return f"PostgreSQL {cursor.fetchone()[0]}"


def table(rows: list[dict[str, float]]) -> str:
    columns = ["run", *rows[0]]
    lines = ["| " + " | ".join(columns) + " |", "|" + "|".join("---" for _ in columns) + "|"]
    for i, row in enumerate(rows, 1):
        cells = [str(i)] + [f"{v:.2f}" if k in ("seconds",) else f"{v:.0f}" for k, v in row.items()]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--units", type=int, default=10_000)
    parser.add_argument("--heartbeats", type=int, default=100_000, help="published per run")
    parser.add_argument("--batch", type=int, help="default: SIGAP_TELEMETRY_BATCH")
    parser.add_argument("--batch-ms", type=int, help="default: SIGAP_TELEMETRY_BATCH_MS")
    parser.add_argument(
        "--broker-url",
        help="default: a Mosquitto of the benchmark's own, its per-client queue unbounded",
    )
    parser.add_argument(
        "--database-url",
        help="default: SQLite in the work directory; a PostgreSQL database is created afresh",
    )
    parser.add_argument("--workdir", type=Path, help="keep the data directory here")
    parser.add_argument("--profile", action="store_true", help="cProfile the last run")
    args = parser.parse_args(argv)
    if args.runs < 1 or args.units < 1 or args.heartbeats < 1:
        parser.error("--runs, --units and --heartbeats must be at least 1")

    work = args.workdir or Path(tempfile.mkdtemp(prefix="sigap-bench-mqtt-"))
    work.mkdir(parents=True, exist_ok=True)
    if args.database_url and args.database_url.startswith("postgres"):
        fresh_postgres(args.database_url)
    setup(work, args.database_url)
    sys.path.insert(0, str(HERE))
    import django
    from django.conf import settings
    from django.db import connection
    from loadgen import wait_for_quiet

    rows = []
    broker = None
    if not args.broker_url:
        broker = Mosquitto(work)
        args.broker_url = broker.url
    try:
        log(f"migrate and seed {args.units} units")
        imeis = seed(args.units)
        for run in range(1, args.runs + 1):
            busy = wait_for_quiet()
            if busy >= 0.15:
                log(f"the machine stays busy ({busy:.0%} of all cores); measuring anyway")
            row = measure(args, imeis, run, args.profile and run == args.runs)
            log(
                f"run {run}/{args.runs}: {row['heartbeats/s']:.0f} heartbeats/s "
                f"({row['heartbeats/batch']:.0f} per batch, publisher {row['published/s']:.0f}/s)"
            )
            rows.append(row)
        database = describe_database(connection)
    finally:
        if broker:
            broker.stop()
        if not args.workdir:
            shutil.rmtree(work, ignore_errors=True)

    rate = statistics.median(r["heartbeats/s"] for r in rows)
    print()
    print(
        f"Machine: {platform.platform()}; {os.cpu_count()} CPUs; "
        f"Python {platform.python_version()}; Django {django.get_version()}; "
        f"database {database}"
    )
    print(
        f"Runs: {args.runs} x {args.heartbeats} heartbeats (one per QoS 1 message) for "
        f"{args.units} units; batch {args.batch or settings.SIGAP_TELEMETRY_BATCH} / "
        f"{settings.SIGAP_TELEMETRY_BATCH_MS if args.batch_ms is None else args.batch_ms} ms; "
        f"broker {'Mosquitto (own, unbounded queue)' if broker else args.broker_url}"
    )
    print()
    print(table(rows))
    print()
    verdict = "meets" if rate >= TARGET else "misses"
    print(f"Verdict: median {rate:.0f} heartbeats/s ({verdict} >= {TARGET:.0f}/s)")


if __name__ == "__main__":
    main()
