from __future__ import annotations

import os

import pytest
from django.test import Client

from sigap.accounts.choices import Role
from sigap.accounts.services import api_token_create
from tests.factories import UserFactory


def pytest_report_header(config):
    from django.conf import settings

    return f"database: {settings.DATABASES['default']['ENGINE']} (CI={os.environ.get('CI', '')})"


def require_installed(what: str) -> None:
    """Stop a test that needs a system package the README's test command cannot install
    (dovecot, chromium): under CI that is a failure, on a developer's machine a skip
    that names what to install."""
    message = f"this test needs {what}"
    if os.environ.get("CI"):
        pytest.fail(message + "; CI installs it in .ci/run", pytrace=False)
    else:
        pytest.skip(message)


@pytest.fixture
def agent(db):
    return UserFactory(username="agent", role=Role.AGENT)


def api_client(user) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {api_token_create(user=user)}")


@pytest.fixture
def api(agent) -> Client:
    """An API client authenticated as a first-line agent."""
    return api_client(agent)


@pytest.fixture(autouse=True)
def fresh_reference_tables():
    """Each test's rows are rolled back without a signal; no copy may outlive them."""
    from sigap.core import reference

    reference.clear_all()
    yield
    reference.clear_all()


@pytest.fixture(autouse=True)
def english():
    """Tests read messages in English; tests of the Indonesian text switch it on themselves."""
    from django.utils import translation

    with translation.override("en"):
        yield


def database_url() -> str:
    """The test database as a DATABASE_URL, for Sigap run in another process."""
    from urllib.parse import quote

    from django.db import connection

    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    user = quote(db["USER"] or "", safe="")
    password = quote(db["PASSWORD"] or "", safe="")
    host, port = db["HOST"] or "localhost", db["PORT"] or 5432
    return f"postgres://{user}:{password}@{host}:{port}/{db['NAME']}"
