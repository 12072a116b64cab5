"""Benchmark of the SLA sweep, side by side with django-helpdesk's `escalate_tickets`.

    .venv/bin/python benchmarks/sla_sweep.py [--db sqlite|postgres|both] [--runs 5]
        [--tickets 100000] [--due 1000] [--peer .bench/peer | --skip-peer]
        [--stale N] [--profile]

Sigap, from a copy of `src/` taken at the start (others may edit the checkout
meanwhile): a fresh database per target (SQLite in a temporary directory, PostgreSQL
at `--pg-url`), `sigap migrate`, then `--tickets` open tickets written with batched
INSERTs, `--due` of them due at a fixed moment (NOW, a Wednesday 10:00 WIB): 12.5 %
response warnings, 12.5 % resolution warnings, 25 % response breaches, 25 % resolution
breaches (a fifth of them with second line, so management is involved), 15 %
hand-overs to second line and 10 % escalations whose reminder is due (a fifth at their
second reminder, so management is involved). Every other ticket has all its marks at
least 30 minutes after NOW; `--stale N` of them have a passed deadline that no longer
counts (answered, breached already, paused). That database is the snapshot every run
starts from (SQLite backup copy, PostgreSQL `CREATE DATABASE ... TEMPLATE`). Each run,
in a new process: `sweep(NOW - 1 h)` with nothing due (the first call cold, then
`--quiet-calls` timed as a worker meets them: the cost of every minute), then
`sweep(NOW)` timed, its counts checked against what was planted, the rows it wrote and
the tasks it queued (Huey's SQLite queue, not executed) counted, and `sweep(NOW)`
again, which must find nothing. `--profile` adds a run per database under cProfile
and prints the profile and every statement with its time.

django-helpdesk (`--peer DIR`, built by /work/shared/peer/setup.sh; run with its own
venv's interpreter, never imported here): its queue gets `escalate_days`, the same
number of open tickets is loaded with bulk_create, `--due` of them older than that and
never escalated; each run times `call_command("escalate_tickets")` in a new process,
checks that every due ticket got its follow-up, then times it again with nothing due.
On PostgreSQL the peer runs with a settings module that imports its own and points
DATABASES there (psycopg is installed into its venv if missing).

It prints the medians over the runs (and their min-max) as a table. Results and their
reading: docs/benchmarks.md, "SLA sweep benchmark".
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from sla_sweep_parts import PARTS, log

HERE = Path(__file__).resolve()
TARGET_MS = 1000.0  # the target for the sweep with 1,000 due, each database
DISTURBED = 0.25  # cores used by other processes during a run that make it worthless
# --- the orchestrator -------------------------------------------------------------------


def _clean_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SIGAP_", "PEER_"))}
    for name in ("DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE", "PYTHONPATH"):
        env.pop(name, None)
    return env


def sqlite_copy(src: Path, dst: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{dst}{suffix}").unlink(missing_ok=True)
    with sqlite3.connect(src) as source, sqlite3.connect(dst) as target:
        source.backup(target)


@dataclass
class Target:
    side: str  # sigap | peer
    database: str  # sqlite | postgres
    work: Path
    pg_url: str
    peer_dir: Path | None = None
    src: Path | None = None  # Sigap's src/ to import (a copy, so edits cannot leak in)
    info: dict = field(default_factory=dict)

    @property
    def key(self) -> str:
        return f"{self.side}-{self.database}"

    @property
    def title(self) -> str:
        name = "Sigap" if self.side == "sigap" else "django-helpdesk"
        return f"{name} ({'SQLite' if self.database == 'sqlite' else 'PostgreSQL'})"

    @property
    def python(self) -> str:
        return sys.executable if self.side == "sigap" else str(self.peer_dir / "venv/bin/python")

    @property
    def cwd(self) -> Path:
        return self.work if self.side == "sigap" else self.peer_dir / "site"

    def _db(self, which: str) -> str:
        return f"{self.side}_sla_{which}"

    def _pg_admin(self, *statements: str) -> None:
        import psycopg

        with psycopg.connect(f"{self.pg_url}/postgres", autocommit=True) as conn:
            for statement in statements:
                conn.execute(statement)

    def env(self, which: str) -> dict[str, str]:
        env = _clean_env()
        sqlite_file = str(self.work / f"{which}.sqlite3")
        if self.side == "sigap":
            env.update(
                DJANGO_SETTINGS_MODULE="sigap.settings",
                SIGAP_DATA_DIR=str(self.work / "data"),
                SIGAP_LOG_LEVEL="ERROR",
                PYTHONPATH=str(self.src),
                DATABASE_URL=f"{self.pg_url}/{self._db(which)}"
                if self.database == "postgres"
                else f"sqlite:///{sqlite_file}",
            )
        elif self.database == "postgres":
            env.update(
                DJANGO_SETTINGS_MODULE="peer_pg_settings",
                PEER_PG_DB=self._db(which),
                PYTHONPATH=f"{self.work}:{self.cwd}",
            )
        else:
            env.update(DJANGO_SETTINGS_MODULE="peerdesk.settings", PEER_DB=sqlite_file)
        return env

    def _part(self, part: str, which: str, *extra: str) -> dict:
        out = subprocess.run(
            [self.python, str(HERE), "--part", part, *extra],
            env=self.env(which),
            cwd=self.cwd,
            capture_output=True,
            text=True,
        )
        if out.returncode != 0:
            sys.stderr.write(out.stderr)
            raise SystemExit(f"{self.title}: {part} failed (exit {out.returncode})")
        if out.stderr.strip():
            sys.stderr.write(out.stderr)
        return json.loads(out.stdout.strip().splitlines()[-1])

    def prepare(self, args: argparse.Namespace) -> None:
        self.work.mkdir(parents=True, exist_ok=True)
        if self.side == "peer":
            self._peer_check()
        if self.database == "postgres":
            self._pg_admin(
                f"DROP DATABASE IF EXISTS {self._db('run')}",
                f"DROP DATABASE IF EXISTS {self._db('seed')}",
                f"CREATE DATABASE {self._db('seed')}",
            )
        elif self.side == "peer":
            sqlite_copy(self.peer_dir / "site/base.sqlite3", self.work / "seed.sqlite3")
        if self.side == "sigap":
            migrate = [self.python, "-m", "sigap", "migrate", "-v0"]
        else:
            migrate = [self.python, "manage.py", "migrate", "-v0"]
        subprocess.run(migrate, env=self.env("seed"), cwd=self.cwd, check=True)
        sizes = ["--tickets", str(args.tickets), "--due", str(args.due), "--stale", str(args.stale)]
        self.info = self._part(f"{self.side}-seed", "seed", *sizes)
        if self.database == "postgres":
            # Autovacuum would analyse a freshly loaded table within a minute in
            # production; do it now so every run sees the same plans.
            import psycopg

            with psycopg.connect(f"{self.pg_url}/{self._db('seed')}", autocommit=True) as conn:
                conn.execute("VACUUM ANALYZE")

    def _peer_check(self) -> None:
        if not (self.peer_dir / "site/base.sqlite3").exists():
            raise SystemExit(
                f"{self.peer_dir} is not a built peer; run: bash /work/shared/peer/setup.sh "
                f"{self.peer_dir}"
            )
        if self.database != "postgres":
            return
        if subprocess.run([self.python, "-c", "import psycopg"], capture_output=True).returncode:
            subprocess.run(
                [self.python, "-m", "pip", "install", "-q", "psycopg[binary]==3.3.9"], check=True
            )
        pg = urlsplit(self.pg_url)
        (self.work / "peer_pg_settings.py").write_text(
            '"""The peer\'s own settings, on PostgreSQL (written by sla_sweep.py)."""\n'
            "import os\n\nfrom peerdesk.settings import *  # noqa: F403\n\n"
            "DATABASES = {'default': {'ENGINE': 'django.db.backends.postgresql', "
            f"'NAME': os.environ['PEER_PG_DB'], 'HOST': {pg.hostname!r}, "
            f"'PORT': {pg.port or 5432}, 'USER': {pg.username or 'postgres'!r}, "
            f"'PASSWORD': {pg.password or ''!r}}}}}\n"
        )

    def restore(self) -> None:
        if self.database == "postgres":
            self._pg_admin(
                f"DROP DATABASE IF EXISTS {self._db('run')}",
                f"CREATE DATABASE {self._db('run')} TEMPLATE {self._db('seed')}",
            )
        else:
            sqlite_copy(self.work / "seed.sqlite3", self.work / "run.sqlite3")
        if self.side == "sigap":  # an empty task queue every run
            for suffix in ("", "-wal", "-shm"):
                (self.work / "data" / f"tasks.sqlite3{suffix}").unlink(missing_ok=True)

    def run(self, args: argparse.Namespace, *, profile: bool = False) -> dict:
        self.restore()
        extra = ["--quiet-calls", str(args.quiet_calls)]
        if self.side == "sigap":
            extra += ["--expect", json.dumps(self.info["expected"])]
        else:
            extra += ["--due", str(self.info["due"])]
        return self._part(f"{self.side}-run", "run", *extra, *(["--profile"] if profile else []))

    def cleanup(self) -> None:
        if self.database == "postgres":
            self._pg_admin(
                f"DROP DATABASE IF EXISTS {self._db('run')}",
                f"DROP DATABASE IF EXISTS {self._db('seed')}",
            )


