from __future__ import annotations

import pytest
from django.db import transaction

from sigap.demo.dataset import LoadResult, demo_load


@pytest.fixture(scope="package")
def demo(django_db_setup, django_db_blocker) -> LoadResult:
    """The data set, loaded once for this package (it takes seconds, not
    milliseconds). The load runs inside a transaction that is rolled back when the
    package is done, so no other test ever sees demo data; each test still runs in
    its own savepoint inside it, as pytest-django does."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield demo_load()
        transaction.set_rollback(True)
