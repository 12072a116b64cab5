"""A WhatsApp customer gets the survey as a list of the five scores inside their
24-hour window, as the template with the link outside it; their choice comes back to
the webhook and is recorded as the answer, once, without touching any ticket."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.test import Client

from sigap.channels.models import Message
from sigap.comms.models import Survey
from sigap.tickets.models import Entry, Ticket
from tests.channels.whatsapp.payloads import CUSTOMER, delivery, message, post, text
from tests.comms.helpers import resolve_and_close, survey_path
from tests.factories import ContactFactory

pytestmark = pytest.mark.django_db

MONDAY = datetime.datetime(2026, 1, 5, 2, 0, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(MONDAY, tick=False) as traveller:
        yield traveller


def customer_writes(language: str = "en") -> Ticket:
    ContactFactory(phone="+" + CUSTOMER, language=language, name="Budi")
    assert post(delivery([text("wamid.IN1")])).status_code == 200
    return Message.objects.get(external_id="wamid.IN1").ticket


def list_reply(wamid: str, reply_id: str, title: str) -> dict:
    return message(
        wamid,
        "interactive",
        {"type": "list_reply", "list_reply": {"id": reply_id, "title": title}},
        context={"from": "15550783881", "id": "wamid.FAKE000001"},
    )


def test_inside_the_window_the_survey_is_an_interactive_list(
    graph, django_capture_on_commit_callbacks
):
    ticket = resolve_and_close(customer_writes(), django_capture_on_commit_callbacks)
    survey = Survey.objects.get(ticket=ticket)
    assert (survey.channel, survey.address) == ("whatsapp", CUSTOMER)
    [sent] = graph.sent
    rows = [
        {"id": f"survey:{survey.pk}:{score}", "title": title}
        for score, title in [
            (5, "5 - Definitely"),
            (4, "4 - Probably"),
            (3, "3 - Not sure"),
            (2, "2 - Probably not"),
            (1, "1 - Definitely not"),
        ]
    ]
    assert sent == {
        "messaging_product": "whatsapp",
        "recipient_type": "individual",
        "to": CUSTOMER,
        "type": "interactive",
        "interactive": {
            "type": "list",
            "body": {
                "text": f"Your ticket {ticket.number} is closed. Would you recommend us to "
                "others? Choose a score from 1 (definitely not) to 5 (definitely)."
            },
            "action": {
                "button": "Choose a score",
                "sections": [{"title": "Would you recommend us?", "rows": rows}],
            },
        },
    }
    survey.message.refresh_from_db()
    assert survey.message.status == "sent" and survey.message.template == ""


def test_outside_the_window_the_template_carries_the_link(
    graph, clock, django_capture_on_commit_callbacks
):
    ticket = customer_writes()
    clock.shift(datetime.timedelta(hours=25))
    resolve_and_close(ticket, django_capture_on_commit_callbacks)
    [sent] = graph.sent
    assert sent["type"] == "template"
    assert sent["template"]["name"] == "sigap_update_en"
    number, words = (p["text"] for p in sent["template"]["components"][0]["parameters"])
    assert number == ticket.number
    page = Client().get(survey_path(words))
    assert page.status_code == 200 and "Would you recommend us to others?" in page.content.decode()


def test_the_customers_choice_is_recorded_once_and_thanked_for(
    graph, django_capture_on_commit_callbacks
):
    ticket = resolve_and_close(customer_writes(), django_capture_on_commit_callbacks)
    survey = Survey.objects.get(ticket=ticket)
    tickets = Ticket.objects.count()
    choice = delivery([list_reply("wamid.ANSWER", f"survey:{survey.pk}:5", "5 - Definitely")])
    with django_capture_on_commit_callbacks(execute=True):
        answer = post(choice)
    assert answer.json()["received"] == 1
    survey.refresh_from_db()
    assert (survey.score, survey.answered_via, survey.answered_at) == (5, "whatsapp", MONDAY)
    stored = Message.objects.get(external_id="wamid.ANSWER")
    assert stored.ticket == ticket and stored.entry.changes == {"survey_score": [None, 5]}
    # The timeline is written in the desk's language (Indonesian unless configured).
    assert stored.entry.body == "Pelanggan menjawab survei: 5/5 (Pasti)."
    assert Ticket.objects.count() == tickets  # no ticket opened, none reopened
    ticket.refresh_from_db()
    assert ticket.status == "closed"
    thanks = graph.sent[-1]
    assert thanks["type"] == "text" and thanks["to"] == CUSTOMER
    assert thanks["text"]["body"] == "Thank you for your answer! It helps us serve you better."

    # Meta delivers the same message again: a duplicate, nothing changes.
    with django_capture_on_commit_callbacks(execute=True):
        assert post(choice).json()["duplicates"] == 1
    assert len(graph.sent) == 2

    # Another choice from the same list later: the first answer stands.
    with django_capture_on_commit_callbacks(execute=True):
        post(delivery([list_reply("wamid.AGAIN", f"survey:{survey.pk}:1", "1 - Definitely not")]))
    survey.refresh_from_db()
    assert (survey.score, survey.repeat_answers) == (5, 1)
    assert graph.sent[-1]["text"]["body"] == "You have already answered this survey. Thank you!"
    assert Entry.objects.filter(ticket=ticket, changes__has_key="survey_score").count() == 1


def test_a_survey_choice_from_someone_else_is_not_an_answer(
    graph, django_capture_on_commit_callbacks
):
    ticket = resolve_and_close(customer_writes(), django_capture_on_commit_callbacks)
    survey = Survey.objects.get(ticket=ticket)
    stranger = "6289999999999"
    forged = message(
        "wamid.FORGED",
        "interactive",
        {"type": "list_reply", "list_reply": {"id": f"survey:{survey.pk}:1", "title": "1"}},
        sender=stranger,
    )
    with django_capture_on_commit_callbacks(execute=True):
        post(delivery([forged], wa_id=stranger))
    survey.refresh_from_db()
    assert survey.answered_at is None
    # It is taken in as any message of that sender: a ticket of their own.
    assert Message.objects.get(external_id="wamid.FORGED").ticket.contact.whatsapp_id == stranger


def test_when_whatsapp_says_the_window_closed_the_template_goes_instead(
    graph, django_capture_on_commit_callbacks
):
    ticket = customer_writes()
    graph.window_closed.add(CUSTOMER)  # WhatsApp's clock disagrees with ours
    resolve_and_close(ticket, django_capture_on_commit_callbacks)
    assert [c.body["type"] for c in graph.calls] == ["interactive", "template"]
    message = Survey.objects.get(ticket=ticket).message
    message.refresh_from_db()
    assert (message.status, message.template) == ("sent", "sigap_update_en")