def steal(since: tuple[int, int] | None = None):
    """(steal, total) jiffies of all cores now, or the share stolen by the hypervisor
    `since` then: a virtual machine slowed down by its host shows it here."""
    with open("/proc/stat") as fh:
        values = [int(v) for v in fh.readline().split()[1:]]
    now = (values[7], sum(values[:8]))
    if since is None:
        return now
    return (now[0] - since[0]) / max(1, now[1] - since[1])


def snapshot_src(work: Path) -> Path:
    """A copy of this checkout's src/: others may edit the tree while the runs go on."""
    copy = work / "src"
    shutil.rmtree(copy, ignore_errors=True)
    shutil.copytree(
        HERE.parent.parent / "src", copy, ignore=shutil.ignore_patterns("__pycache__", "*.egg-info")
    )
    return copy


def fingerprint(src: Path) -> str:
    """What was measured: a digest of every .py file under `src`, and the checkout's HEAD."""
    import hashlib

    digest = hashlib.sha256()
    for path in sorted(src.rglob("*.py")):
        digest.update(str(path.relative_to(src)).encode() + b"\0" + path.read_bytes())
    head = HERE.parent.parent / ".git" / "HEAD"
    ref = head.read_text().strip() if head.exists() else ""
    if ref.startswith("ref: "):
        ref_file = head.parent / ref[5:]
        ref = ref_file.read_text().strip() if ref_file.exists() else ref
    return f"src {src} (sha256 of its .py files {digest.hexdigest()[:12]}), HEAD {ref[:10]}"


