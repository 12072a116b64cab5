"""Playwright in Debian's chromium against the live server, one browser per module.

Chromium comes from `apt-get install chromium` (never `playwright install`). When it is
missing the tests skip, except under CI, where they fail and say so.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.db import DEFAULT_DB_ALIAS

from tests.conftest import require_installed
from tests.portal.helpers import portal_mounted

__all__ = ["portal_mounted"]

CHROMIUM = Path(os.environ.get("SIGAP_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]


@pytest.fixture(scope="module")
def browser(django_db_blocker) -> Iterator:
    if not CHROMIUM.exists():
        require_installed(f"Debian's chromium at {CHROMIUM} (apt-get install -y chromium)")
    from django.db import connections
    from playwright.sync_api import sync_playwright  # a test extra: always installed

    original = connections[DEFAULT_DB_ALIAS]
    # The database as the migrations left it, which serialized_rollback reloads before
    # each test here (see below).
    snapshot = getattr(original, "_test_serialized_contents", None)
    # Playwright's sync API keeps an event loop running in this thread, and Django
    # refuses ORM calls from a thread with a running loop unless told it is safe: the
    # test's own queries and the flush after each test run here too.
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        with sync_playwright() as playwright:
            # With a loop running, Django hands this thread another connection object
            # (asgiref keeps thread-critical locals per context then). Give it the
            # snapshot too, or the test case neither reloads it before a test nor keeps
            # the flush after one from re-creating content types under new ids.
            if snapshot is not None:
                connections[DEFAULT_DB_ALIAS]._test_serialized_contents = snapshot
            chromium = playwright.chromium.launch(
                executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
            )
            yield chromium
            chromium.close()
            connections.close_all()
    # The last test's flush emptied the tables: put the migrations' reference data
    # (categories, support groups, the priority matrix) back for the tests after these.
    if snapshot:
        with django_db_blocker.unblock():
            original.creation.deserialize_db_from_string(snapshot)


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, locale="en-US")
    context.set_default_timeout(15_000)
    page = context.new_page()
    yield page
    context.close()
