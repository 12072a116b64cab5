"""The systems under test: Sigap on SQLite or PostgreSQL, and the django-helpdesk peer.

Each target is prepared once (migrate, seed 100,000 tickets, keep a snapshot) and
restored from that snapshot before every run, so every run starts from the same
database. Each run serves it with gunicorn, 2 sync workers, on 127.0.0.1.
"""

from __future__ import annotations

import base64
import json
import os
import secrets
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from loadgen import Call, request_once

HERE = Path(__file__).resolve().parent
WORKERS = 2
GUNICORN_TIMEOUT = 300  # the peer's REST list runs ~20 s per request at 100,000 tickets


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def sqlite_copy(src: Path, dst: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{dst}{suffix}").unlink(missing_ok=True)
    with sqlite3.connect(src) as source, sqlite3.connect(dst) as target:
        source.backup(target)


@dataclass
class Server:
    process: subprocess.Popen
    port: int

    @property
    def pid(self) -> int:
        return self.process.pid

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)  # gunicorn: graceful stop of the workers
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def start_gunicorn(
    *,
    python: str,
    app: str,
    env: dict[str, str],
    cwd: Path,
    log: Path,
    probe: str,
    extra: tuple[str, ...] = (),
) -> Server:
    port = free_port()
    command = [
        python,
        "-m",
        "gunicorn",
        app,
        "--workers",
        str(WORKERS),
        "--bind",
        f"127.0.0.1:{port}",
        "--timeout",
        str(GUNICORN_TIMEOUT),
        *extra,
    ]
    with open(log, "ab") as out:
        process = subprocess.Popen(command, env=env, cwd=cwd, stdout=out, stderr=out)
    server = Server(process=process, port=port)
    deadline = time.monotonic() + 60
    while True:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {process.returncode}; see {log}")
        try:
            request_once(port, Call("GET", probe))
            return server
        except (OSError, RuntimeError) as exc:
            if time.monotonic() > deadline:
                server.stop()
                raise RuntimeError(
                    f"gunicorn did not answer {probe} within 60 s; see {log}"
                ) from exc
            time.sleep(0.2)


@dataclass
class ListCall:
    label: str
    call: Call
    count: int
    warmup: int = 5


@dataclass
class Target:
    """What a run needs: a way to restore the database, start the server, and the calls."""

    key: str
    title: str
    work: Path
    info: dict[str, Any] = field(default_factory=dict)
    # More gunicorn options, e.g. an access log with each request's duration.
    gunicorn_args: tuple[str, ...] = ()

    def prepare(self, tickets: int) -> None:
        raise NotImplementedError

    def restore(self) -> None:
        raise NotImplementedError

    def start(self) -> Server:
        raise NotImplementedError

    def create_calls(self) -> dict[str, Call]:
        raise NotImplementedError

    def list_calls(self, server: Server, count: int) -> list[ListCall]:
        raise NotImplementedError

    def cleanup(self) -> None:
        pass


def _clean_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SIGAP_")}
    for name in ("DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE", "PYTHONPATH"):
        env.pop(name, None)
    return env


