"""Canned replies: the ones a ticket is offered, their text filled in for it in the
customer's language, and texts with a placeholder the desk cannot fill refused."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from sigap.channels.canned import canned_for, canned_render, customer_language
from sigap.channels.models import CannedReply
from sigap.tickets.models import Category
from tests.factories import (
    CategoryFactory,
    ContactFactory,
    OrganisationFactory,
    TicketFactory,
    UserFactory,
    VehicleFactory,
)


def reply(**fields) -> CannedReply:
    categories = fields.pop("categories", [])
    values = {
        "title_en": "Battery check",
        "title_id": "Cek aki",
        "body_en": "Dear {customer}, about {ticket} ({plate}): check the battery. {agent}",
        "body_id": "Yth. {customer}, terkait {ticket} ({plate}): mohon cek aki. {agent}",
        **fields,
    }
    made = CannedReply.objects.create(**values)
    made.categories.set(categories)
    return made


@pytest.fixture
def agent(db):
    return UserFactory(first_name="Rina", last_name="Wijaya", role="agent")


@pytest.mark.django_db
def test_placeholders_are_filled_with_the_ticket_the_customer_and_the_agent(agent):
    organisation = OrganisationFactory(name="PT Armada Jaya")
    ticket = TicketFactory(
        contact=ContactFactory(name="Budi Santoso", organisation=organisation, language="en"),
        vehicle=VehicleFactory(plate="B 1234 XY", organisation=organisation),
    )
    text = canned_render(reply(), ticket=ticket, agent=agent, language="en")
    assert text == (
        f"Dear Budi Santoso, about {ticket.number} (B 1234 XY): check the battery. Rina Wijaya"
    )


@pytest.mark.django_db
def test_without_a_contact_the_organisation_is_addressed_and_a_missing_plate_is_left_out(agent):
    organisation = OrganisationFactory(name="PT Armada Jaya")
    ticket = TicketFactory(contact=None, organisation=organisation)
    text = canned_render(reply(), ticket=ticket, agent=agent, language="en")
    assert text.startswith("Dear PT Armada Jaya, about ") and "()" in text


@pytest.mark.django_db
def test_the_text_is_in_the_customers_language_whatever_the_agent_reads(agent):
    indonesian = TicketFactory(contact=ContactFactory(language="id"))
    english = TicketFactory(contact=ContactFactory(language="en"))
    nobody = TicketFactory(contact=None, organisation=OrganisationFactory())
    assert customer_language(indonesian) == "id"
    assert customer_language(english) == "en"
    assert customer_language(nobody) == "id"  # the site's language
    canned = reply()
    text = canned_render(
        canned, ticket=indonesian, agent=agent, language=customer_language(indonesian)
    )
    assert text.startswith("Yth. ") and "mohon cek aki" in text


@pytest.mark.django_db
def test_customer_data_is_inserted_as_it_is_never_read_as_a_placeholder(agent):
    ticket = TicketFactory(contact=ContactFactory(name="{agent} {0} {ticket.__class__} }{"))
    text = canned_render(reply(body_en="Hi {customer}!"), ticket=ticket, agent=agent, language="en")
    assert text == "Hi {agent} {0} {ticket.__class__} }{!"


@pytest.mark.django_db
def test_doubled_braces_show_a_brace():
    canned = reply(body_en="Use {{plate}} for the plate, {{ and }} for braces.")
    canned.full_clean()
    ticket = TicketFactory()
    text = canned_render(canned, ticket=ticket, agent=UserFactory(), language="en")
    assert text == "Use {plate} for the plate, { and } for braces."


@pytest.mark.django_db
@pytest.mark.parametrize(
    "body, named",
    [
        ("Dear {customer_name},", "{customer_name}"),
        ("Ticket {ticket.__class__}", "{ticket.__class__}"),
        ("Ticket {ticket!r}", "{ticket!r}"),
        ("Ticket {ticket:>20}", "{ticket:>20}"),
        ("Ticket {0}", "{0}"),
        ("Ticket {}", "{}"),
    ],
)
def test_a_placeholder_the_desk_cannot_fill_is_refused_by_name(body, named):
    canned = CannedReply(title_en="t", title_id="t", body_en=body, body_id="Tiket {ticket}")
    with pytest.raises(ValidationError) as refused:
        canned.full_clean()
    (message,) = refused.value.message_dict["body_en"]
    assert f"Unknown placeholder {named}" in message
    assert "body_id" not in refused.value.message_dict


@pytest.mark.django_db
@pytest.mark.parametrize("body", ["Ticket {ticket", "Ticket ticket}", "Ticket {{ticket}"])
def test_a_brace_without_its_pair_is_refused(body):
    canned = CannedReply(title_en="t", title_id="t", body_en="ok", body_id=body)
    with pytest.raises(ValidationError) as refused:
        canned.full_clean()
    (message,) = refused.value.message_dict["body_id"]
    assert "has no pair" in message and "Tiket" not in message and "Ticket" in message


@pytest.mark.django_db
def test_a_bad_text_cannot_be_saved_from_a_script_either():
    with pytest.raises(ValidationError):
        reply(body_en="Dear {name}")
    assert not CannedReply.objects.filter(body_en="Dear {name}").exists()


@pytest.mark.django_db
def test_a_ticket_is_offered_its_categorys_its_parents_and_the_general_replies_in_order():
    CannedReply.objects.all().delete()  # the seeded ones
    parent = CategoryFactory(code="fleet")
    child = CategoryFactory(code="fleet.late", parent=parent)
    sibling = CategoryFactory(code="fleet.other", parent=parent)
    general = reply(title_en="general", ordering=900)
    for_parent = reply(title_en="parent", ordering=20)
    for_child = reply(title_en="child", ordering=10, categories=[child])
    both = reply(title_en="both", ordering=30, categories=[child, parent])
    reply(title_en="sibling", categories=[sibling])
    reply(title_en="other tree", categories=[CategoryFactory(code="billing")])
    reply(title_en="switched off", is_active=False)
    for_parent.categories.set([parent])

    offered = list(canned_for(TicketFactory(category=child)))
    assert offered == [for_child, for_parent, both, general]
    on_parent = [r.title_en for r in canned_for(TicketFactory(category=parent))]
    assert on_parent == ["parent", "both", "general"]


@pytest.mark.django_db
def test_the_seeded_replies_are_valid_and_offered_where_agents_need_them():
    for seeded in CannedReply.objects.all():
        seeded.full_clean()
    assert CannedReply.objects.count() >= 6
    not_updating = Category.objects.get(code="gps_unit.not_updating")
    titles = [r.title_en for r in canned_for(TicketFactory(category=not_updating))]
    assert titles[0] == "Unit not updating: first checks"
    assert "Technician visit: asking for a time and place" in titles  # from gps_unit
    assert "Invoice corrected" not in titles
    invoice = Category.objects.get(code="payment.invoice")
    assert "Invoice corrected" in [r.title_en for r in canned_for(TicketFactory(category=invoice))]


@pytest.mark.django_db
def test_the_admin_names_the_unknown_placeholder_and_saves_nothing():
    admin = UserFactory(is_staff=True, is_superuser=True)
    client = Client()
    client.force_login(admin)
    before = CannedReply.objects.count()
    form = {
        "title_en": "Plate",
        "title_id": "Nopol",
        "body_en": "Your plate {vehicle.plate} is changed.",
        "body_id": "Nopol {plate} sudah diganti.",
        "ordering": 5,
        "is_active": "on",
    }
    answer = client.post("/admin/channels/cannedreply/add/", form)
    assert answer.status_code == 200
    assert "Unknown placeholder {vehicle.plate}" in answer.content.decode()
    assert CannedReply.objects.count() == before
    form["body_en"] = "Your plate {plate} is changed."
    assert client.post("/admin/channels/cannedreply/add/", form).status_code == 302
    listed = client.get("/admin/channels/cannedreply/", {"q": "plate"}).content.decode()
    assert "Nopol" in listed and "every category" in listed
