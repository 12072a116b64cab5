"""`sigap up` on a fresh data directory: migrate, admin, web + worker, clean stop."""

from __future__ import annotations

import json
import os
import signal
import socket
import sqlite3
import stat
import subprocess
import sys
import time
import urllib.request

import pytest


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(url: str, proc: subprocess.Popen, seconds: float = 90) -> dict:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"sigap up exited early with {proc.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2) as answer:
                return json.loads(answer.read())
        except OSError:
            time.sleep(0.25)  # polling a starting server, not waiting on behaviour
    raise AssertionError(f"{url} did not answer within {seconds}s")


def test_sigap_up_serves_and_stops_cleanly_on_ctrl_c(tmp_path):
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SIGAP_", "DJANGO_"))}
    env.pop("DATABASE_URL", None)
    env.pop("REDIS_URL", None)
    proc = subprocess.Popen(
        [sys.executable, "-m", "sigap", "up", "--port", str(port), "--workers", "1"],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        assert wait_for(f"http://127.0.0.1:{port}/healthz", proc) == {"status": "ok"}
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/openapi.json") as spec:
            assert json.loads(spec.read())["info"]["title"] == "Sigap API"
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/admin/login/") as login:
            assert login.status == 200
        os.killpg(proc.pid, signal.SIGINT)  # what Ctrl-C in a terminal does
        output, _ = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    assert proc.returncode == 0, output
    assert "username: admin" in output and "password: " in output
    assert "Sigap dihentikan." in output  # Indonesian is the default language
    with pytest.raises(OSError):
        urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2)

    data = tmp_path / "sigap-data"
    assert stat.S_IMODE((data / "secret_key").stat().st_mode) == 0o600
    with sqlite3.connect(data / "sigap.sqlite3") as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert (
            db.execute("SELECT count(*) FROM accounts_user WHERE is_superuser").fetchone()[0] == 1
        )


@pytest.mark.django_db
def test_the_admin_is_made_only_when_there_is_none():
    import io

    from sigap.core.management.commands.up import Command

    out = io.StringIO()
    command = Command(stdout=out)
    command._ensure_admin()
    command._ensure_admin()
    assert out.getvalue().count("username: admin") == 1
