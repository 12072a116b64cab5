"""Where a ticket creation (or a list) spends its time, in-process, without HTTP.

    .venv/bin/python benchmarks/profile_api.py [--db sqlite|postgres] [--tickets 100000]

Builds a throw-away database (a temp SQLite file, or the `sigap_bench_profile`
PostgreSQL database, dropped afterwards), seeds it with `sigap_seed.py`, then sends
requests through django.test.Client (the full middleware stack, no network):
prints the SQL of one request with its timings, and the cProfile summary of many.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import pstats
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
PG_DB = "sigap_bench_profile"


def _prepare(args: argparse.Namespace, data_dir: Path) -> dict:
    if args.db == "postgres":
        import psycopg

        with psycopg.connect(f"{args.pg_url}/postgres", autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {PG_DB}")
            conn.execute(f"CREATE DATABASE {PG_DB}")
        url = f"{args.pg_url}/{PG_DB}"
    else:
        url = f"sqlite:///{data_dir / 'profile.sqlite3'}"
    os.environ.update(
        SIGAP_DATA_DIR=str(data_dir), SIGAP_ALLOWED_HOSTS="127.0.0.1,localhost,testserver"
    )
    os.environ["DATABASE_URL"] = url
    subprocess.run([sys.executable, "-m", "sigap", "migrate", "-v0"], check=True)
    out = subprocess.run(
        [sys.executable, str(HERE / "sigap_seed.py"), "--tickets", str(args.tickets)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


def _drop(args: argparse.Namespace) -> None:
    if args.db == "postgres":
        import psycopg
        from django.db import connections

        connections.close_all()
        with psycopg.connect(f"{args.pg_url}/postgres", autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {PG_DB}")


def _profile(args: argparse.Namespace, info: dict) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sigap.settings")
    import django

    django.setup()
    from django.db import connection
    from django.test import Client

    client = Client(HTTP_AUTHORIZATION=f"Bearer {info['token']}")
    body = {
        "kind": "incident",
        "title": "Unit not updating",
        "category": "gps_unit.not_updating",
        "contact_id": info["contact_id"],
        "impact": "medium",
        "urgency": "high",
    }
    calls = {
        "create": lambda: client.post("/api/v1/tickets", body, content_type="application/json"),
        "list": lambda: client.get("/api/v1/tickets"),
        "list-filtered": lambda: client.get("/api/v1/tickets?status=new&kind=incident"),
    }
    call = calls[args.call]
    for _ in range(20):  # warm caches, imports, the connection
        call()
    timings: list[tuple[float, str]] = []

    def timed(execute, sql, params, many, context):
        began = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            timings.append((time.perf_counter() - began, sql))

    with connection.execute_wrapper(timed):
        began = time.perf_counter()
        response = call()
        total = time.perf_counter() - began
    assert response.status_code in (200, 201), response.content[:300]
    in_db = sum(t for t, _ in timings)
    print(
        f"{args.call}: {len(timings)} queries in one request; {total * 1000:.2f} ms in all, "
        f"{in_db * 1000:.2f} ms of it waiting on the database driver"
    )
    for seconds, sql in timings:
        print(f"  {seconds * 1000:6.3f} ms  {sql[:140]}")
    started = time.perf_counter()
    for _ in range(args.requests):
        call()
    plain = (time.perf_counter() - started) * 1000 / args.requests
    print(f"\n{args.requests} requests in-process, no profiler: {plain:.2f} ms each")
    profiler = cProfile.Profile()
    started = time.perf_counter()
    profiler.enable()
    for _ in range(args.requests):
        call()
    profiler.disable()
    elapsed = time.perf_counter() - started
    print(
        f"{args.requests} requests under cProfile: {elapsed * 1000 / args.requests:.2f} ms each\n"
    )
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out).strip_dirs()
    stats.sort_stats(args.sort).print_stats(args.top)
    print(out.getvalue())


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--pg-url", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--tickets", type=int, default=100_000)
    parser.add_argument("--call", choices=["create", "list", "list-filtered"], default="create")
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--sort", default="cumulative", help="pstats sort key")
    parser.add_argument("--top", type=int, default=45)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="sigap-profile-") as tmp:
        info = _prepare(args, Path(tmp))
        try:
            _profile(args, info)
        finally:
            _drop(args)


if __name__ == "__main__":
    main()
