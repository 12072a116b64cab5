from __future__ import annotations

import threading

import pytest
from django.db import connection

from sigap.core import claim
from sigap.core.errors import ValidationFailed
from sigap.tickets.creation import ticket_create
from sigap.tickets.models import Category, Ticket
from tests.factories import ContactFactory, TicketFactory


@pytest.mark.django_db
def test_incidents_and_requests_are_numbered_from_separate_sequences():
    first_incident = TicketFactory(kind="incident")
    request = TicketFactory(
        kind="request", category=Category.objects.get(code="account.data_change")
    )
    second_incident = TicketFactory(kind="incident")

    assert first_incident.number == "INC-000001"
    assert second_incident.number == "INC-000002"
    assert request.number == "REQ-000001"


@pytest.mark.django_db
def test_numbering_works_on_a_sqlite_too_old_for_update_returning(monkeypatch):
    # Django allows SQLite 3.31; UPDATE ... RETURNING came with 3.35.
    monkeypatch.setattr(claim, "update_returning", lambda: False)
    assert [TicketFactory().number for _ in range(2)] == ["INC-000001", "INC-000002"]


@pytest.mark.django_db
def test_a_failed_creation_does_not_burn_a_number():
    TicketFactory()
    with pytest.raises(ValidationFailed):
        TicketFactory(title="")  # refused: no title
    assert TicketFactory().number == "INC-000002"


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_twenty_concurrent_creations_get_twenty_distinct_consecutive_numbers():
    contact = ContactFactory()
    category = Category.objects.get(code="gps_unit.not_updating")
    start = threading.Barrier(20)
    numbers: list[str] = []
    errors: list[BaseException] = []

    def create(i: int) -> None:
        try:
            start.wait()
            ticket = ticket_create(
                kind="incident",
                title=f"unit {i}",
                category=category,
                channel="api",
                contact=contact,
            )
            numbers.append(ticket.number)
        except BaseException as exc:  # surfaced in the assertion below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=create, args=(i,)) for i in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert errors == []
    assert sorted(numbers) == [f"INC-{n:06d}" for n in range(1, 21)]
    assert Ticket.objects.count() == 20
