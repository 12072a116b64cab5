from __future__ import annotations

import socket
import subprocess
import sys

import pytest


@pytest.mark.django_db
def test_healthz_is_ok_when_the_database_answers(client):
    answer = client.get("/healthz")
    assert answer.status_code == 200
    assert answer.json() == {"status": "ok"}


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_healthz_and_the_api_answer_503_when_the_database_is_down(tmp_path):
    # A real PostgreSQL URL pointing at a port where nothing listens.
    script = (
        "import django, json; django.setup();"
        "from django.test import Client;"
        "c = Client();"
        "h = c.get('/healthz');"
        "a = c.get('/api/v1/tickets', HTTP_AUTHORIZATION='Bearer sgp_x');"
        "print(json.dumps([h.status_code, h.json()['status'], a.status_code, a.json()['error'], a['Retry-After']]))"
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        env={
            "PATH": "/usr/bin:/bin",
            "DJANGO_SETTINGS_MODULE": "sigap.settings",
            "SIGAP_DATA_DIR": str(tmp_path),
            "SIGAP_ALLOWED_HOSTS": "testserver",
            "DATABASE_URL": f"postgres://sigap@127.0.0.1:{_closed_port()}/sigap",
        },
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == '[503, "unavailable", 503, "unavailable", "30"]'