def machine(targets: list[Target], pg_url: str) -> dict[str, str]:
    def first(path: str, key: str) -> str:
        with open(path) as fh:
            return next((ln.split(":", 1)[1].strip() for ln in fh if ln.startswith(key)), "?")

    env = {
        "cpus": str(os.cpu_count()),
        "cpu model": first("/proc/cpuinfo", "model name"),
        "memory": first("/proc/meminfo", "MemTotal"),
        "kernel": platform.release(),
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
    }
    if any(t.database == "postgres" for t in targets):
        import psycopg

        with psycopg.connect(f"{pg_url}/postgres") as conn:
            env["postgresql"] = str(conn.execute("SHOW server_version").fetchone()[0])
    for t in targets:
        if t.side == "peer":
            code = "import importlib.metadata as m; print(m.version('django-helpdesk'))"
            out = subprocess.run([t.python, "-c", code], capture_output=True, text=True)
            env["django-helpdesk"] = out.stdout.strip()
            break
    return env


def _fmt(values: list[float]) -> str:
    clean = [v for v in values if not math.isnan(v)]
    if not clean:
        return "-"
    mid = statistics.median(clean)
    digits = 0 if mid >= 100 else 1 if mid >= 1 else 2
    text = f"{mid:.{digits}f}"
    if len(clean) > 1 and max(clean) != min(clean):
        text += f" [{min(clean):.{digits}f}-{max(clean):.{digits}f}]"
    return text


