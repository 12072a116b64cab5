"""Mail taken in end to end: the ticket it lands on, the text and files stored, who
sent it, what gets acknowledged, and that nothing is ever doubled."""

from __future__ import annotations

from email.message import EmailMessage

import pytest
from django.test import TestCase

from sigap.accounts.models import User
from sigap.channels.email.intake import Refused, take
from sigap.channels.models import Message, Quarantine
from sigap.customers.models import Contact
from sigap.tickets.models import Attachment, Cause, Ticket
from sigap.tickets.services import ticket_resolve, ticket_start
from tests.channels.email.samples import SUPPORT, corpus, corpus_names, mail
from tests.factories import ContactFactory, OrganisationFactory

pytestmark = pytest.mark.django_db

MALFORMED = ("27_malformed_no_from.eml", "28_malformed_not_email.eml")


def taken(raw: bytes, mailbox: str = SUPPORT):
    # The acknowledgement is queued on commit: let the test's commit callbacks run.
    with TestCase.captureOnCommitCallbacks(execute=True):
        return take(raw, source="test", mailbox=mailbox)


def acknowledgements() -> list[Message]:
    return list(Message.objects.filter(direction="out", automatic=True))


def test_the_whole_corpus_delivered_twice_is_stored_once():
    first = {}
    for name in corpus_names():
        if name not in MALFORMED:
            first[name] = taken(corpus(name))
    counts = (Ticket.objects.count(), Message.objects.count(), Attachment.objects.count())
    entries = sum(t.entries.count() for t in Ticket.objects.all())
    for name, received in first.items():
        again = taken(corpus(name))
        if received is None:
            assert again is None, name
        else:
            assert again.duplicate and again.message == received.message, name
    assert (Ticket.objects.count(), Message.objects.count(), Attachment.objects.count()) == counts
    assert sum(t.entries.count() for t in Ticket.objects.all()) == entries


def test_a_new_mail_opens_a_ticket_with_the_text_and_the_raw_message():
    received = taken(corpus("17_pdf_attachment_rfc2231.eml"))
    ticket = received.ticket
    assert ticket.number == "INC-000001" and ticket.channel == "email"
    assert ticket.title == "Permohonan ganti nopol B 1234 XYZ -> B 9087 TUV"
    assert ticket.description.startswith("Mohon nomor polisi B 1234 XYZ diganti")
    message = received.message
    assert message.sender == "rina@armada.co.id" and message.mailbox == SUPPORT
    assert message.external_id == "<plate-change-0017@armada.co.id>"
    files = {a.filename: a for a in ticket.attachments.all()}
    assert set(files) == {"message.eml", "STNK baru _ B 9087 TUV.pdf"}
    assert files["message.eml"].file.read() == corpus("17_pdf_attachment_rfc2231.eml")
    assert files["STNK baru _ B 9087 TUV.pdf"].file.read().startswith(b"%PDF-1.4")
    assert all(a.entry == message.entry for a in files.values())


def test_html_only_mail_is_stored_as_text_with_the_html_beside_it():
    received = taken(corpus("07_html_only.eml"))
    entry = received.message.entry
    assert "semua unit di pool Surabaya tidak muncul di peta" in entry.body
    assert "<" not in entry.body and "alert(" not in entry.body
    names = set(received.ticket.attachments.values_list("filename", flat=True))
    assert names == {"message.eml", "message.html"}


def test_an_oversized_attachment_is_refused_and_the_mail_still_stored(settings):
    settings.SIGAP_ATTACHMENT_MAX_BYTES = 50_000
    message = EmailMessage()
    message["From"] = "Budi Santoso <budi.santoso@armada.co.id>"
    message["To"] = SUPPORT
    message["Subject"] = "Video dashcam unit B 1234 XYZ"
    message["Message-ID"] = "<big@armada.co.id>"
    message.set_content("Rekaman dashcam saat GPS hilang, terlampir.")
    message.add_attachment(
        b"\x00\x01" * 40_000, maintype="video", subtype="mp4", filename="dashcam.mp4"
    )
    received = taken(message.as_bytes())
    assert received.message.entry.body == "Rekaman dashcam saat GPS hilang, terlampir."
    video = received.ticket.attachments.get(filename="dashcam.mp4")
    assert video.refused and not video.file and video.size == 80_000


def test_a_known_sender_is_the_tickets_contact():
    budi = ContactFactory(email="budi.santoso@armada.co.id", language="en")
    received = taken(mail(sender="BUDI.SANTOSO@armada.co.id"))
    assert received.ticket.contact == budi
    assert received.ticket.organisation == budi.organisation
    assert received.message.language == "en"


