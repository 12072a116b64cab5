"""Report a problem: an incident from the customer, on one of their own vehicles."""

from __future__ import annotations

import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from sigap.tickets.models import Attachment, Ticket
from tests.factories import VehicleFactory

URL = "/portal/report/"


def report(client, **fields):
    data = {
        "submission": str(uuid.uuid4()),
        "category": "gps_unit.not_updating",
        "vehicle": "",
        "scope": "one",
        "description": "Posisi tidak berubah sejak pagi.",
        **fields,
    }
    return client.post(URL, data)


@pytest.mark.django_db
def test_the_form_offers_incident_categories_and_only_the_organisations_vehicles(
    portal, vehicle, stranger
):
    other = VehicleFactory(organisation=stranger.organisation, plate="D 777 AB")
    page = portal.get(URL).content.decode()
    assert 'value="gps_unit.not_updating"' in page
    assert 'value="application.error"' in page
    assert 'value="gps_unit.removal"' not in page  # a request, not a problem
    assert "B 1234 XYZ" in page and other.plate not in page
    assert 'name="submission"' in page


@pytest.mark.django_db
def test_a_report_logs_an_incident_from_the_customer_through_the_portal(portal, customer, vehicle):
    answer = report(portal, vehicle=vehicle.pk)
    ticket = Ticket.objects.get()
    assert answer.status_code == 302
    assert answer["Location"] == f"/portal/tickets/{ticket.number}/"
    assert ticket.number == "INC-000001" and ticket.kind == "incident"
    assert ticket.channel == "portal"
    assert ticket.contact == customer.contact
    assert ticket.organisation == customer.organisation
    assert ticket.created_by == customer
    assert ticket.vehicle == vehicle
    assert ticket.category.code == "gps_unit.not_updating"
    assert ticket.description == "Posisi tidak berubah sejak pagi."
    assert "B 1234 XYZ" in ticket.title
    created = ticket.entries.get()
    assert created.via == "portal" and created.public and created.actor == customer

    page = portal.get(answer["Location"])
    assert b"Your report is logged as INC-000001" in page.content
    assert b"Posisi tidak berubah sejak pagi." in page.content


@pytest.mark.django_db
def test_a_screenshot_is_stored_on_the_reports_first_entry(portal):
    shot = SimpleUploadedFile("layar aplikasi.png", b"\x89PNG fake", content_type="image/png")
    report(portal, category="application.error", documents=[shot])
    ticket = Ticket.objects.get()
    attachment = Attachment.objects.get()
    assert attachment.ticket == ticket and attachment.entry == ticket.entries.get()
    assert attachment.filename == "layar aplikasi.png" and not attachment.refused
    assert attachment.file.read() == b"\x89PNG fake"


@pytest.mark.django_db
def test_missing_answers_are_shown_next_to_their_fields_and_nothing_is_logged(portal):
    answer = report(portal, category="", description="  ")
    assert answer.status_code == 200
    page = answer.content.decode()
    assert "Choose what is wrong." in page
    assert "Describe the problem." in page
    assert page.count('class="field has-error"') == 2
    assert Ticket.objects.count() == 0


@pytest.mark.django_db
def test_a_request_category_or_another_organisations_vehicle_is_refused(portal, stranger):
    other = VehicleFactory(organisation=stranger.organisation)
    answer = report(portal, category="gps_unit.removal", vehicle=other.pk)
    page = answer.content.decode()
    assert "Select a valid choice." in page
    assert "Choose one of your organisation&#x27;s vehicles." in page
    assert Ticket.objects.count() == 0


@pytest.mark.django_db
def test_a_file_over_the_size_limit_is_refused_on_the_form_before_anything_is_stored(
    portal, settings
):
    settings.SIGAP_ATTACHMENT_MAX_BYTES = 1024
    big = SimpleUploadedFile("video.mp4", b"x" * 2048, content_type="video/mp4")
    answer = report(portal, documents=[big])
    assert answer.status_code == 200
    assert "video.mp4 is 2 KB; files may be at most 1 KB." in answer.content.decode()
    assert Ticket.objects.count() == 0 and Attachment.objects.count() == 0


@pytest.mark.django_db
def test_the_same_form_submitted_twice_logs_one_ticket(portal):
    submission = str(uuid.uuid4())
    first = report(portal, submission=submission)
    second = report(portal, submission=submission)
    ticket = Ticket.objects.get()
    assert first["Location"] == second["Location"] == f"/portal/tickets/{ticket.number}/"
    assert ticket.entries.count() == 1


@pytest.mark.django_db
def test_a_failure_while_storing_leaves_no_half_written_ticket(portal, settings, tmp_path):
    blocker = tmp_path / "media"
    blocker.write_text("a file where the media directory should be")
    settings.MEDIA_ROOT = str(blocker)
    photo = SimpleUploadedFile("foto.jpg", b"jpeg", content_type="image/jpeg")
    with pytest.raises(OSError):
        report(portal, documents=[photo])
    assert Ticket.objects.count() == 0
    assert Attachment.objects.count() == 0


@pytest.mark.django_db
def test_a_whole_fleet_on_the_road_gone_silent_is_proposed_critical(portal, customer, vehicle):
    report(portal, vehicle=vehicle.pk, scope="all", moving="yes")
    ticket = Ticket.objects.get()
    assert (ticket.impact, ticket.urgency, ticket.priority) == ("high", "high", 1)


@pytest.mark.django_db
def test_one_parked_vehicle_is_proposed_low_and_the_scope_must_be_said(portal, vehicle):
    refused = report(portal, vehicle=vehicle.pk, scope="")
    assert refused.status_code == 200 and b"Say how many vehicles are affected." in refused.content
    assert not Ticket.objects.exists()
    report(portal, vehicle=vehicle.pk, scope="one", moving="no")
    ticket = Ticket.objects.get()
    assert (ticket.impact, ticket.urgency, ticket.priority) == ("low", "medium", 4)
