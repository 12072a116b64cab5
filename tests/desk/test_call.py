"""The desk's "Log a call" screen: the agent finds the caller by phone, plate or IMEI,
then logs the call on an open ticket or opens a new ticket from it."""

from __future__ import annotations

import html
import re

import pytest

from sigap.channels.models import Message
from sigap.customers.models import Contact
from sigap.tickets.models import Entry, Ticket
from tests.desk.helpers import signed_in
from tests.factories import (
    ContactFactory,
    TicketFactory,
    UnitFactory,
    UserFactory,
    VehicleFactory,
)

NEW = "/desk/calls/new/"
CALLER = "/desk/calls/caller/"
CAUSES = "/desk/calls/causes/"
LOG = "/desk/calls/"


@pytest.fixture
def agent(db):
    return signed_in(UserFactory(role="agent"))


@pytest.fixture
def customer(db):
    """A known caller: their organisation, one vehicle with a unit, one open ticket."""
    contact = ContactFactory(
        name="Pak Budi", phone="+6281234567890", organisation__name="PT Armada Jaya"
    )
    vehicle = VehicleFactory(organisation=contact.organisation, plate="B 1234 XYZ")
    unit = UnitFactory(vehicle=vehicle)
    ticket = TicketFactory(contact=contact, title="Truk box tidak update")
    return {"contact": contact, "unit": unit, "ticket": ticket}


def text(answer) -> str:
    return html.unescape(answer.content.decode())


def call_id(page) -> str:
    return re.search(r'name="call_id" value="([0-9a-f-]{36})"', page.content.decode())[1]


def written() -> tuple[int, int, int, int]:
    return (
        Ticket.objects.count(),
        Entry.objects.count(),
        Message.objects.count(),
        Contact.objects.count(),
    )


@pytest.mark.django_db
@pytest.mark.parametrize("typed", ["0812 3456 7890", "+62 812-3456-7890", "6281234567890"])
def test_the_caller_is_found_by_any_usual_form_of_their_number(agent, customer, typed):
    answer = agent.get(CALLER, {"q": typed})
    assert answer.status_code == 200
    shown = text(answer)
    assert "PT Armada Jaya" in shown and "Pak Budi" in shown and "B 1234 XYZ" in shown
    number = customer["ticket"].number
    assert f'name="ticket" id="call-ticket-1" value="{number}"' in shown
    assert "Truk box tidak update" in shown
    # The number is filled in for the call, and a known number needs no name.
    assert 'name="phone" value="+6281234567890"' in shown
    assert 'name="name"' not in shown


@pytest.mark.django_db
def test_without_javascript_the_lookup_reloads_the_form_with_the_caller(agent, customer):
    page = agent.get(NEW, {"q": "0812-3456-7890"})
    assert page.status_code == 200
    shown = text(page)
    assert "PT Armada Jaya" in shown and customer["ticket"].number in shown
    assert 'name="q" value="0812-3456-7890"' in shown
    assert 'name="phone" value="+6281234567890"' in shown


@pytest.mark.django_db
def test_the_caller_is_found_by_plate(agent, customer):
    shown = text(agent.get(CALLER, {"q": "b1234xyz"}))
    assert "PT Armada Jaya" in shown and "Pak Budi" in shown
    assert customer["ticket"].number in shown
    # A plate is not the number they call from: the agent types that.
    assert 'name="phone" value=' not in shown


@pytest.mark.django_db
def test_the_caller_is_found_by_imei(agent, customer):
    shown = text(agent.get(CALLER, {"q": customer["unit"].imei}))
    assert "PT Armada Jaya" in shown and "B 1234 XYZ" in shown
    assert customer["ticket"].number in shown


@pytest.mark.django_db
def test_nobody_found_says_so_and_asks_for_the_name_with_the_typed_text_escaped(agent):
    answer = agent.get(CALLER, {"q": "<script>alert(1)</script>"})
    assert answer.status_code == 200
    raw = answer.content.decode()
    assert "<script>alert(1)</script>" not in raw
    assert "Nobody found for “&lt;script&gt;alert(1)&lt;/script&gt;”." in raw
    assert 'name="name"' in raw and "Caller&#x27;s name" in raw


@pytest.mark.django_db
def test_customer_text_in_a_contact_name_is_escaped(agent):
    ContactFactory(phone="+6281299990000", name='<img src=x onerror="alert(1)">')
    raw = agent.get(CALLER, {"q": "081299990000"}).content.decode()
    assert "<img src=x" not in raw
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in raw


@pytest.mark.django_db
def test_the_causes_shown_are_the_chosen_categorys_only(agent):
    shown = text(agent.get(CAUSES, {"category": "gps_unit.not_updating"}))
    assert "Vehicle in a blank-spot area (network)" in shown
    assert "Old device type" in shown
    assert "Vehicle sold" not in shown and "Customer forgot the ID or password" not in shown
    other = text(agent.get(CAUSES, {"category": "account.credentials"}))
    assert "Customer forgot the ID or password" in other and "Old device type" not in other


