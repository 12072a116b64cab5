"""Test settings: Sigap's own settings with a throwaway data directory.

The database comes from DATABASE_URL as in production, so the same suite runs on
SQLite (default) and PostgreSQL (CI sets DATABASE_URL).
"""

import os
import tempfile

os.environ.setdefault("SIGAP_DATA_DIR", tempfile.mkdtemp(prefix="sigap-test-"))
os.environ.setdefault("SIGAP_SECRET_KEY", "test-only-secret-key-not-for-production-0123456789")

from sigap.settings import *  # noqa: F403
from sigap.settings import DATA_DIR, DATABASES, HUEY

if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # A file, not :memory:, so tests that use several connections at once
    # (concurrent ticket creation) see one database.
    DATABASES["default"]["TEST"] = {"NAME": str(DATA_DIR / "test.sqlite3")}

HUEY = {**HUEY, "immediate": True}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
SIGAP_TELEMETRY_GROUP_COMMIT = False  # tests write in the request, inside their transaction
SIGAP_TELEMETRY_TOKEN = "telemetry-test-token"
