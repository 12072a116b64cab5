"""`POST /hooks/email`: a raw mail pushed over HTTP with a shared-secret token."""

from __future__ import annotations

import pytest
from django.db import OperationalError, connection
from django.test import Client
from django.utils import translation

from sigap.channels.models import Message, Quarantine
from sigap.tickets.models import Ticket
from tests.channels.email.samples import corpus, mail

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.channels.email.urls")]

TOKEN = "hook-secret-0123456789"


@pytest.fixture(autouse=True)
def token(settings):
    settings.SIGAP_EMAIL_HOOK_TOKEN = TOKEN


@pytest.fixture
def client() -> Client:
    return Client(enforce_csrf_checks=True)  # a mail service has no CSRF cookie


def post(
    client,
    raw: bytes,
    *,
    query: str = "",
    auth: str | None = f"Bearer {TOKEN}",
    language: str = "en",
    **extra,
):
    # Messages come in the request's language (Indonesian unless asked otherwise).
    headers = {"HTTP_ACCEPT_LANGUAGE": language}
    if auth is not None:
        headers["HTTP_AUTHORIZATION"] = auth
    content_type = extra.pop("content_type", "message/rfc822")
    return client.post(f"/hooks/email{query}", raw, content_type=content_type, **headers, **extra)


def nothing_stored() -> bool:
    return not Message.objects.exists() and not Ticket.objects.exists()


def test_a_new_mail_answers_201_with_its_ticket(client):
    response = post(client, mail())
    assert response.status_code == 201
    body = response.json()
    assert body["stored"] is True and body["duplicate"] is False
    assert body["ticket"] == "INC-000001" and body["message_id"] == "<m1@armada.co.id>"
    assert Message.objects.get(direction="in").mailbox == "support@sigap.localhost"


def test_the_same_mail_again_answers_200_and_changes_nothing(client):
    post(client, mail())
    response = post(client, mail(), content_type="application/octet-stream")
    assert response.status_code == 200
    assert response.json()["duplicate"] is True and response.json()["ticket"] == "INC-000001"
    assert Message.objects.filter(direction="in").count() == 1


def test_the_token_may_come_in_the_query_and_name_the_mailbox(client):
    response = post(
        client, mail(), auth=None, query=f"?token={TOKEN}&mailbox=Sales@Sigap.localhost"
    )
    assert response.status_code == 201
    assert Message.objects.get(direction="in").mailbox == "sales@sigap.localhost"


@pytest.mark.parametrize(
    ("auth", "query"),
    [(None, ""), ("Bearer wrong", ""), (f"Basic {TOKEN}", ""), (None, "?token=wrong")],
)
def test_a_wrong_or_missing_token_answers_401_and_stores_nothing(client, auth, query):
    response = post(client, mail(), auth=auth, query=query)
    assert response.status_code == 401
    assert nothing_stored() and not Quarantine.objects.exists()


def test_an_unconfigured_hook_answers_503_saying_so(client, settings):
    settings.SIGAP_EMAIL_HOOK_TOKEN = ""
    response = post(client, mail(), auth="Bearer ")
    assert response.status_code == 503
    assert "SIGAP_EMAIL_HOOK_TOKEN" in response.json()["message"]
    assert nothing_stored()


def test_an_empty_body_answers_400_and_is_not_quarantined(client):
    response = post(client, b"")
    assert response.status_code == 400
    assert "empty" in response.json()["message"]
    assert not Quarantine.objects.exists()


def test_an_unparseable_body_answers_400_and_is_quarantined(client):
    raw = corpus("28_malformed_not_email.eml")
    response = post(client, raw)
    assert response.status_code == 400
    assert "no sender" in response.json()["message"]
    item = Quarantine.objects.get()
    assert bytes(item.raw) == raw and item.source == "support@sigap.localhost via hook"
    assert nothing_stored()


def test_another_content_type_answers_415(client):
    response = post(client, mail(), content_type="application/json")
    assert response.status_code == 415
    assert "message/rfc822" in response.json()["message"]
    assert nothing_stored()


def test_messages_are_in_the_language_the_sender_asks_for(client):
    response = post(client, b"", language="id")
    assert response.status_code == 400
    with translation.override("id"):
        expected = translation.gettext("The request body is empty: send the raw message.")
    assert response.json()["message"] == expected


def test_only_post_is_allowed(client):
    assert client.get(f"/hooks/email?token={TOKEN}").status_code == 405


def test_sigaps_own_mail_answers_200_not_stored(client):
    response = post(client, corpus("34_sigap_own_mail.eml"))
    assert response.status_code == 200 and response.json()["stored"] is False
    assert nothing_stored()


def test_a_mail_larger_than_djangos_form_limit_is_taken(client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 100_000
    body = "Log unit terlampir.\n" + ("B 1234 XYZ 06:10 offline\n" * 8_000)
    response = post(client, mail(body=body))
    assert response.status_code == 201


def test_a_database_failure_answers_503_so_the_sender_retries(client):
    def database_down(execute, sql, params, many, context):
        if sql.lstrip().upper().startswith(("SAVEPOINT", "RELEASE", "ROLLBACK")):
            return execute(sql, params, many, context)
        raise OperationalError("could not connect to server")

    with connection.execute_wrapper(database_down):
        response = post(client, mail())
    assert response.status_code == 503
    assert response["Retry-After"]
    assert nothing_stored()


def test_a_body_over_the_hooks_limit_answers_413_unread(client):
    response = post(client, mail(), CONTENT_LENGTH=str(200 * 1024 * 1024))
    assert response.status_code == 413
    assert nothing_stored() and not Quarantine.objects.exists()