@pytest.mark.django_db
def test_causes_and_categories_are_in_the_agents_language(db):
    agent = signed_in(UserFactory(role="agent", language="id"))
    causes = text(agent.get(CAUSES, {"category": "gps_unit.not_updating"}))
    assert "Kendaraan di area blank spot (jaringan)" in causes
    assert "Vehicle in a blank-spot area" not in causes
    page = text(agent.get(NEW))
    assert '<option value="gps_unit.not_updating">Unit tidak update (delay)</option>' in page


@pytest.mark.django_db
def test_a_call_on_an_open_ticket_is_logged_there_as_its_first_response(agent, customer):
    ticket = customer["ticket"]
    assert ticket.first_response_at is None
    form = agent.get(NEW, {"q": "081234567890"})
    answer = agent.post(
        LOG,
        {
            "call_id": call_id(form),
            "q": "081234567890",
            "phone": "+6281234567890",
            "summary": "Unit sudah di-reset, mohon dicek lagi.",
            "ticket": ticket.number,
            "kind": "incident",
            "scope": "one",
        },
    )
    assert answer.status_code == 302 and answer["Location"] == f"/desk/tickets/{ticket.number}/"
    call = ticket.entries.get(kind="call")
    assert call.body == "Unit sudah di-reset, mohon dicek lagi." and call.via == "phone"
    ticket.refresh_from_db()
    assert ticket.first_response_at is not None
    page = text(agent.get(answer["Location"]))
    assert f"Call logged on {ticket.number}." in page
    assert "Unit sudah di-reset, mohon dicek lagi." in page


def new_ticket_call(page, **changes) -> dict[str, str]:
    data = {
        "call_id": call_id(page),
        "phone": "0812 3456 7890",
        "summary": "Semua unit tidak update, armada sedang jalan.",
        "ticket": "new",
        "kind": "incident",
        "category": "gps_unit.not_updating",
        "title": "Semua unit tidak update",
        "scope": "all",
        "moving": "on",
        "impact": "",
        "urgency": "",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


@pytest.mark.django_db
def test_a_call_opens_a_new_ticket_with_the_proposed_priority(agent, customer):
    answer = agent.post(LOG, new_ticket_call(agent.get(NEW)))
    assert answer.status_code == 302
    ticket = Ticket.objects.exclude(pk=customer["ticket"].pk).get()
    assert answer["Location"] == f"/desk/tickets/{ticket.number}/"
    assert ticket.channel == "phone" and ticket.contact == customer["contact"]
    assert ticket.organisation == customer["contact"].organisation
    # The whole fleet, on the road, with a unit not updating: proposed high and high.
    assert (ticket.impact, ticket.urgency, ticket.priority) == ("high", "high", 1)
    call = ticket.entries.get(kind="call")
    assert call.body == "Semua unit tidak update, armada sedang jalan."
    assert ticket.first_response_at is not None
    page = text(agent.get(answer["Location"]))
    assert f"Call logged; ticket {ticket.number} opened from it." in page


@pytest.mark.django_db
def test_one_vehicle_not_moving_is_proposed_lower(agent, customer):
    data = new_ticket_call(agent.get(NEW), scope="one", moving=None)
    agent.post(LOG, data)
    ticket = Ticket.objects.exclude(pk=customer["ticket"].pk).get()
    assert (ticket.impact, ticket.urgency, ticket.priority) == ("low", "medium", 4)


@pytest.mark.django_db
def test_a_call_from_an_unknown_number_makes_a_new_unverified_contact(agent):
    data = new_ticket_call(agent.get(NEW, {"q": "0813 1111 2222"}), phone="0813 1111 2222")
    data["name"] = "Bu Sari"
    assert agent.post(LOG, data).status_code == 302
    contact = Contact.objects.get(phone="+6281311112222")
    assert contact.name == "Bu Sari" and not contact.is_verified
    assert contact.tickets.count() == 1


@pytest.mark.django_db
def test_a_driver_found_by_plate_calling_from_a_new_number_joins_that_fleet(agent, customer):
    page = agent.get(NEW, {"q": "b 1234 xyz"})
    data = new_ticket_call(page, phone="0857 7777 8888", q="b 1234 xyz", scope="one")
    data["name"] = "Sopir Andi"
    assert agent.post(LOG, data).status_code == 302
    driver = Contact.objects.get(phone="+6285777778888")
    fleet = customer["contact"].organisation
    assert driver.organisation == fleet and not driver.is_verified
    assert driver.tickets.get().organisation == fleet


@pytest.mark.django_db
def test_submitting_the_same_form_twice_logs_one_call(agent, customer):
    data = new_ticket_call(agent.get(NEW))
    before = Ticket.objects.count()
    first = agent.post(LOG, data)
    again = agent.post(LOG, data)
    assert first.status_code == again.status_code == 302
    assert first["Location"] == again["Location"]
    assert Ticket.objects.count() == before + 1
    assert Entry.objects.filter(kind="call").count() == 1
    page = text(agent.get(again["Location"]))
    assert "This call was already logged on" in page


@pytest.mark.django_db
def test_each_form_shown_is_a_new_call(agent, customer):
    ticket = customer["ticket"]
    for _ in range(2):
        data = new_ticket_call(agent.get(NEW), ticket=ticket.number, category="", title="")
        data.update(kind="", scope="", moving="", summary="Menanyakan progres.")
        assert agent.post(LOG, data).status_code == 302
    assert ticket.entries.filter(kind="call").count() == 2


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"summary": ""}, "Say what was said on the call."),
        ({"phone": "12"}, "'12' is not a phone number."),
        ({"phone": ""}, "Type the number the customer is calling from."),
        ({"category": "no.such"}, "There is no such category: choose one from the list."),
        ({"title": ""}, "Give the new ticket a title."),
        (
            {"ticket": "", "title": "", "category": "", "kind": "", "moving": None},
            "Choose the open ticket the call is about, or fill in the new ticket it opens.",
        ),
        ({"ticket": "INC-999999"}, "There is no ticket INC-999999."),
        # Refused by the service, not the form: a request category on an incident.
        (
            {"category": "gps_unit.installation"},
            "Category gps_unit.installation is not used for Incident tickets.",
        ),
    ],
)
def test_wrong_input_is_refused_with_a_message_and_writes_nothing(
    agent, customer, changes, message
):
    data = new_ticket_call(agent.get(NEW), **changes)
    before = written()
    answer = agent.post(LOG, data)
    assert answer.status_code == 400
    shown = text(answer)
    assert message in shown and "The call was not logged." in shown
    assert written() == before
    # What was typed is kept, with the same call id, to correct and send again.
    assert f'value="{data["call_id"]}"' in shown
    assert "Semua unit tidak update" in shown