def test_an_unknown_sender_is_placed_by_the_domain_of_their_address():
    armada = OrganisationFactory(email_domain="armada.co.id")
    received = taken(mail(sender="Agus Salim <agus.salim@armada.co.id>"))
    contact = received.ticket.contact
    assert contact.email == "agus.salim@armada.co.id" and contact.name == "Agus Salim"
    assert contact.organisation == armada and not contact.is_verified
    assert received.ticket.organisation == armada


def test_a_customer_with_an_account_is_named_on_the_timeline():
    budi = ContactFactory(email="budi.santoso@armada.co.id")
    user = User.objects.create_user(username="budi", contact=budi, organisation=budi.organisation)
    received = taken(mail())
    assert received.message.entry.actor == user


def test_a_persons_new_ticket_is_acknowledged_once():
    received = taken(mail())
    [ack] = acknowledgements()
    assert ack.ticket == received.ticket and ack.recipient == "budi.santoso@armada.co.id"
    taken(mail())  # the same mail again
    reply = mail(message_id="<m2@armada.co.id>", subject=f"Re: [{received.ticket.number}] x")
    assert taken(reply).ticket == received.ticket
    assert len(acknowledgements()) == 1


@pytest.mark.parametrize("name", ["22_mailing_list.eml", "32_auto_generated_alert.eml"])
def test_list_and_machine_mail_opens_a_ticket_without_an_acknowledgement(name):
    received = taken(corpus(name))
    assert received.ticket is not None and not received.duplicate
    assert acknowledgements() == []


def test_an_out_of_office_reply_is_a_note_that_changes_nothing(django_user_model):
    agent = django_user_model.objects.create_user(username="agent")
    first = taken(mail())
    ticket = ticket_start(ticket=first.ticket, by=agent)
    cause = Cause.objects.filter(categories=ticket.category).first()
    ticket = ticket_resolve(
        ticket=ticket, by=agent, resolution_code="resolved_remotely", summary="ok", cause=cause
    )
    ooo = mail(
        message_id="<ooo@armada.co.id>",
        subject=f"Out of Office: [{ticket.number}] Unit",
        In_Reply_To=first.message.external_id,
        Auto_Submitted="auto-replied",
        body="Saya sedang cuti sampai 26 Januari.",
    )
    received = taken(ooo)
    ticket.refresh_from_db()
    assert received.ticket == ticket and ticket.status == "resolved"
    note = received.message.entry
    assert not note.public and note.kind == "note"
    assert "Saya sedang cuti sampai 26 Januari." in note.body
    assert Ticket.objects.count() == 1 and len(acknowledgements()) == 1


def test_an_out_of_office_reply_on_no_thread_is_kept_without_a_ticket():
    received = taken(corpus("18_ooo_rfc3834.eml"))
    assert received.ticket is None and received.message.entry is None
    assert received.message.body.startswith("Saya sedang cuti sampai 26 Januari 2026.")
    assert Ticket.objects.count() == 0 and acknowledgements() == []
    assert not Contact.objects.exists()  # a machine's answer creates no contact
    assert taken(corpus("18_ooo_rfc3834.eml")).duplicate


def test_sigaps_own_mail_is_not_taken_in():
    assert taken(corpus("34_sigap_own_mail.eml")) is None
    assert not Message.objects.exists() and not Ticket.objects.exists()


def test_a_mail_sigap_sent_coming_back_by_another_route_is_not_taken_in():
    first = taken(mail())
    [ack] = acknowledgements()
    Message.objects.filter(pk=ack.pk).update(external_id="<ack-1@sigap.localhost>")
    echoed = mail(sender="fleet-ops@armada.co.id", message_id="<ack-1@sigap.localhost>")
    assert taken(echoed) is None
    assert Ticket.objects.get() == first.ticket


def test_the_receiving_address_is_compared_without_case():
    first = taken(mail(), mailbox="Support@Sigap.LOCALHOST")
    assert first.message.mailbox == SUPPORT
    assert taken(mail(), mailbox=SUPPORT).duplicate


def test_the_same_id_at_another_of_sigaps_addresses_is_another_message():
    taken(mail())
    assert not taken(mail(), mailbox="billing@sigap.localhost").duplicate


def test_a_mail_without_message_id_delivered_twice_is_stored_once():
    first = taken(corpus("23_no_message_id.eml"))
    again = taken(corpus("23_no_message_id.eml").replace(b"\n", b"\r\n"))
    assert again.duplicate and again.message == first.message
    assert first.message.external_id.endswith("@sigap.invalid>")


def test_a_malformed_mail_is_quarantined_whole_and_refused():
    raw = corpus("27_malformed_no_from.eml")
    with pytest.raises(Refused) as caught:
        take(raw, source="pipe", mailbox=SUPPORT)
    item = Quarantine.objects.get(pk=caught.value.quarantine_id)
    assert bytes(item.raw) == raw and item.channel == "email"
    assert "no sender" in item.error and SUPPORT in item.source
    assert not Message.objects.exists() and not Ticket.objects.exists()
