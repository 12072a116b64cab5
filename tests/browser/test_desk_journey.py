"""The desk in a real browser: an agent works a ticket from the queue to closure with
a technician acknowledging the escalation, logs a phone call, a vendor sees only its
escalation, and the desk switches to Indonesian and back.

With SIGAP_SCREENSHOTS=DIR the journey also saves the queue and the ticket page in
both languages there (docs/screenshots/ holds the ones the README shows).
"""

from __future__ import annotations

import os
import re
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from playwright.sync_api import Page, expect

from sigap.routing.models import Escalation, SupportGroup
from sigap.tickets.models import Ticket
from sigap.tickets.services import ticket_escalate
from tests.factories import (
    ContactFactory,
    OrganisationFactory,
    TicketFactory,
    UnitFactory,
    UserFactory,
    VehicleFactory,
)

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

PASSWORD = "secret-password"  # the factory's
# A Monday morning in office hours: the SLA clocks run while the journey does.
MONDAY = datetime(2026, 11, 23, 9, 0, tzinfo=ZoneInfo("Asia/Jakarta"))
SHOTS = os.environ.get("SIGAP_SCREENSHOTS")


@pytest.fixture
def frozen():
    # The server thread reads the same clock: the pages show this Monday.
    with time_machine.travel(MONDAY, tick=True):
        yield


@pytest.fixture
def world(frozen):
    agent = UserFactory(role="agent", username="rina", first_name="Rina", last_name="Wati")
    technician = UserFactory(role="specialist", username="tono", first_name="Tono")
    vendor_user = UserFactory(role="vendor", username="vendor-rma")
    SupportGroup.objects.get(code="customer_support").members.add(agent)
    SupportGroup.objects.get(code="technicians").members.add(technician)
    SupportGroup.objects.get(code="vendor").members.add(vendor_user)
    fleet = OrganisationFactory(name="PT Armada Nusantara")
    contact = ContactFactory(organisation=fleet, name="Budi Santoso", phone="+6281234567890")
    vehicle = VehicleFactory(organisation=fleet, plate="B 1234 XYZ")
    UnitFactory(vehicle=vehicle)
    ticket = TicketFactory(
        title="Unit B 1234 XYZ tidak update",
        contact=contact,
        organisation=fleet,
        vehicle=vehicle,
    )
    for_vendor = TicketFactory(title="Firmware FMB920 hang", contact=contact, organisation=fleet)
    ticket_escalate(
        ticket=for_vendor,
        by=agent,
        group=SupportGroup.objects.get(code="vendor"),
        reason="Perlu firmware baru",
    )
    return {"ticket": ticket, "for_vendor": for_vendor}


def sign_in(page: Page, username: str) -> None:
    page.goto("/desk/login/")
    page.get_by_label("User name").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Queues")


def sign_out(page: Page) -> None:
    page.get_by_role("button", name="Sign out").click()


def act(page: Page, action: str) -> None:
    """Open the action's panel on the ticket page."""
    page.locator(f'summary[data-action="{action}"]').click()


def scripts_ready(page: Page) -> None:
    """htmx and the desk's script run after the page is parsed: before a step that
    needs them, wait as a person would."""
    page.wait_for_load_state("load")
    page.wait_for_function("window.htmx && window.sigapShortcuts === true")


def done(page: Page, text: str) -> None:
    expect(page.locator(".messages")).to_contain_text(text)


