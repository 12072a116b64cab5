"""A vendor follows the signed link in the escalation e-mail, reads what it needs of the
ticket, replies and says its part is done, all without an account."""

from __future__ import annotations

import re
import uuid
from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.core import mail
from django.test import Client
from django.utils import timezone

from sigap.routing.models import Escalation, SupportGroup
from sigap.routing.vendor import vendor_link
from sigap.tickets.choices import EntryKind, Status, Via
from sigap.tickets.models import Entry, Ticket
from sigap.tickets.services import ticket_cancel, ticket_escalate, ticket_pend
from tests.factories import (
    ContactFactory,
    SupportGroupFactory,
    TicketFactory,
    UnitFactory,
    VehicleFactory,
)

LINK = re.compile(re.escape(settings.SIGAP_BASE_URL) + r"(/vendor/[^/\s]+/)")


@pytest.fixture
def vendor(db) -> SupportGroup:
    group = SupportGroup.objects.get(code="vendor")
    group.email = "rma@teltonika.test"
    group.save()
    return group


@pytest.fixture
def ticket(db) -> Ticket:
    contact = ContactFactory(name="Budi Santoso", email="budi@armada.test", phone="+628121234567")
    vehicle = VehicleFactory(organisation=contact.organisation, plate="B 1234 XYZ")
    return TicketFactory(contact=contact, unit=UnitFactory(vehicle=vehicle), title="Unit mati")


@pytest.fixture
def escalated(ticket, agent, vendor, django_capture_on_commit_callbacks) -> Escalation:
    """The ticket escalated to the vendor, with the escalation e-mail sent."""
    with django_capture_on_commit_callbacks(execute=True):
        ticket_escalate(ticket=ticket, by=agent, group=vendor, reason="RMA")
    return Escalation.objects.get(ticket=ticket, to_group=vendor)


@pytest.fixture
def link(escalated) -> str:
    """The path of the link in the vendor's e-mail."""
    (message,) = [m for m in mail.outbox if m.to == ["rma@teltonika.test"]]
    return LINK.search(message.body).group(1)


def reply(client: Client, link: str, body: str = "Unit diganti, RMA-77.", **fields):
    data = {"body": body, "submission": str(uuid.uuid4()), **fields}
    return client.post(link, data)


def vendor_entries(ticket: Ticket) -> list[Entry]:
    return list(Entry.objects.filter(ticket=ticket, via=Via.VENDOR, kind=EntryKind.COMMENT))


def sent_to(address: str) -> list:
    return [m for m in mail.outbox if m.to == [address]]


@pytest.mark.django_db
def test_the_mail_carries_a_signed_link_to_a_summary_without_the_customer(escalated, link):
    (message,) = sent_to("rma@teltonika.test")
    assert f"{settings.SIGAP_BASE_URL}{link}" in message.body

    ticket = escalated.ticket
    shown = [ticket.number, "Unit mati", "B 1234 XYZ", ticket.unit.imei, "Teltonika FMB920"]
    shown += ["RMA", ticket.category.name_en, ticket.get_priority_display()]  # in English
    page = Client().get(link + "?lang=en")
    assert page.status_code == 200
    html = page.content.decode()
    for text in shown:
        assert text in html
    for hidden in ("budi@armada.test", "Budi Santoso", "+628121234567"):
        assert hidden not in html
    assert page["Cache-Control"].count("no-store") == 1
    assert page["Referrer-Policy"] == "no-referrer"


@pytest.mark.django_db
def test_a_reply_lands_on_the_timeline_acknowledges_and_tells_the_desk(
    escalated, link, agent, django_capture_on_commit_callbacks
):
    assert escalated.next_reminder_at is not None
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        answer = reply(Client(), link + "?lang=en")
    assert answer.status_code == 303 and answer["Location"] == link + "?lang=en"

    (entry,) = vendor_entries(escalated.ticket)
    assert entry.body == "Unit diganti, RMA-77." and not entry.public and entry.actor is None
    assert entry.changes["vendor"] == [None, "vendor"]
    escalated.refresh_from_db()
    assert escalated.acknowledged_at is not None and escalated.acknowledged_by is None
    assert escalated.next_reminder_at is None and escalated.vendor_done_at is None

    (notice,) = mail.outbox
    assert notice.to == [agent.email] and "Unit diganti, RMA-77." in notice.body
    assert "Vendor replied" in notice.subject

    page = Client().get(answer["Location"]).content.decode()
    assert "Unit diganti, RMA-77." in page


@pytest.mark.django_db
def test_done_resumes_a_ticket_pending_for_the_vendor(
    escalated, link, agent, django_capture_on_commit_callbacks
):
    ticket = ticket_pend(ticket=escalated.ticket, by=agent, reason="vendor")
    assert ticket.sla_paused_at is not None
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        answer = reply(Client(), link, "Unit baru dikirim.", done="on")
    assert answer.status_code == 303

    ticket.refresh_from_db()
    assert ticket.status == Status.IN_PROGRESS and ticket.pending_reason == ""
    assert ticket.sla_paused_at is None  # the resolution clock runs again
    resume = Entry.objects.filter(ticket=ticket, action="resume").get()
    assert resume.via == Via.VENDOR and resume.actor is None
    escalated.refresh_from_db()
    assert escalated.vendor_done_at is not None
    (notice,) = mail.outbox
    assert "has done its part" in notice.subject and "in progress again" in notice.body