class SigapTarget(Target):
    def __init__(
        self,
        *,
        key: str,
        title: str,
        work: Path,
        database: str,
        pg_url: str,
        src: Path | None = None,
        seed_script: Path = HERE / "sigap_seed.py",
    ) -> None:
        super().__init__(key=key, title=title, work=work)
        self.database = database
        self.seed_script = seed_script
        self.src = src  # another checkout's src/ to import sigap from (a what-if run)
        self.pg_url = pg_url.rstrip("/")
        self.data_dir = work / "data"
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.seed_db = "sigap_bench_seed"
        self.run_db = "sigap_bench_run"

    # -- databases ------------------------------------------------------------------
    def _url(self, which: str) -> str:
        if self.database == "sqlite":
            return f"sqlite:///{self.work / (which + '.sqlite3')}"
        return f"{self.pg_url}/{self.seed_db if which == 'seed' else self.run_db}"

    def _pg_admin(self, *statements: str) -> None:
        import psycopg  # in Sigap's venv; only needed for PostgreSQL

        with psycopg.connect(f"{self.pg_url}/postgres", autocommit=True) as conn:
            for statement in statements:
                conn.execute(statement)

    def env(self, which: str = "run") -> dict[str, str]:
        env = _clean_env()
        env.update(
            SIGAP_DATA_DIR=str(self.data_dir),
            SIGAP_ALLOWED_HOSTS="127.0.0.1,localhost",
            DATABASE_URL=self._url(which),
        )
        if self.src is not None:
            env["PYTHONPATH"] = str(self.src)
        return env

    def prepare(self, tickets: int) -> None:
        if self.database == "postgres":
            self._pg_admin(
                f"DROP DATABASE IF EXISTS {self.run_db}",
                f"DROP DATABASE IF EXISTS {self.seed_db}",
                f"CREATE DATABASE {self.seed_db}",
            )
        else:
            Path(self._url("seed").removeprefix("sqlite:///")).unlink(missing_ok=True)
        env = self.env("seed")
        subprocess.run(
            [sys.executable, "-m", "sigap", "migrate", "-v0"], env=env, check=True, cwd=self.work
        )
        out = subprocess.run(
            [sys.executable, str(self.seed_script), "--tickets", str(tickets)],
            env=env,
            check=True,
            cwd=self.work,
            capture_output=True,
            text=True,
        ).stdout
        self.info = json.loads(out.strip().splitlines()[-1])
        if self.database == "postgres":
            # Autovacuum would analyse a freshly loaded table within a minute in
            # production; do it now so every run sees the same plans.
            import psycopg

            with psycopg.connect(self._url("seed"), autocommit=True) as conn:
                conn.execute("VACUUM ANALYZE")

    def restore(self) -> None:
        if self.database == "postgres":
            self._pg_admin(
                f"DROP DATABASE IF EXISTS {self.run_db}",
                f"CREATE DATABASE {self.run_db} TEMPLATE {self.seed_db}",
            )
        else:
            sqlite_copy(
                Path(self._url("seed").removeprefix("sqlite:///")),
                Path(self._url("run").removeprefix("sqlite:///")),
            )

    def cleanup(self) -> None:
        if self.database == "postgres":
            self._pg_admin(
                f"DROP DATABASE IF EXISTS {self.run_db}",
                f"DROP DATABASE IF EXISTS {self.seed_db}",
            )

    # -- server and calls ---------------------------------------------------------
    def start(self) -> Server:
        return start_gunicorn(
            python=sys.executable,
            app="sigap.wsgi:application",
            env=self.env("run"),
            cwd=self.work,
            log=self.work / "gunicorn.log",
            probe="/healthz",
            extra=self.gunicorn_args,
        )

    def _auth(self) -> tuple[tuple[str, str], ...]:
        return (("Authorization", f"Bearer {self.info['token']}"),)

    def create_calls(self) -> dict[str, Call]:
        payload = {
            "kind": "incident",
            "title": "Unit {client}-{n} not updating",
            "category": "gps_unit.not_updating",
            "contact_id": self.info["contact_id"],
            "impact": "medium",
            "urgency": "high",
        }
        body = json.dumps(payload)
        headers = (*self._auth(), ("Content-Type", "application/json"))
        return {"create (API)": Call("POST", "/api/v1/tickets", body, headers, expect=201)}

    def list_calls(self, server: Server, count: int) -> list[ListCall]:
        auth = self._auth()
        first = Call("GET", "/api/v1/tickets", headers=auth)
        cursor = json.loads(request_once(server.port, first))["next_cursor"]
        return [
            ListCall("list: first page of 50", first, count),
            ListCall(
                "list: filtered",
                Call("GET", "/api/v1/tickets?status=new&kind=incident", headers=auth),
                count,
            ),
            ListCall(
                "list: page 2",
                Call("GET", f"/api/v1/tickets?cursor={cursor}", headers=auth),
                count,
            ),
        ]


def _datatables_path(filtering: dict[str, list[int]], start: int, search: str = "") -> str:
    """What the peer's staff ticket list page fetches (50 rows, its default sort);
    `search` is what its list page passes on from `?q=`."""
    query = {
        "filtering": filtering,
        "sorting": "created",
        "search_string": search,
        "sortreverse": False,
    }
    encoded = base64.b64encode(json.dumps(query).encode()).decode()
    return f"/datatables_ticket_list/{encoded}?draw=1&start={start}&length=50"