def table(targets: list[Target], results: dict[str, dict[str, list[float]]]) -> str:
    metrics: list[str] = []
    for t in targets:
        metrics += [m for m in results[t.key] if m not in metrics]
    header = ["metric (median [min-max] over runs)", *(t.title for t in targets)]
    rows = [[m, *(_fmt(results[t.key].get(m, [])) for t in targets)] for m in metrics]
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    lines = [
        "| " + " | ".join(c.ljust(w) for c, w in zip(header, widths, strict=True)) + " |",
        "|" + "|".join("-" * (w + 2) for w in widths) + "|",
    ]
    lines += [
        "| " + " | ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) + " |" for r in rows
    ]
    return "\n".join(lines)


def record(into: dict[str, list[float]], row: dict, due: int, quiet_calls: int) -> None:
    into[f"{due:,} due: ms"].append(row["due ms"])
    into[f"{due:,} due: ms per due ticket"].append(row["due ms"] / max(1, due))
    into[f"{due:,} due: SQL statements"].append(row["due statements"])
    into[f"{due:,} due: time in the database driver, ms"].append(row["due driver ms"])
    into[f"nothing due: ms (median of {quiet_calls} calls)"].append(row["quiet ms"])
    into["nothing due: SQL statements"].append(row["quiet statements"])
    into["nothing due: time in the database driver, ms"].append(row["quiet driver ms"])
    into["other processes' CPU during the run, % of a core"].append(100 * row["background cores"])
    into["CPU time the host took (steal), % of the run"].append(100 * row["steal"])
    into["runs repeated because of other load"].append(row["repeats"])
    if "quiet first ms" in row:
        into["nothing due, first call in a new process: ms"].append(row["quiet first ms"])
        into["again at the same moment (all claimed): ms"].append(row["again ms"])


