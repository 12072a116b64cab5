"""Fixtures of the survey and broadcast tests: the channel tests' real SMTP server and
fake Graph API, and the task schedule emptied around each test."""

from __future__ import annotations

import pytest
from huey.contrib.djhuey import HUEY

from tests.channels.email.servers import SmtpServer
from tests.channels.recording import recorded  # noqa: F401 (a fixture)
from tests.channels.whatsapp.conftest import graph, whatsapp_settings  # noqa: F401 (fixtures)


@pytest.fixture(autouse=True)
def empty_task_schedule():
    HUEY.flush()  # batches and retries another test scheduled
    yield
    HUEY.flush()


@pytest.fixture
def smtp(settings):
    with SmtpServer() as server:
        settings.SIGAP_SMTP_URL = server.url
        yield server
