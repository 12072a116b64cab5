"""A photo, document or voice note is downloaded after the webhook answered, and kept."""

from __future__ import annotations

import pytest
from django.utils import timezone
from huey.contrib.djhuey import HUEY

from sigap.channels.models import Message
from sigap.tickets.models import Attachment
from tests.channels.whatsapp.payloads import delivery, message, post
from tests.channels.whatsapp.queue import run_due_retries

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.channels.whatsapp.urls")]

JPEG = b"\xff\xd8\xff\xe0 a photo of a dashboard"
PDF = b"%PDF-1.4 STNK scan"


def photo(wamid: str = "wamid.P1", media_id: str = "m-photo") -> dict:
    return message(wamid, "image", {"id": media_id, "mime_type": "image/jpeg", "caption": "Ini"})


def test_the_file_is_fetched_only_after_the_message_is_committed(
    graph, django_capture_on_commit_callbacks
):
    graph.media["m-photo"] = (JPEG, "image/jpeg")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = post(delivery([photo()]))
    assert response.status_code == 200
    # The webhook has answered; nothing was downloaded while it was being handled.
    assert graph.calls == [] and not Attachment.objects.exists()

    for callback in callbacks:
        callback()
    stored = Message.objects.get(external_id="wamid.P1")
    attachment = Attachment.objects.get()
    assert attachment.entry == stored.entry and attachment.ticket == stored.ticket
    assert attachment.content_type == "image/jpeg" and attachment.size == len(JPEG)
    assert attachment.filename == "image-m-photo.jpg"
    assert attachment.file.read() == JPEG


def test_both_graph_requests_carry_the_bearer_token(graph, django_capture_on_commit_callbacks):
    graph.media["m-photo"] = (JPEG, "image/jpeg")
    with django_capture_on_commit_callbacks(execute=True):
        post(delivery([photo()]))
    assert [(c.method, c.path) for c in graph.calls] == [
        ("GET", "/v21.0/m-photo"),
        ("GET", "/media/m-photo"),
    ]
    assert {c.authorization for c in graph.calls} == {f"Bearer {graph.token}"}


def test_a_document_keeps_its_own_safe_file_name(graph, django_capture_on_commit_callbacks):
    graph.media["m-doc"] = (PDF, "application/pdf")
    doc = {"id": "m-doc", "mime_type": "application/pdf", "filename": "../STNK B 1234.pdf"}
    with django_capture_on_commit_callbacks(execute=True):
        post(delivery([message("wamid.D1", "document", doc)]))
    attachment = Attachment.objects.get()
    assert attachment.filename == "STNK B 1234.pdf" and attachment.file.read() == PDF


def test_a_graph_failure_is_retried_until_the_file_arrives(
    graph, django_capture_on_commit_callbacks
):
    graph.media["m-photo"] = (JPEG, "image/jpeg")
    graph.fail_next(503)
    graph.fail_next(429, code=4, message="Application request limit reached")
    with django_capture_on_commit_callbacks(execute=True):
        assert post(delivery([photo()])).status_code == 200
    assert not Attachment.objects.exists() and len(graph.calls) == 1
    [retry] = HUEY.scheduled()
    assert retry.eta > timezone.now().replace(tzinfo=None)  # backing off, not hammering

    assert run_due_retries(minutes=5) == 2  # a 429, then the file
    assert Attachment.objects.get().file.read() == JPEG
    assert len(graph.calls) == 4


def test_a_file_whatsapp_no_longer_has_leaves_a_note_for_the_agents(
    graph, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        post(delivery([photo(media_id="m-gone")]))
    assert not Attachment.objects.exists()
    assert len(graph.calls) == 1  # a 4xx is not retried
    ticket = Message.objects.get(external_id="wamid.P1").ticket
    note = ticket.entries.get(kind="note")
    assert not note.public
    # A task writes in Sigap's own language (Indonesian), whatever the test runs in.
    assert "image-m-gone" in note.body and "Object m-gone not found" in note.body


def test_a_file_over_the_size_limit_is_recorded_as_refused(
    graph, settings, django_capture_on_commit_callbacks
):
    settings.SIGAP_ATTACHMENT_MAX_BYTES = 10
    graph.media["m-photo"] = (JPEG, "image/jpeg")
    with django_capture_on_commit_callbacks(execute=True):
        post(delivery([photo()]))
    attachment = Attachment.objects.get()
    assert attachment.refused and not attachment.file


def test_a_graph_api_down_for_hours_ends_in_a_note_not_a_lost_message(
    graph, django_capture_on_commit_callbacks
):
    for _ in range(8):
        graph.fail_next(503)
    with django_capture_on_commit_callbacks(execute=True):
        post(delivery([photo()]))
    run_due_retries(minutes=24 * 60)
    assert len(graph.calls) == 8 and HUEY.scheduled() == []
    stored = Message.objects.get(external_id="wamid.P1")
    assert stored.entry.body.startswith("Ini\n")  # the message itself was never in doubt
    assert "HTTP 503" in stored.ticket.entries.get(kind="note").body
