"""A customer's journey through the portal in a real browser."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from sigap.tickets.models import Attachment, Ticket
from tests.factories import VehicleFactory
from tests.portal.helpers import PASSWORD, make_customer

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def sign_in(page: Page, username: str) -> None:
    page.goto("/portal/")
    expect(page).to_have_url(re.compile(r"/portal/login/"))
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Hello")


def test_sign_in_report_request_a_plate_change_see_both_and_reply(page: Page):
    customer = make_customer(username="budi", first_name="Budi")
    VehicleFactory(organisation=customer.organisation, plate="B 1234 XYZ")

    sign_in(page, "budi")

    page.get_by_role("link", name="Report a problem").first.click()
    page.get_by_label("What is wrong?").select_option("gps_unit.not_updating")
    page.get_by_label("Vehicle (plate)").select_option(label="B 1234 XYZ")
    page.get_by_label("Describe the problem").fill("Posisi tidak berubah sejak pagi.")
    page.get_by_role("button", name="Send the report").click()
    expect(page.get_by_role("status")).to_contain_text("INC-000001")

    page.get_by_role("link", name="Request a change").first.click()
    page.get_by_role("link", name=re.compile("^Plate change")).click()
    page.get_by_label("Vehicle (plate)").select_option(label="B 1234 XYZ")
    page.get_by_label("New plate number").fill("b 5678 cd")
    page.get_by_label("Documents").set_input_files(
        {"name": "stnk-baru.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4 STNK"}
    )
    page.get_by_role("button", name="Send the request").click()
    expect(page.get_by_role("status")).to_contain_text("REQ-000001")
    expect(page.get_by_role("link", name="stnk-baru.pdf")).to_be_visible()

    page.get_by_role("navigation").get_by_role("link", name="Tickets").click()
    rows = page.locator(".ticket-row")
    expect(rows).to_have_count(2)
    expect(rows.filter(has_text="REQ-000001")).to_contain_text("B 5678 CD")

    rows.filter(has_text="INC-000001").get_by_role("link").click()
    page.get_by_label("Your reply").fill("Sudah saya restart, masih mati.")
    page.get_by_role("button", name="Send the reply").click()
    expect(page.get_by_role("status")).to_contain_text("Your reply was added.")
    expect(page.locator(".timeline")).to_contain_text("Sudah saya restart, masih mati.")

    incident = Ticket.objects.get(number="INC-000001")
    request = Ticket.objects.get(number="REQ-000001")
    assert incident.channel == request.channel == "portal"
    assert incident.entries.filter(kind="comment", via="portal").count() == 1
    assert Attachment.objects.get().ticket == request


def test_a_plate_change_without_its_document_is_refused_next_to_the_field(page: Page):
    customer = make_customer(username="sari")
    VehicleFactory(organisation=customer.organisation, plate="D 1 AB")

    sign_in(page, "sari")
    page.goto("/portal/request/plate_change/")
    page.get_by_label("Vehicle (plate)").select_option(label="D 1 AB")
    page.get_by_label("New plate number").fill("D 2 AB")
    page.get_by_role("button", name="Send the request").click()
    expect(page.locator(".field.has-error")).to_contain_text("Attach the document")
    assert Ticket.objects.count() == 0


def test_the_language_switch_in_the_footer_turns_the_portal_indonesian(page: Page):
    customer = make_customer(username="rina")

    sign_in(page, "rina")
    page.get_by_role("button", name="Bahasa Indonesia").click()
    expect(page.locator("html")).to_have_attribute("lang", "id")
    customer.refresh_from_db()
    assert customer.language == "id"


def test_the_pages_fit_a_phone_screen(page: Page):
    customer = make_customer(username="dewi")
    VehicleFactory(organisation=customer.organisation, plate="B 9 ZZ")
    page.set_viewport_size({"width": 360, "height": 740})
    sign_in(page, "dewi")
    for path in (
        "/portal/",
        "/portal/report/",
        "/portal/request/plate_change/",
        "/portal/tickets/",
    ):
        page.goto(path)
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, path
