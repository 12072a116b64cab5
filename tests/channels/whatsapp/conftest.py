from __future__ import annotations

import pytest
from huey.contrib.djhuey import HUEY

from tests.channels.whatsapp.fake_graph import FakeGraph
from tests.channels.whatsapp.payloads import APP_SECRET, VERIFY_TOKEN


@pytest.fixture(autouse=True)
def empty_task_schedule():
    HUEY.flush()  # retries another test scheduled
    yield
    HUEY.flush()


@pytest.fixture(autouse=True)
def whatsapp_settings(settings):
    settings.SIGAP_WHATSAPP_APP_SECRET = APP_SECRET
    settings.SIGAP_WHATSAPP_VERIFY_TOKEN = VERIFY_TOKEN
    settings.SIGAP_WHATSAPP_THREAD_HOURS = 72
    settings.SIGAP_WHATSAPP_ACCESS_TOKEN = ""
    settings.SIGAP_WHATSAPP_PHONE_NUMBER_ID = ""
    settings.SIGAP_WHATSAPP_API_BASE = "http://127.0.0.1:9/unreachable"


@pytest.fixture
def graph(settings):
    """The fake Graph API, running, and Sigap configured to use it."""
    fake = FakeGraph().start()
    settings.SIGAP_WHATSAPP_API_BASE = fake.base
    settings.SIGAP_WHATSAPP_ACCESS_TOKEN = fake.token
    settings.SIGAP_WHATSAPP_PHONE_NUMBER_ID = fake.phone_number_id
    yield fake
    fake.stop()
