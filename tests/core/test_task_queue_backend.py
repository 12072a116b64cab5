"""The task queue is SQLite in the data dir by default and Redis when REDIS_URL is set."""

from __future__ import annotations

import os
import subprocess
import sys

SCRIPT = (
    "import django; django.setup();"
    "from huey.contrib.djhuey import HUEY;"
    "HUEY.put('sigap-test-key', 'round trip');"
    "print(type(HUEY).__name__, HUEY.get('sigap-test-key'))"
)


def run(tmp_path, **env: str) -> str:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("SIGAP_", "DJANGO_"))}
    base.pop("REDIS_URL", None)
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT],
        env={
            **base,
            "DJANGO_SETTINGS_MODULE": "sigap.settings",
            "SIGAP_DATA_DIR": str(tmp_path),
            **env,
        },
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_without_redis_url_tasks_queue_in_sqlite_in_the_data_dir(tmp_path):
    assert run(tmp_path) == "SqliteHuey round trip"
    assert (tmp_path / "tasks.sqlite3").exists()


def test_with_redis_url_tasks_queue_in_redis(tmp_path):
    # Needs the Redis server CI runs on 127.0.0.1:6379; fails (does not skip) without it.
    assert run(tmp_path, REDIS_URL="redis://127.0.0.1:6379/15") == "RedisHuey round trip"
    assert not (tmp_path / "tasks.sqlite3").exists()