class PeerTarget(Target):
    """django-helpdesk 2.6.1 as built by /work/shared/peer/setup.sh (SQLite only)."""

    def __init__(
        self,
        *,
        work: Path,
        peer_dir: Path,
        list_requests: int,
        rest_requests: int,
        seed_args: tuple[str, ...] = (),
    ) -> None:
        super().__init__(key="peer", title="django-helpdesk (SQLite)", work=work)
        self.peer_dir = peer_dir
        self.site = peer_dir / "site"
        self.python = str(peer_dir / "venv" / "bin" / "python")
        self.base = self.site / "base.sqlite3"
        self.seed = work / "peer-seed.sqlite3"
        self.run = work / "peer-run.sqlite3"
        self.list_requests = list_requests
        self.rest_requests = rest_requests
        self.seed_args = seed_args  # more options for peer_seed.py
        # Any 32-character token works as Django's CSRF secret (cookie + header).
        self.csrf = secrets.token_hex(16)

    def check(self) -> None:
        if not (self.base.exists() and Path(self.python).exists()):
            raise SystemExit(
                f"{self.peer_dir} is not a built peer; run: bash /work/shared/peer/setup.sh "
                f"{self.peer_dir}"
            )
        has_gunicorn = subprocess.run(
            [self.python, "-c", "import gunicorn"], capture_output=True
        ).returncode
        if has_gunicorn != 0:
            # Same server as Sigap, so the comparison is of the applications only.
            subprocess.run(
                [self.python, "-m", "pip", "install", "-q", "gunicorn==23.0.0"], check=True
            )

    def env(self, db: Path) -> dict[str, str]:
        env = _clean_env()
        env.update(PEER_DB=str(db), DJANGO_SETTINGS_MODULE="peerdesk.settings")
        return env

    def prepare(self, tickets: int) -> None:
        self.check()
        sqlite_copy(self.base, self.seed)
        out = subprocess.run(
            [self.python, str(HERE / "peer_seed.py"), "--tickets", str(tickets), *self.seed_args],
            env=self.env(self.seed),
            cwd=self.site,
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        self.info = json.loads(out.strip().splitlines()[-1])

    def restore(self) -> None:
        sqlite_copy(self.seed, self.run)

    def start(self) -> Server:
        return start_gunicorn(
            python=self.python,
            app="peerdesk.wsgi:application",
            env=self.env(self.run),
            cwd=self.site,
            log=self.work / "peer-gunicorn.log",
            probe="/login/",
            extra=self.gunicorn_args,
        )

    def _staff(self) -> tuple[tuple[str, str], ...]:
        return (("Cookie", f"sessionid={self.info['sessionid']}; csrftoken={self.csrf}"),)

    def create_calls(self) -> dict[str, Call]:
        queue = self.info["queue_id"]
        api = json.dumps(
            {
                "queue": queue,
                "title": "Unit {client}-{n} not updating",
                "description": "The unit has not sent a position since this morning.",
                "submitter_email": "driver@example.com",
                "priority": 2,
            }
        )
        form = (
            f"csrfmiddlewaretoken={self.csrf}&queue={queue}&title=Unit+{{client}}-{{n}}+not+updating"
            "&body=The+unit+has+not+sent+a+position+since+this+morning."
            "&priority=2&submitter_email=driver%40example.com"
        )
        return {
            "create (API)": Call(
                "POST",
                "/api/tickets/",
                api,
                (
                    *self._staff(),
                    ("X-CSRFToken", self.csrf),
                    ("Content-Type", "application/json"),
                ),
                expect=201,
            ),
            "create (public form)": Call(
                "POST",
                "/tickets/submit/",
                form,
                (
                    ("Cookie", f"csrftoken={self.csrf}"),
                    ("Content-Type", "application/x-www-form-urlencoded"),
                ),
                expect=302,
            ),
        }

    def list_calls(self, server: Server, count: int) -> list[ListCall]:
        count = self.list_requests  # ~0.4 s each at 100,000 tickets: fewer than Sigap's
        staff = self._staff()
        open_tickets = {"status__in": [1, 2]}  # the staff list's default filter
        return [
            ListCall(
                "list: first page of 50",
                Call("GET", _datatables_path(open_tickets, 0), headers=staff),
                count,
            ),
            ListCall(
                "list: filtered",
                Call(
                    "GET",
                    _datatables_path({"status__in": [1], "priority__in": [1, 2]}, 0),
                    headers=staff,
                ),
                count,
            ),
            ListCall(
                "list: page 2",
                Call("GET", _datatables_path(open_tickets, 50), headers=staff),
                count,
            ),
            ListCall(
                "list: REST API, page of 50",
                Call("GET", "/api/tickets/?page_size=50", headers=staff),
                self.rest_requests,
                warmup=0,  # ~20 s each; the staff-list calls above warmed the workers
            ),
        ]


def remove_tree(path: Path) -> None:
    shutil.rmtree(path, ignore_errors=True)