@pytest.mark.django_db
def test_a_call_on_a_cancelled_ticket_is_refused(agent, customer):
    from sigap.tickets.services import ticket_cancel

    ticket = customer["ticket"]
    ticket_cancel(ticket=ticket, by=UserFactory(role="agent"), reason="Duplikat.")
    data = {
        "call_id": call_id(agent.get(NEW)),
        "phone": "081234567890",
        "summary": "Halo",
        "ticket": ticket.number,
    }
    before = written()
    answer = agent.post(LOG, data)
    assert answer.status_code == 400
    assert "comments are no longer taken" in text(answer)
    assert written() == before


@pytest.mark.django_db
def test_a_vendor_gets_not_found_and_a_customer_is_refused(customer):
    vendor = signed_in(UserFactory(role="vendor"))
    data = {
        "call_id": "0b4f2a36-6a3e-4a55-9d0e-3f2d6c1e9b11",
        "phone": "081234567890",
        "summary": "Halo",
        "ticket": customer["ticket"].number,
    }
    before = written()
    for answer in (
        vendor.get(NEW),
        vendor.get(CALLER, {"q": "081234567890"}),
        vendor.get(CAUSES, {"category": "gps_unit.not_updating"}),
        vendor.post(LOG, data),
    ):
        assert answer.status_code == 404
        assert "PT Armada Jaya" not in text(answer)
    assert "Log a call" not in text(vendor.get("/desk/"))
    organisation = customer["contact"].organisation
    person = signed_in(
        UserFactory(role="customer", organisation=organisation, contact=customer["contact"])
    )
    assert person.get(NEW).status_code == 403
    assert person.get(CALLER, {"q": "081234567890"}).status_code == 403
    assert person.post(LOG, data).status_code == 403
    assert written() == before


@pytest.mark.django_db
def test_the_form_is_reachable_from_the_navigation_and_labels_every_control(agent):
    assert 'href="/desk/calls/new/"' in agent.get("/desk/").content.decode()
    page = agent.get(NEW).content.decode()
    controls = re.findall(r"<(?:input|select|textarea)\b[^>]*>", page)
    shown = [tag for tag in controls if 'type="hidden"' not in tag]
    ids = {re.search(r'\bid="([^"]+)"', tag)[1] for tag in shown}
    labelled = set(re.findall(r'<label[^>]*\bfor="([^"]+)"', page))
    assert len(ids) == len(shown) and ids <= labelled, ids - labelled


@pytest.mark.django_db
def test_a_form_sent_without_its_call_id_comes_back_with_a_new_one(agent, customer):
    data = new_ticket_call(agent.get(NEW))
    del data["call_id"]
    before = written()
    refused = agent.post(LOG, data)
    assert refused.status_code == 400
    assert "This form was out of date. Please check it and send it again." in text(refused)
    assert written() == before
    data["call_id"] = call_id(refused)
    assert agent.post(LOG, data).status_code == 302
    assert agent.post(LOG, data).status_code == 302
    assert Ticket.objects.count() == before[0] + 1


@pytest.mark.django_db
def test_the_caller_lookup_costs_the_same_queries_for_many_tickets(agent, customer):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert agent.get(CALLER, {"q": "081234567890"}).status_code == 200
        return len(captured)

    one = queries()
    contact = customer["contact"]
    for _ in range(5):
        TicketFactory(contact=contact)
        VehicleFactory(organisation=contact.organisation)
    assert queries() == one
