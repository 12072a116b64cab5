from __future__ import annotations

import os
import stat
import subprocess
import sys

import pytest

from sigap.core.env import (
    ConfigError,
    Secret,
    env_bool,
    env_int,
    env_secret,
    secret_key_from_data_dir,
)


def sigap(*args: str, env: dict[str, str], cwd: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("SIGAP_", "DJANGO_"))}
    clean.pop("DATABASE_URL", None)
    return subprocess.run(
        [sys.executable, "-m", "sigap", *args],
        env={**clean, **env},
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_a_malformed_boolean_is_an_error_naming_the_variable(monkeypatch):
    monkeypatch.setenv("SIGAP_DEBUG", "ture")
    with pytest.raises(ConfigError, match="SIGAP_DEBUG"):
        env_bool("SIGAP_DEBUG")
    monkeypatch.setenv("SIGAP_DEBUG", "Yes")
    assert env_bool("SIGAP_DEBUG") is True


def test_a_malformed_number_is_an_error_naming_the_variable(monkeypatch):
    monkeypatch.setenv("SIGAP_WORKERS_TASKS", "two")
    with pytest.raises(ConfigError, match="SIGAP_WORKERS_TASKS"):
        env_int("SIGAP_WORKERS_TASKS", 2)


def test_a_secret_can_come_from_a_file_and_never_shows_in_a_repr(monkeypatch, tmp_path):
    path = tmp_path / "key"
    path.write_text("s3cret\n")
    monkeypatch.setenv("SIGAP_SECRET_KEY_FILE", str(path))
    monkeypatch.delenv("SIGAP_SECRET_KEY", raising=False)
    value = env_secret("SIGAP_SECRET_KEY")
    assert value == "s3cret"
    assert "s3cret" not in repr(Secret(value))
    monkeypatch.setenv("SIGAP_SECRET_KEY", "other")
    with pytest.raises(ConfigError, match="not both"):
        env_secret("SIGAP_SECRET_KEY")


def test_the_generated_secret_key_is_kept_private_and_stable(tmp_path):
    key = secret_key_from_data_dir(tmp_path)
    assert stat.S_IMODE((tmp_path / "secret_key").stat().st_mode) == 0o600
    assert secret_key_from_data_dir(tmp_path) == key
    assert len(key) >= 50


def test_the_cli_refuses_to_start_on_bad_configuration(tmp_path):
    bad_bool = sigap(
        "check", env={"SIGAP_DATA_DIR": str(tmp_path), "SIGAP_DEBUG": "maybe"}, cwd=str(tmp_path)
    )
    assert bad_bool.returncode == 2
    assert "SIGAP_DEBUG='maybe' is not a boolean" in bad_bool.stderr
    bad_db = sigap(
        "check",
        env={"SIGAP_DATA_DIR": str(tmp_path), "DATABASE_URL": "mysql://x/y"},
        cwd=str(tmp_path),
    )
    assert bad_db.returncode == 2
    assert "DATABASE_URL" in bad_db.stderr


def test_the_data_directory_defaults_to_sigap_data_in_the_working_directory(tmp_path):
    done = sigap("check", env={}, cwd=str(tmp_path))
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "sigap-data" / "secret_key").exists()
