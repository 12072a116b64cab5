"""A customer whose ticket is closed gets one survey by e-mail, with a link to a page
that takes their score and comment once; the answer lands on the ticket's timeline."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.test import Client

from sigap.comms.models import Survey
from sigap.comms.tasks import survey_send_task
from sigap.tickets.models import Cause, Entry
from sigap.tickets.services import ticket_reopen, ticket_resolve
from tests.comms.helpers import resolve_and_close, survey_path
from tests.factories import ContactFactory, TicketFactory, UserFactory

pytestmark = pytest.mark.django_db

CLOSED = datetime.datetime(2026, 3, 2, 3, 0, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def clock():
    """Every test starts when the ticket is closed; `clock.shift` moves on."""
    with time_machine.travel(CLOSED, tick=False) as traveller:
        yield traveller


def closed_ticket(capture, language="en"):
    contact = ContactFactory(email="budi@armada.test", language=language, name="Budi")
    ticket = TicketFactory(channel="email", contact=contact, title="Unit B 1 XY offline")
    return resolve_and_close(ticket, capture)


def test_closing_a_ticket_mails_the_survey_with_a_working_link(
    smtp, django_capture_on_commit_callbacks
):
    ticket = closed_ticket(django_capture_on_commit_callbacks)
    [mail] = smtp.received
    assert mail.rcpt_tos == ["budi@armada.test"]
    message = mail.message
    assert message["Subject"] == f"[{ticket.number}] Would you recommend us?"
    text = message.get_content()
    assert text.startswith("Dear Budi,")
    assert ticket.number in text and "30 days" in text
    page = Client().get(survey_path(text))
    assert page.status_code == 200
    assert page["Content-Language"] == "en"
    body = page.content.decode()
    assert "Would you recommend us to others?" in body
    assert 'name="csrfmiddlewaretoken"' in body
    assert body.count('type="radio" name="score"') == 5
    survey = Survey.objects.get(ticket=ticket)
    assert (survey.channel, survey.address, survey.language) == ("email", "budi@armada.test", "en")
    assert survey.message.status == "sent"
    assert survey.answer_by == CLOSED + datetime.timedelta(days=30)
    sent_note = Entry.objects.get(ticket=ticket, action="survey")
    assert sent_note.body == "The satisfaction survey was sent by E-mail to budi@armada.test."
    assert not sent_note.public


def test_the_answer_is_recorded_once_and_lands_on_the_timeline(
    smtp, clock, django_capture_on_commit_callbacks
):
    ticket = closed_ticket(django_capture_on_commit_callbacks)
    path = survey_path(smtp.received[0].message.get_content())
    client = Client(enforce_csrf_checks=True)
    page = client.get(path)
    token = page.cookies["csrftoken"].value
    clock.shift(datetime.timedelta(days=2))
    answered_at = CLOSED + datetime.timedelta(days=2)
    answer = client.post(
        path, {"score": "4", "comment": "Cepat, terima kasih.", "csrfmiddlewaretoken": token}
    )
    assert answer.status_code == 303 and answer["Location"] == path
    thanks = client.get(path).content.decode()
    assert "Thank you for your answer!" in thanks
    assert "This survey has been answered: 4 out of 5." in thanks
    survey = Survey.objects.get(ticket=ticket)
    assert (survey.score, survey.comment, survey.answered_at, survey.answered_via) == (
        4,
        "Cepat, terima kasih.",
        answered_at,
        "email",
    )
    [note] = Entry.objects.filter(ticket=ticket, changes__has_key="survey_score")
    assert note.kind == "note" and not note.public and note.actor is None
    assert note.body == (
        "The customer answered the survey: 4/5 (Probably).\n\nCepat, terima kasih."
    )
    assert note.changes == {"survey_score": [None, 4]}

    # A second answer (another tab, a forwarded link) changes nothing.
    again = client.post(path, {"score": "1", "csrfmiddlewaretoken": token})
    assert again.status_code == 303
    assert "You have already answered this survey. Thank you!" in client.get(path).content.decode()
    survey.refresh_from_db()
    assert (survey.score, survey.repeat_answers) == (4, 1)
    assert Entry.objects.filter(ticket=ticket, changes__has_key="survey_score").count() == 1


def test_the_form_is_csrf_protected(smtp, django_capture_on_commit_callbacks):
    closed_ticket(django_capture_on_commit_callbacks)
    path = survey_path(smtp.received[0].message.get_content())
    refused = Client(enforce_csrf_checks=True).post(path, {"score": "5"})
    assert refused.status_code == 403
    assert Survey.objects.get().answered_at is None


def test_a_form_without_a_score_comes_back_with_the_reason(
    smtp, django_capture_on_commit_callbacks
):
    closed_ticket(django_capture_on_commit_callbacks)
    path = survey_path(smtp.received[0].message.get_content())
    page = Client().post(path, {"score": "9", "comment": "?"})
    assert page.status_code == 400
    assert "Your answer was not sent." in page.content.decode()
    assert Survey.objects.get().answered_at is None


def test_an_answer_after_30_days_is_refused_politely(
    smtp, clock, django_capture_on_commit_callbacks
):
    closed_ticket(django_capture_on_commit_callbacks)
    path = survey_path(smtp.received[0].message.get_content())
    clock.shift(datetime.timedelta(days=30, minutes=1))
    page = Client().get(path)
    assert "This survey closed on 1 April 2026" in page.content.decode()
    client = Client()
    assert client.post(path, {"score": "5"}).status_code == 303
    refusal = client.get(path).content.decode()
    assert "Thank you, but this survey closed on 1 April 2026" in refusal
    survey = Survey.objects.get()
    assert (survey.score, survey.answered_at, survey.late_answers) == (None, None, 1)


@pytest.mark.parametrize("token", ["forged:abc", "1", "x" * 40])
def test_a_forged_or_cut_link_is_not_found_with_a_clear_message(token):
    page = Client().get(f"/survey/{token}/", headers={"accept-language": "en"})
    assert page.status_code == 404
    assert "This survey link is not valid." in page.content.decode()
    indonesian = Client().get(f"/survey/{token}/", headers={"accept-language": "id"})
    assert "Tautan survei ini tidak berlaku." in indonesian.content.decode()


def test_a_signed_link_to_another_key_is_refused(smtp, django_capture_on_commit_callbacks):
    closed_ticket(django_capture_on_commit_callbacks)
    path = survey_path(smtp.received[0].message.get_content())
    key, _colon, signature = path.split("/")[2].partition(":")
    assert Client().get(f"/survey/{key}x:{signature}/").status_code == 404


def test_a_ticket_reopened_and_closed_again_is_surveyed_once(
    smtp, django_capture_on_commit_callbacks
):
    contact = ContactFactory(email="budi@armada.test")
    ticket = TicketFactory(channel="email", contact=contact)
    ticket = ticket_resolve(
        ticket=ticket,
        by=None,
        resolution_code="resolved_remotely",
        summary="Reset.",
        cause=Cause.objects.get(code="old_device"),
    )
    ticket_reopen(ticket=ticket, by=None, reason="Still offline.")
    resolve_and_close(ticket, django_capture_on_commit_callbacks)
    assert len(smtp.received) == 1
    # The closure announced again (a retried task, a replayed signal) sends nothing.
    with django_capture_on_commit_callbacks(execute=True):
        survey_send_task(ticket.pk)
    assert Survey.objects.filter(ticket=ticket).count() == 1
    assert len(smtp.received) == 1


def test_a_customer_in_indonesian_gets_it_in_indonesian(smtp, django_capture_on_commit_callbacks):
    ticket = closed_ticket(django_capture_on_commit_callbacks, language="id")
    survey = Survey.objects.get(ticket=ticket)
    assert survey.language == "id" and survey.message.language == "id"
    assert smtp.received[0].message["Content-Language"] == "id"
    page = Client().get(survey_path(smtp.received[0].message.get_content()))
    assert page["Content-Language"] == "id"
    english = Client().get(survey_path(smtp.received[0].message.get_content()) + "?lang=en")
    assert english["Content-Language"] == "en"


def test_a_customer_without_an_address_gets_no_survey(django_capture_on_commit_callbacks):
    contact = ContactFactory(email="", phone="")
    ticket = TicketFactory(channel="phone", contact=contact)
    resolve_and_close(ticket, django_capture_on_commit_callbacks)
    assert not Survey.objects.exists()


def test_the_desk_shows_the_survey_and_its_answer_on_the_timeline(
    smtp, django_capture_on_commit_callbacks
):
    ticket = closed_ticket(django_capture_on_commit_callbacks)
    path = survey_path(smtp.received[0].message.get_content())
    Client().post(path, {"score": "4", "comment": "Fast."})
    agent = Client()
    agent.force_login(UserFactory(role="agent", language="en"))
    page = agent.get(f"/desk/tickets/{ticket.number}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "The satisfaction survey was sent by E-mail to budi@armada.test." in html
    assert "Fast." in html
