"""Request a change: a request ticket, with the documents a data change needs."""

from __future__ import annotations

import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from sigap.tickets.models import Attachment, Ticket
from tests.factories import ContactFactory, OrganisationFactory, UserFactory, VehicleFactory
from tests.portal.helpers import signed_in


def stnk(content: bytes = b"%PDF-1.4 STNK baru") -> SimpleUploadedFile:
    return SimpleUploadedFile("STNK baru.pdf", content, content_type="application/pdf")


def ask(client, request_type: str, **fields):
    return client.post(
        f"/portal/request/{request_type}/", {"submission": str(uuid.uuid4()), **fields}
    )


@pytest.mark.django_db
def test_the_chooser_offers_each_kind_of_change(portal):
    page = portal.get("/portal/request/").content.decode()
    for kind in (
        "plate_change",
        "ownership_transfer",
        "unit_removal",
        "unit_relocation",
        "invoice_copy",
        "user_access",
    ):
        assert f'href="/portal/request/{kind}/"' in page
    assert portal.get("/portal/request/no_such_thing/").status_code == 404


@pytest.mark.django_db
def test_a_plate_change_with_its_document_logs_a_request_carrying_the_document(
    portal, customer, vehicle
):
    answer = ask(
        portal, "plate_change", vehicle=vehicle.pk, new_plate="b 5678 cd", documents=[stnk()]
    )
    ticket = Ticket.objects.get()
    assert answer["Location"] == f"/portal/tickets/{ticket.number}/"
    assert ticket.number == "REQ-000001" and ticket.kind == "request"
    assert ticket.channel == "portal" and ticket.created_by == customer
    assert ticket.contact == customer.contact and ticket.vehicle == vehicle
    assert ticket.category.code == "account.data_change"
    assert ticket.cause.code == "plate_changed"
    assert "B 1234 XYZ" in ticket.title and "B 5678 CD" in ticket.title
    assert "B 5678 CD" in ticket.description
    document = Attachment.objects.get()
    assert document.entry == ticket.entries.get() and document.entry.public
    assert document.filename == "STNK baru.pdf"
    assert document.file.read() == b"%PDF-1.4 STNK baru"

    page = portal.get(answer["Location"]).content.decode()
    assert "Your request is logged as REQ-000001" in page
    assert f'href="/portal/tickets/{ticket.number}/files/{document.pk}/"' in page


@pytest.mark.django_db
def test_a_plate_change_without_a_document_is_refused_next_to_the_field(portal, vehicle):
    answer = ask(portal, "plate_change", vehicle=vehicle.pk, new_plate="B 5678 CD")
    assert answer.status_code == 200
    assert "Attach the document that shows the change" in answer.content.decode()
    assert Ticket.objects.count() == 0


@pytest.mark.django_db
def test_a_new_plate_must_be_a_plate_and_a_different_one(portal, vehicle):
    bad = ask(portal, "plate_change", vehicle=vehicle.pk, new_plate="12345", documents=[stnk()])
    assert "is not an Indonesian plate number" in bad.content.decode()
    same = ask(portal, "plate_change", vehicle=vehicle.pk, new_plate="b1234xyz", documents=[stnk()])
    assert "This is the vehicle&#x27;s current plate." in same.content.decode()
    assert Ticket.objects.count() == 0 and Attachment.objects.count() == 0


@pytest.mark.django_db
def test_an_oversized_document_is_refused_on_the_form(portal, vehicle, settings):
    settings.SIGAP_ATTACHMENT_MAX_BYTES = 3 * 1024 * 1024
    answer = ask(
        portal,
        "ownership_transfer",
        vehicle=vehicle.pk,
        description="Pemilik baru: PT Maju",
        documents=[stnk(b"x" * (4 * 1024 * 1024))],
    )
    assert answer.status_code == 200
    assert "STNK baru.pdf is 4 MB; files may be at most 3 MB." in answer.content.decode()
    assert Ticket.objects.count() == 0 and Attachment.objects.count() == 0


@pytest.mark.django_db
def test_a_unit_removal_needs_one_of_the_organisations_vehicles(portal, stranger):
    other = VehicleFactory(organisation=stranger.organisation)
    missing = ask(portal, "unit_removal", description="Kontrak selesai")
    assert "Choose the vehicle this is about." in missing.content.decode()
    foreign = ask(portal, "unit_removal", vehicle=other.pk, description="Kontrak selesai")
    assert "Choose one of your organisation&#x27;s vehicles." in foreign.content.decode()
    assert Ticket.objects.count() == 0


@pytest.mark.django_db
def test_an_invoice_copy_asks_only_which_invoice(portal):
    page = portal.get("/portal/request/invoice_copy/").content.decode()
    assert 'name="vehicle"' not in page and 'name="documents"' not in page
    ask(portal, "invoice_copy", description="Invoice Maret 2026")
    ticket = Ticket.objects.get()
    assert ticket.category.code == "payment.invoice" and ticket.cause.code == "invoice_copy"
    assert ticket.description == "Invoice Maret 2026" and ticket.vehicle is None


@pytest.mark.django_db
def test_a_relocation_and_a_user_access_request_land_in_their_categories(portal, vehicle):
    ask(portal, "unit_relocation", vehicle=vehicle.pk, description="Pindah ke B 9 ZZ")
    ask(portal, "user_access", description="Akses untuk rina@armada.test")
    codes = sorted(Ticket.objects.values_list("category__code", flat=True))
    assert codes == ["account.access", "gps_unit.relocation"]


@pytest.mark.django_db
def test_a_refusal_by_the_desks_rules_is_shown_and_nothing_is_stored(db):
    # An account whose contact sits in another organisation: ticket_log refuses the link.
    organisation = OrganisationFactory()
    user = UserFactory(role="customer", organisation=organisation, contact=ContactFactory())
    answer = ask(signed_in(user), "user_access", description="Akses untuk Rina")
    assert answer.status_code == 200
    assert "does not belong to this ticket&#x27;s organisation" in answer.content.decode()
    assert Ticket.objects.count() == 0