def shoot(page: Page, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"), full_page=True)


def test_an_agent_works_a_ticket_through_escalation_to_closure(page: Page, world):
    ticket: Ticket = world["ticket"]
    sign_in(page, "rina")

    page.get_by_role("link", name=re.compile("^Unassigned")).click()
    row = page.locator("tr", has_text=ticket.number)
    expect(row).to_contain_text("PT Armada Nusantara")
    shoot(page, "queue-en")
    row.get_by_role("link", name=ticket.number).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(ticket.number)

    # Categorise: the cause is known once diagnosed.
    act(page, "categorise")
    panel = page.locator("#action-categorise")
    panel.get_by_label("Cause").select_option(
        label="Driver disconnected the unit (human error) (driver_disconnected)"
    )
    panel.get_by_role("button", name="Categorise").click()
    done(page, "Category changed.")

    # Prioritise: the new priority shows before saving.
    scripts_ready(page)
    act(page, "priority")
    panel = page.locator("#action-priority")
    panel.get_by_label("Impact").select_option("high")
    panel.get_by_label("Urgency").select_option("high")
    expect(panel.locator("#priority-preview")).to_contain_text("1 - Critical")
    panel.get_by_label("Reason").fill("Seluruh armada tidak terpantau")
    panel.get_by_role("button", name="Impact and urgency").click()
    done(page, "Priority changed.")
    expect(page.locator(".facts").first).to_contain_text("1 - Critical")

    # Assign to me by keyboard, then start work.
    scripts_ready(page)
    page.keyboard.press("a")
    done(page, "The ticket is yours.")
    page.get_by_role("button", name="Start work").click()
    done(page, "Work started.")

    act(page, "escalate")
    panel = page.locator("#action-escalate")
    panel.get_by_label("Functional (second line)").check()
    panel.get_by_label("To").select_option(label="Technicians (technicians)")
    panel.get_by_label("Reason").fill("Perlu kunjungan teknisi ke lokasi")
    panel.get_by_role("button", name="Escalate").click()
    done(page, "Escalated.")
    shoot(page, "ticket-en")

    # The technician takes the escalation on, fixes the unit and resolves.
    sign_out(page)
    sign_in(page, "tono")
    page.get_by_role("link", name=re.compile("^Escalated to me")).click()
    page.get_by_role("link", name=ticket.number).click()
    page.get_by_role("button", name="Acknowledge").click()
    done(page, "Escalation acknowledged")
    act(page, "resolve")
    panel = page.locator("#action-resolve")
    panel.get_by_label("Resolution").select_option("technician_visit")
    panel.get_by_label("What was done").fill("Konektor power diganti, unit kembali update.")
    panel.get_by_role("button", name="Resolve").click()
    done(page, "Ticket resolved.")
    page.get_by_role("button", name="Close").click()
    done(page, "Ticket closed.")

    ticket.refresh_from_db()
    assert ticket.status == "closed" and ticket.priority == 1
    assert ticket.support_group.code == "technicians"
    escalation = Escalation.objects.get(ticket=ticket, to_group__code="technicians")
    assert escalation.acknowledged_by.username == "tono"


def test_an_agent_logs_a_call_from_a_known_customer_by_phone_number(page: Page, world):
    sign_in(page, "rina")
    page.get_by_role("link", name="Log a call").click()
    scripts_ready(page)
    page.get_by_label("Phone number, plate or IMEI").fill("0812 3456 7890")
    caller = page.locator("#caller")
    expect(caller).to_contain_text("PT Armada Nusantara")  # found as the agent typed
    expect(caller).to_contain_text("Budi Santoso")
    page.get_by_label("What was said on the call").fill("Unit kedua juga mati sejak pagi.")
    page.get_by_label("Category").select_option("gps_unit.not_updating")
    page.get_by_label("Title").fill("Unit kedua tidak update")
    page.get_by_role("button", name="Log the call").click()
    done(page, "opened from it")
    created = Ticket.objects.get(title="Unit kedua tidak update")
    assert created.channel == "phone" and created.contact.name == "Budi Santoso"
    assert created.entries.filter(kind="call").count() == 1
    expect(page.get_by_role("heading", level=1)).to_contain_text(created.number)


def test_a_vendor_sees_only_its_escalation(page: Page, world):
    sign_in(page, "vendor-rma")
    page.get_by_role("link", name=re.compile("^Escalated to me")).click()
    rows = page.locator("tbody tr", has=page.locator("a[href*='/desk/tickets/']"))
    expect(rows).to_have_count(1)
    expect(rows).to_contain_text(world["for_vendor"].number)
    page.goto(f"/desk/tickets/{world['ticket'].number}/")
    expect(page.get_by_role("heading", level=1)).not_to_contain_text(world["ticket"].number)
    page.goto(f"/desk/tickets/{world['for_vendor'].number}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Firmware FMB920 hang")
    expect(page.locator(".customer")).to_have_count(0)  # no customer panel for a vendor


def test_the_desk_switches_to_indonesian_and_back(page: Page, world):
    sign_in(page, "rina")
    page.get_by_label("Language").select_option("id")
    page.get_by_role("button", name="Switch").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Antrean")
    page.get_by_role("link", name=re.compile("^Belum ditugaskan")).click()
    shoot(page, "queue-id")
    page.get_by_role("link", name=world["ticket"].number).click()
    expect(page.locator(".ticket-head")).to_contain_text("Prioritas")
    shoot(page, "ticket-id")
    page.get_by_label("Bahasa").select_option("en")
    page.get_by_role("button", name="Ganti").click()
    expect(page.locator(".ticket-head")).to_contain_text("Priority")