@pytest.mark.django_db
def test_replies_after_done_are_still_taken(escalated, link):
    client = Client()
    reply(client, link, "Selesai.", done="on")
    escalated.refresh_from_db()
    done_at = escalated.vendor_done_at
    assert reply(client, link, "Tambahan: firmware 03.29.").status_code == 303
    assert [e.body for e in vendor_entries(escalated.ticket)] == [
        "Selesai.",
        "Tambahan: firmware 03.29.",
    ]
    escalated.refresh_from_db()
    assert escalated.vendor_done_at == done_at


@pytest.mark.django_db
def test_the_same_submission_posted_twice_writes_once(escalated, link):
    client = Client()
    data = {"body": "Sudah dicek.", "submission": str(uuid.uuid4())}
    assert client.post(link, data).status_code == 303
    assert client.post(link, data).status_code == 303
    assert len(vendor_entries(escalated.ticket)) == 1


@pytest.mark.django_db
def test_an_empty_reply_is_refused_with_a_clear_message(escalated, link):
    answer = reply(Client(), link + "?lang=en", body="   ")
    assert answer.status_code == 400
    assert "Write your reply first." in answer.content.decode()
    assert vendor_entries(escalated.ticket) == []


def _nothing_written(escalation: Escalation, entries: int) -> None:
    assert Entry.objects.filter(ticket=escalation.ticket).count() == entries
    fresh = Escalation.objects.get(pk=escalation.pk)
    assert fresh.acknowledged_at is None and fresh.next_reminder_at is not None


@pytest.mark.django_db
def test_a_tampered_link_is_refused_and_writes_nothing(escalated, link):
    entries = Entry.objects.filter(ticket=escalated.ticket).count()
    token = link.split("/")[2]
    other_id = str(escalated.pk + 1)
    for bad in (
        token[:-1] + ("A" if token[-1] != "A" else "B"),
        other_id + token[len(str(escalated.pk)) :],
    ):
        client = Client()
        page = client.get(f"/vendor/{bad}/?lang=en")
        assert page.status_code == 403 and "This link is not valid" in page.content.decode()
        assert reply(client, f"/vendor/{bad}/").status_code == 403
    _nothing_written(escalated, entries)


@pytest.mark.django_db
def test_an_expired_link_is_refused_and_writes_nothing(escalated, link):
    entries = Entry.objects.filter(ticket=escalated.ticket).count()
    days = settings.SIGAP_VENDOR_LINK_DAYS
    with time_machine.travel(timezone.now() + timedelta(days=days - 1), tick=False):
        assert Client().get(link).status_code == 200
    with time_machine.travel(timezone.now() + timedelta(days=days, minutes=1), tick=False):
        client = Client()
        page = client.get(link + "?lang=en")
        assert page.status_code == 403
        text = page.content.decode()
        assert "This link has expired" in text and "ask the service desk for a new link" in text
        assert reply(client, link).status_code == 403
    _nothing_written(escalated, entries)


@pytest.mark.django_db
def test_a_link_to_an_escalation_that_is_not_to_a_vendor_is_refused(ticket, agent):
    ticket_escalate(ticket=ticket, by=agent, group=SupportGroupFactory(level="l2"), reason="Cek")
    functional = Escalation.objects.get(ticket=ticket)
    link = vendor_link(functional).removeprefix(settings.SIGAP_BASE_URL)
    assert Client().get(link).status_code == 403


@pytest.mark.django_db
def test_a_reply_on_a_cancelled_ticket_is_not_taken(escalated, link, agent):
    ticket_cancel(ticket=escalated.ticket, by=agent, reason="Pelanggan berhenti langganan")
    entries = Entry.objects.filter(ticket=escalated.ticket).count()
    answer = reply(Client(), link + "?lang=en")
    assert answer.status_code == 409
    text = answer.content.decode()
    assert "is closed" in text and "Your reply was not taken" in text
    assert Entry.objects.filter(ticket=escalated.ticket).count() == entries
    assert 'name="body"' not in text


@pytest.mark.django_db
def test_csrf_protects_the_form(escalated, link):
    client = Client(enforce_csrf_checks=True)
    assert reply(client, link).status_code == 403
    assert vendor_entries(escalated.ticket) == []
    page = client.get(link).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    assert reply(client, link, csrfmiddlewaretoken=token).status_code == 303
    assert len(vendor_entries(escalated.ticket)) == 1


@pytest.mark.django_db
def test_the_page_speaks_english_when_asked_and_indonesian_by_default(escalated, link):
    english = Client().get(link + "?lang=en").content.decode()
    assert '<html lang="en">' in english and "Our part is done" in english
    assert '<html lang="id">' in Client().get(link).content.decode()
    assert '<html lang="en">' in Client(HTTP_ACCEPT_LANGUAGE="en").get(link).content.decode()
    assert (
        '<html lang="id">'
        in Client(HTTP_ACCEPT_LANGUAGE="en").get(link + "?lang=id").content.decode()
    )


@pytest.mark.django_db
def test_the_admin_sends_a_vendor_a_fresh_link(admin_client, agent):
    vendor = SupportGroup.objects.get(code="vendor")
    vendor.email = "rma@vendor.test"
    vendor.save()
    ticket = ticket_escalate(ticket=TicketFactory(), by=agent, group=vendor, reason="RMA")
    escalation = Escalation.objects.get(ticket=ticket)
    answer = admin_client.post(
        "/admin/routing/escalation/",
        {"action": "resend_to_group", "_selected_action": [escalation.pk]},
    )
    assert answer.status_code == 302
    (message,) = mail.outbox
    assert message.to == ["rma@vendor.test"] and "/vendor/" in message.body
