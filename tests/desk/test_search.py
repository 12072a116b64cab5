"""The desk's search page: results as a table, straight to a ticket named by its
number, clear words for an empty query or no match, the query shown escaped, paging,
and a query count that does not grow with the results."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from django.db import connection

from sigap.accounts.choices import Role
from sigap.accounts.models import User
from sigap.routing.models import SupportGroup
from sigap.tickets.models import Category
from sigap.tickets.services import ticket_assign, ticket_escalate
from tests.desk.helpers import at, signed_in
from tests.factories import ContactFactory, TicketFactory, UserFactory

MONDAY = datetime(2026, 3, 2, 3, 0, tzinfo=UTC)
NUMBER = re.compile(r'href="/desk/tickets/((?:INC|REQ)-\d+)/"')


def numbers(answer) -> list[str]:
    return NUMBER.findall(answer.content.decode())


@pytest.fixture
def rina(db) -> User:
    return UserFactory(username="rina", role=Role.AGENT)


@pytest.mark.django_db
def test_the_results_are_listed_with_the_query_kept_in_the_box(rina):
    with at(MONDAY):
        relay = TicketFactory(title="Relay mesin rusak", impact="low", urgency="low")
        TicketFactory(title="Tagihan bulan Maret")
        answer = signed_in(rina).get("/desk/search/", {"q": "relay"})
    page = answer.content.decode()
    assert answer.status_code == 200
    assert numbers(answer) == [relay.number]
    assert "Relay mesin rusak" in page and "Tagihan" not in page
    assert 'name="q" value="relay"' in page
    assert "Tickets matching “relay”" in page


@pytest.mark.django_db
def test_a_number_the_user_may_see_opens_that_ticket(rina):
    incident = TicketFactory()
    digits = int(incident.number.split("-")[1])
    client = signed_in(rina)
    answer = client.get("/desk/search/", {"q": f"inc{digits}"})
    assert answer.status_code == 302
    assert answer["Location"] == f"/desk/tickets/{incident.number}/"
    # Bare digits naming an incident and a request list both instead.
    request = TicketFactory(
        kind="request", category=Category.objects.get(code="account.data_change")
    )
    both = client.get("/desk/search/", {"q": str(digits)})
    assert both.status_code == 200
    assert set(numbers(both)) == {incident.number, request.number}


@pytest.mark.django_db
def test_a_number_a_vendor_may_not_see_is_no_result(rina):
    vendor_user = UserFactory(role=Role.VENDOR)
    vendor = SupportGroup.objects.get(code="vendor")
    vendor.members.add(vendor_user)
    kept = TicketFactory()
    handed = ticket_escalate(ticket=TicketFactory(), by=rina, group=vendor, reason="RMA")
    client = signed_in(vendor_user)
    hidden = client.get("/desk/search/", {"q": kept.number})
    assert hidden.status_code == 200 and numbers(hidden) == []
    assert f"No ticket you may see matches “{kept.number}”." in hidden.content.decode()
    assert client.get("/desk/search/", {"q": handed.number}).status_code == 302


@pytest.mark.django_db
def test_an_empty_query_says_what_can_be_searched(rina):
    TicketFactory()
    answer = signed_in(rina).get("/desk/search/", {"q": "  "})
    page = answer.content.decode()
    assert answer.status_code == 200 and numbers(answer) == []
    assert "Type what you are looking for" in page and "No ticket" not in page
    assert signed_in(rina).get("/desk/search/").status_code == 200


@pytest.mark.django_db
def test_no_match_says_so_and_shows_the_query_escaped(rina):
    TicketFactory()
    answer = signed_in(rina).get("/desk/search/", {"q": '<script>alert("x")</script>'})
    page = answer.content.decode()
    assert answer.status_code == 200 and numbers(answer) == []
    assert (
        "No ticket you may see matches “&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;”." in page
    )
    assert "<script>alert" not in page


@pytest.mark.django_db
def test_every_desk_page_has_a_labelled_search_box(rina):
    page = signed_in(rina).get("/desk/").content.decode()
    form = re.search(r'<form class="search"[^>]*role="search".*?</form>', page, re.S)
    assert form and 'action="/desk/search/"' in form.group(0)
    assert '<label for="desk-search"' in form.group(0) and 'id="desk-search"' in form.group(0)


@pytest.mark.django_db
def test_newest_first_results_page_on_without_repeats(rina):
    budi = ContactFactory(email="budi@armada.test")
    with at(MONDAY):  # one reported_at for all: the id breaks the tie
        logged = {TicketFactory(contact=budi).number for _ in range(53)}
        client = signed_in(rina)
        first = client.get("/desk/search/", {"q": "BUDI@armada.test"})
        assert len(numbers(first)) == 50 and "More results" in first.content.decode()
        second = client.get("/desk/search/?" + first.context["next_query"])
        bad = client.get("/desk/search/", {"q": "budi@armada.test", "cursor": "nonsense!"})
    assert len(numbers(second)) == 3 and "More results" not in second.content.decode()
    assert set(numbers(first)) | set(numbers(second)) == logged
    assert len(numbers(bad)) == 50
    assert "That page of results no longer exists" in bad.content.decode()


@pytest.mark.django_db
def test_many_word_matches_are_paged_or_capped_with_a_note(rina):
    with at(MONDAY):
        for _ in range(53):
            TicketFactory(title="Relay rusak")
        answer = signed_in(rina).get("/desk/search/", {"q": "relay"})
    page = answer.content.decode()
    assert len(numbers(answer)) == 50
    if connection.vendor == "postgresql":  # ranked by relevance: the best 50
        assert "Only the 50 best matches are shown" in page and "More results" not in page
        assert "best matches first" in page
    else:
        assert "More results" in page and "newest first" in page


def _tickets_of(contact, count: int, agents: list[User]) -> None:
    """Tickets with their own category and assignee each, so a lazy relation in the
    row would cost one query per ticket."""
    categories = list(
        Category.objects.filter(code__startswith="gps_unit.", kind__in=["incident", "both"])
    )
    for n in range(count):
        ticket = TicketFactory(
            contact=contact, title="Relay rusak", category=categories[n % len(categories)]
        )
        ticket_assign(ticket=ticket, by=agents[0], assignee=agents[n % len(agents)])


@pytest.mark.django_db
@pytest.mark.parametrize("tickets", [3, 30])
def test_the_page_costs_the_same_queries_for_3_or_30_results(
    rina, tickets, django_assert_max_num_queries
):
    agents = [rina, *(UserFactory(role=Role.AGENT) for _ in range(3))]
    SupportGroup.objects.get(code="customer_support").members.add(*agents)
    with at(MONDAY):
        _tickets_of(ContactFactory(email="budi@armada.test"), tickets, agents)
        client = signed_in(rina)
        # Session, user, the user's roles, whether the address names a ticket, the page.
        with django_assert_max_num_queries(5):
            by_address = client.get("/desk/search/", {"q": "budi@armada.test"})
        # Session, user, roles, the page of matches.
        with django_assert_max_num_queries(4):
            by_words = client.get("/desk/search/", {"q": "relay"})
    assert len(numbers(by_address)) == len(numbers(by_words)) == tickets