def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--tickets", type=int, default=100_000, help="open tickets")
    parser.add_argument("--due", type=int, default=1000, help="of them due at the sweep")
    parser.add_argument(
        "--stale",
        type=int,
        default=0,
        help="not-due tickets with a passed deadline that no longer counts "
        "(answered, already breached, paused): rows the sweep's index scans meet",
    )
    parser.add_argument("--quiet-calls", type=int, default=5, help="timed calls, nothing due")
    parser.add_argument("--peer", type=Path, default=HERE.parent.parent / ".bench/peer")
    parser.add_argument("--skip-peer", action="store_true")
    parser.add_argument("--profile", action="store_true", help="one more Sigap run, profiled")
    parser.add_argument(
        "--retries", type=int, default=2, help="repeat a run other processes disturbed"
    )
    parser.add_argument(
        "--sigap-src",
        type=Path,
        help="import sigap from this src/ (default: a copy of the checkout's, taken at start)",
    )
    parser.add_argument("--pg-url", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--workdir", type=Path, help="keep the databases here")
    parser.add_argument("--json", type=Path, help="also write every run's numbers here")
    parser.add_argument("--part", help=argparse.SUPPRESS)  # one step, in a subprocess
    parser.add_argument("--expect", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.runs < 1 or not 0 < args.due <= args.tickets or args.stale > args.tickets - args.due:
        parser.error("need --runs >= 1, 0 < --due <= --tickets, --stale <= --tickets - --due")
    return args


def main(argv: list[str] | None = None) -> None:
    args = parse(argv)
    if args.part:
        sys.stdout.write(json.dumps(PARTS[args.part](args)) + "\n")
        return
    sys.path.insert(0, str(HERE.parent))
    from loadgen import cpu_between, cpu_snapshot, wait_for_quiet

    work = (args.workdir or Path(tempfile.mkdtemp(prefix="sigap-bench-sla-"))).resolve()
    pg_url = args.pg_url.rstrip("/")
    databases = ["sqlite", "postgres"] if args.db == "both" else [args.db]
    src = args.sigap_src.resolve() if args.sigap_src else snapshot_src(work)
    targets = [Target("sigap", d, work / f"sigap-{d}", pg_url, src=src) for d in databases]
    if not args.skip_peer:
        peer = args.peer.resolve()
        targets += [Target("peer", d, work / f"peer-{d}", pg_url, peer) for d in databases]
    env = machine(targets, pg_url)
    measured = fingerprint(src)
    log(f"Sigap: {measured}")
    results: dict[str, dict[str, list[float]]] = {t.key: defaultdict(list) for t in targets}
    raw: dict[str, list[dict]] = defaultdict(list)
    started = time.monotonic()
    try:
        for t in targets:
            log(f"prepare {t.title}: migrate, {args.tickets:,} tickets, {args.due:,} due")
            t.prepare(args)
            log(f"  {t.info}")
        for run in range(1, args.runs + 1):
            for t in targets:
                for attempt in range(args.retries + 1):
                    busy = wait_for_quiet(patience=60)
                    if busy >= 0.15:
                        log(f"  the machine is {busy:.0%} busy with something else")
                    before, t0, stolen = cpu_snapshot(), time.monotonic(), steal()
                    row = t.run(args)
                    noise = cpu_between(before, cpu_snapshot()).background
                    row["background cores"] = noise / (time.monotonic() - t0)
                    row["steal"] = steal(stolen)
                    log(
                        f"run {run}/{args.runs}{' again' if attempt else ''} {t.title}: "
                        f"{row['due ms']:.0f} ms with "
                        f"{args.due:,} due, {row['quiet ms']:.1f} ms with nothing due; "
                        f"other processes used {row['background cores']:.2f} cores"
                    )
                    if row["background cores"] < DISTURBED:
                        break
                row["repeats"] = attempt
                raw[t.key].append(row)
                record(results[t.key], row, args.due, args.quiet_calls)
        if args.profile:
            for t in targets:
                if t.side == "sigap":
                    log(f"profiled run: {t.title}")
                    t.run(args, profile=True)
    finally:
        for t in targets:
            t.cleanup()
        if not args.workdir:
            shutil.rmtree(work, ignore_errors=True)
    print()
    print("Machine: " + "; ".join(f"{k} {v}" for k, v in env.items()))
    print(
        f"Runs: {args.runs}; {args.tickets:,} open tickets, {args.due:,} due"
        f"{f', {args.stale:,} stale' if args.stale else ''}; "
        f"total {(time.monotonic() - started) / 60:.1f} min"
    )
    print(f"Sigap: {measured}")
    for t in targets:
        if t.side == "sigap":
            print(f"  {t.title} planted: {t.info['expected']}")
        print(f"  {t.title} wrote per run: {raw[t.key][-1]['rows']}")
    print()
    print(table(targets, results))
    print()
    for t in targets:
        if t.side == "sigap":
            ms = statistics.median(r["due ms"] for r in raw[t.key])
            verdict = "meets" if ms < TARGET_MS else f"misses by {ms - TARGET_MS:.0f} ms"
            print(f"Verdict: {t.title}: {ms:.0f} ms with {args.due:,} due ({verdict} < 1 s)")
    if args.json:
        args.json.write_text(json.dumps({"machine": env, "sigap": measured, "runs": raw}, indent=2))


if __name__ == "__main__":
    main()
