"""On a ticket an agent picks a canned reply and gets the reply box back holding its
text, filled in for the ticket in the customer's language; a vendor gets nothing."""

from __future__ import annotations

import re

import pytest

from sigap.channels.canned import canned_for
from sigap.channels.models import CannedReply
from sigap.routing.models import SupportGroup
from sigap.tickets.services import ticket_escalate
from tests.desk.helpers import signed_in
from tests.factories import ContactFactory, TicketFactory, UserFactory, VehicleFactory


def reply_box(html: str) -> str:
    """The opening tag of the reply textarea (the page has others for its actions)."""
    (tag,) = re.findall(r'<textarea name="body"[^>]*>', html)
    return tag


@pytest.fixture
def agent(db):
    # Reads the desk in Indonesian; the customer below reads English.
    return UserFactory(first_name="Rina", last_name="Wijaya", role="agent", language="id")


@pytest.fixture
def ticket(db):
    contact = ContactFactory(name="Budi <b>Santoso</b> & Co", language="en")
    vehicle = VehicleFactory(plate="B 1234 XY", organisation=contact.organisation)
    return TicketFactory(contact=contact, vehicle=vehicle)


@pytest.fixture
def battery(db):
    made = CannedReply.objects.create(
        title_en="Check the battery",
        title_id="Cek aki kendaraan",
        body_en="Dear {customer}, about {ticket} ({plate}): please check the battery.\n{agent}",
        body_id="Yth. {customer}, terkait {ticket}: mohon cek aki.\n{agent}",
        ordering=1,
    )
    return made


@pytest.mark.django_db
def test_the_agent_picks_from_titles_in_their_own_language(agent, ticket, battery):
    answer = signed_in(agent).get(f"/desk/tickets/{ticket.number}/canned/")
    assert answer.status_code == 200
    html = answer.content.decode()
    assert '<label for="canned-choice">' in html and '<select id="canned-choice"' in html
    assert f'<option value="{battery.pk}">Cek aki kendaraan</option>' in html
    assert "Check the battery" not in html
    # Also a seeded one meant for this category, and none for another category.
    assert "Unit tidak update: pengecekan awal" in html and "Tagihan sudah dikoreksi" not in html
    assert f'hx-get="/desk/tickets/{ticket.number}/canned/"' in html
    assert 'hx-target="#id_body"' in html


@pytest.mark.django_db
def test_the_chosen_reply_comes_back_as_the_reply_box_in_the_customers_language(
    agent, ticket, battery
):
    client = signed_in(agent)
    answer = client.get(f"/desk/tickets/{ticket.number}/canned/{battery.pk}/")
    assert answer.status_code == 200
    html = answer.content.decode()
    assert html.startswith("<textarea") and html.endswith("</textarea>")
    assert html.count("<textarea") == 1
    assert (
        f"Dear Budi &lt;b&gt;Santoso&lt;/b&gt; &amp; Co, about {ticket.number} (B 1234 XY): "
        "please check the battery.\nRina Wijaya</textarea>"
    ) in html
    assert "<b>" not in html and "Yth." not in html
    # The same box the page draws, so its label still names it; focus moves into it.
    page = client.get(f"/desk/tickets/{ticket.number}/").content.decode()
    assert reply_box(html).replace(" autofocus", "") == reply_box(page)
    assert 'id="id_body"' in reply_box(html) and '<label for="id_body">' in page


@pytest.mark.django_db
def test_the_picker_form_lands_on_the_chosen_reply(agent, ticket, battery):
    client = signed_in(agent)
    answer = client.get(f"/desk/tickets/{ticket.number}/canned/", {"canned": battery.pk})
    assert answer.status_code == 302
    assert answer["Location"] == f"/desk/tickets/{ticket.number}/canned/{battery.pk}/"
    assert client.get(f"/desk/tickets/{ticket.number}/canned/", {"canned": "x"}).status_code == 404


@pytest.mark.django_db
def test_a_reply_the_ticket_is_not_offered_cannot_be_had(agent, ticket, battery):
    battery.is_active = False
    battery.save()
    client = signed_in(agent)
    assert client.get(f"/desk/tickets/{ticket.number}/canned/{battery.pk}/").status_code == 404
    assert "Cek aki" not in client.get(f"/desk/tickets/{ticket.number}/canned/").content.decode()


@pytest.mark.django_db
def test_a_vendor_gets_neither_the_list_nor_a_reply_even_on_its_own_ticket(agent, ticket, battery):
    vendor = UserFactory(role="vendor")
    group = SupportGroup.objects.get(code="vendor")
    group.members.add(vendor)
    ticket_escalate(ticket=ticket, by=agent, group=group, reason="RMA please")
    client = signed_in(vendor)
    assert client.get(f"/desk/tickets/{ticket.number}/").status_code == 200  # it sees the ticket
    listed = client.get(f"/desk/tickets/{ticket.number}/canned/")
    got = client.get(f"/desk/tickets/{ticket.number}/canned/{battery.pk}/")
    assert listed.status_code == 404 and got.status_code == 404
    assert b"Budi" not in got.content and b"battery" not in got.content


@pytest.mark.django_db
def test_the_list_costs_the_same_queries_however_many_replies(
    agent, ticket, django_assert_max_num_queries
):
    client = signed_in(agent)
    client.get(f"/desk/tickets/{ticket.number}/canned/")  # the session and the user's roles
    for n in range(20):
        CannedReply.objects.create(title_en=f"r{n}", title_id=f"r{n}", body_en="x", body_id="x")
    with django_assert_max_num_queries(5):
        answer = client.get(f"/desk/tickets/{ticket.number}/canned/")
    assert answer.content.decode().count("<option") == len(canned_for(ticket)) > 20


@pytest.mark.django_db
def test_without_javascript_the_ticket_page_opens_with_the_chosen_reply_filled_in(
    agent, ticket, battery
):
    html = signed_in(agent).get(f"/desk/tickets/{ticket.number}/", {"canned": battery.pk})
    html = html.content.decode()
    assert '<select id="canned-choice"' in html  # the picker is on the page itself
    box = html[html.index('<textarea name="body"') :]
    box = box[: box.index("</textarea>")]
    # In the customer's language (English), the customer's name escaped.
    assert "Dear Budi &lt;b&gt;Santoso&lt;/b&gt; &amp; Co, about" in box
    assert f"{ticket.number} (B 1234 XY): please check the battery." in box
