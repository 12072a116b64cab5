"""Meta delivers at least once: the same message twice is stored once."""

from __future__ import annotations

import pytest

from sigap.channels.models import Message
from sigap.tickets.models import Entry, Ticket
from tests.channels.whatsapp.payloads import delivery, message, post, text

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.channels.whatsapp.urls")]


def test_the_same_delivery_twice_changes_nothing_and_is_answered_200():
    payload = delivery([text("wamid.1"), text("wamid.2", body="dan satu lagi")])
    first = post(payload)
    assert first.status_code == 200 and first.json()["received"] == 2
    counts = (Message.objects.count(), Ticket.objects.count(), Entry.objects.count())

    again = post(payload)
    assert again.status_code == 200
    assert again.json()["received"] == 0 and again.json()["duplicates"] == 2
    assert (Message.objects.count(), Ticket.objects.count(), Entry.objects.count()) == counts


def test_a_redelivered_message_inside_a_new_delivery_is_skipped_and_the_new_one_taken(graph):
    post(delivery([text("wamid.1")]))
    response = post(delivery([text("wamid.1"), text("wamid.3", body="baru")]))
    assert response.json()["received"] == 1 and response.json()["duplicates"] == 1
    assert Message.objects.filter(external_id="wamid.1").count() == 1


def test_a_redelivered_photo_is_not_fetched_twice(graph, django_capture_on_commit_callbacks):
    graph.media["m1"] = (b"\xff\xd8jpeg", "image/jpeg")
    payload = delivery([message("wamid.P", "image", {"id": "m1", "mime_type": "image/jpeg"})])
    with django_capture_on_commit_callbacks(execute=True):
        post(payload)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        post(payload)
    assert callbacks == []
    assert [c.path for c in graph.calls] == ["/v21.0/m1", "/media/m1"]
