"""The desk's queues: which tickets each one holds, its count, the kind tabs, keyset
paging, what a vendor sees, the SLA cell, and a query count that does not grow."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest

from sigap.accounts.models import User
from sigap.routing.models import SupportGroup
from sigap.tickets.models import Category, Ticket
from sigap.tickets.services import (
    ticket_assign,
    ticket_cancel,
    ticket_comment,
    ticket_escalate,
    ticket_pend,
    ticket_start,
)
from tests.desk.helpers import at, signed_in
from tests.factories import ContactFactory, TicketFactory, UserFactory

# Monday 2 March 2026, 10:00 in Jakarta: office hours.
MONDAY = datetime(2026, 3, 2, 3, 0, tzinfo=UTC)
NUMBER = re.compile(r'href="/desk/tickets/((?:INC|REQ)-\d+)/"')


def numbers(answer) -> list[str]:
    return NUMBER.findall(answer.content.decode())


def counts(answer) -> dict[str, int]:
    return {
        q["query"].split("queue=")[1].split("&")[0]: q["count"] for q in answer.context["queues"]
    }


def calm(**fields) -> Ticket:
    """A planning-priority ticket: no clock is near its deadline on MONDAY."""
    return TicketFactory(impact="low", urgency="low", **fields)


def group(code: str, *members: User) -> SupportGroup:
    found = SupportGroup.objects.get(code=code)
    found.members.add(*members)
    return found


@pytest.fixture
def rina(db) -> User:
    return UserFactory(username="rina", role="agent")


@pytest.fixture
def world(rina) -> dict[str, Ticket]:
    """One ticket for each queue of first line's Rina, logged on MONDAY."""
    budi = UserFactory(username="budi", role="agent")
    tono = UserFactory(username="tono", role="agent")
    group("customer_support", rina, budi)
    technicians = group("technicians", tono)
    with at(MONDAY):
        tickets = {
            "mine": ticket_assign(ticket=calm(), by=rina, assignee=rina),
            "loose": calm(),
            "waiting": calm(),
            "late": calm(),
            "soon": TicketFactory(impact="high", urgency="high"),  # answer within 15 min
            "handed": calm(),
            "cancelled": ticket_assign(ticket=calm(), by=rina, assignee=rina),
        }
        waiting = ticket_start(ticket=tickets["waiting"], by=budi)
        ticket_comment(ticket=waiting, by=budi, body="Mohon kirim foto unit.", public=True)
        waiting.refresh_from_db()
        tickets["waiting"] = ticket_pend(ticket=waiting, by=budi, reason="customer")
        ticket_escalate(
            ticket=tickets["handed"], by=rina, group=technicians, reason="Cek di lokasi"
        )
        ticket_cancel(ticket=tickets["cancelled"], by=rina, reason="Dobel")
    # What the SLA sweep records when the response target runs out.
    Ticket.objects.filter(pk=tickets["late"].pk).update(response_breached=True)
    return {name: Ticket.objects.get(pk=t.pk) for name, t in tickets.items()}


def expect(world: dict[str, Ticket], *names: str) -> set[str]:
    return {world[name].number for name in names}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("queue", "holds"),
    [
        ("mine", {"mine"}),
        ("groups", {"mine", "loose", "waiting", "late", "soon"}),
        ("unassigned", {"loose", "late", "soon", "handed"}),
        ("breaching", {"soon"}),
        ("breached", {"late"}),
        ("pending", {"waiting"}),
        ("escalated", set()),
    ],
)
def test_each_queue_holds_its_tickets_and_counts_them(world, rina, queue, holds):
    with at(MONDAY + timedelta(minutes=5)):
        answer = signed_in(rina).get("/desk/", {"queue": queue})
    assert answer.status_code == 200
    assert set(numbers(answer)) == expect(world, *holds)
    assert counts(answer)[queue] == len(holds)
    assert answer.context["count"] == len(holds)


@pytest.mark.django_db
def test_the_receiving_group_finds_the_escalation_until_it_acknowledges_by_working(world):
    tono = User.objects.get(username="tono")
    client = signed_in(tono)
    with at(MONDAY + timedelta(minutes=5)):
        answer = client.get("/desk/", {"queue": "escalated"})
        assert set(numbers(answer)) == expect(world, "handed")
        assert counts(answer) == {
            "mine": 0,
            "groups": 1,
            "unassigned": 4,
            "breaching": 1,
            "breached": 1,
            "pending": 1,
            "escalated": 1,
        }
        ticket_start(ticket=world["handed"], by=tono)  # work acknowledges the escalation
        answer = client.get("/desk/", {"queue": "escalated"})
    assert numbers(answer) == []
    assert counts(answer)["mine"] == 1


@pytest.mark.django_db
def test_the_side_bar_and_tabs_mark_where_the_agent_is(world, rina):
    with at(MONDAY):
        page = signed_in(rina).get("/desk/", {"queue": "pending"}).content.decode()
    assert '<nav class="queue-nav" aria-label="Queues"' in page
    assert 'href="?queue=pending" aria-current="page">Pending' in page
    assert 'href="?queue=mine">Assigned to me' in page
    assert 'href="?queue=pending&amp;kind=incident" aria-current="page">Incidents</a>' in page
    assert "<caption>Pending · Incidents: 1 ticket</caption>" in page
    assert "desk/desk.js" in page


@pytest.mark.django_db
def test_incidents_and_requests_are_separate_tabs(rina):
    with at(MONDAY):
        incident = calm()
        request = TicketFactory(
            kind="request", category=Category.objects.get(code="account.data_change")
        )
        client = signed_in(rina)
        default = client.get("/desk/", {"queue": "unassigned"})
        requests = client.get("/desk/", {"queue": "unassigned", "kind": "request"})
    assert numbers(default) == [incident.number] and counts(default)["unassigned"] == 1
    assert numbers(requests) == [request.number] and counts(requests)["unassigned"] == 1
    assert 'aria-current="page">Requests</a>' in requests.content.decode()


@pytest.mark.django_db
def test_an_unknown_queue_or_kind_is_not_found(rina):
    client = signed_in(rina)
    assert client.get("/desk/", {"queue": "everything"}).status_code == 404
    missing = client.get("/desk/", {"kind": "problem"})
    assert missing.status_code == 404 and b"Back to the queues" in missing.content


@pytest.mark.django_db
def test_keyset_paging_returns_the_next_page_without_repeats(rina):
    with at(MONDAY):  # one reported_at for all: the id breaks the tie
        logged = {calm().number for _ in range(53)}
        client = signed_in(rina)
        first = client.get("/desk/", {"queue": "unassigned"})
        assert len(numbers(first)) == 50 and first.context["next_query"]
        second = client.get("/desk/?" + first.context["next_query"])
    assert len(numbers(second)) == 3 and not second.context["next_query"]
    assert set(numbers(first)) | set(numbers(second)) == logged
    assert not set(numbers(first)) & set(numbers(second))
    assert "queue=unassigned" in first.context["next_query"]
    assert "Next page" in first.content.decode() and "Next page" not in second.content.decode()


@pytest.mark.django_db
def test_a_vendor_sees_only_what_was_escalated_to_it(rina):
    vendor_user = UserFactory(role="vendor")
    vendor = group("vendor", vendor_user)
    with at(MONDAY):
        calm()
        rma = ticket_escalate(ticket=calm(), by=rina, group=vendor, reason="RMA")
        client = signed_in(vendor_user)
        escalated = client.get("/desk/", {"queue": "escalated"})
        unassigned = client.get("/desk/", {"queue": "unassigned"})
    assert numbers(escalated) == [rma.number] and counts(escalated)["escalated"] == 1
    assert numbers(unassigned) == [rma.number]
    assert counts(unassigned)["unassigned"] == 1 and counts(unassigned)["groups"] == 1


@pytest.mark.django_db
def test_the_sla_cell_counts_down_from_the_running_clock(world, rina):
    with at(MONDAY + timedelta(minutes=5)):
        page = signed_in(rina).get("/desk/", {"queue": "groups"}).content.decode()
    # Priority 1: the first response is due 15 minutes after logging.
    assert 'class="sla sla-warn" data-due="2026-03-02T03:15:00+00:00">10 min<' in page
    assert 'class="sla sla-late">late<' in page
    assert 'class="sla sla-paused">paused<' in page  # answered, waiting for the customer
    assert 'data-sla-hours="%(hours)d h %(minutes)d min"' in page
    row = re.search(
        rf"<tr>\s*(<td class=\"pick\">.*?</td>\s*)?<td><a[^>]*>{world['mine'].number}</a>.*?</tr>",
        page,
        re.S,
    )
    assert "sla-ok" in row.group(0) and "rina" in row.group(0)
    # Last activity in Rina's zone (Asia/Jakarta), not UTC.
    assert 'datetime="2026-03-02T10:00:00+07:00"' in row.group(0)


@pytest.mark.django_db
def test_a_bad_filter_value_is_reported_and_the_rest_still_applies(rina):
    with at(MONDAY):
        calm()
        answer = signed_in(rina).get(
            "/desk/",
            {"queue": "unassigned", "priority": "9", "reported_from": "yesterday", "status": "new"},
        )
        bad_cursor = signed_in(rina).get("/desk/", {"queue": "unassigned", "cursor": "nonsense!"})
    assert answer.status_code == 200
    page = answer.content.decode()
    assert 'role="alert">Priority: Select a valid choice.' in page
    assert 'role="alert">Reported from: Enter a valid date.' in page
    assert len(numbers(answer)) == 1
    assert bad_cursor.status_code == 200 and len(numbers(bad_cursor)) == 1
    assert "That page of the queue no longer exists" in bad_cursor.content.decode()


@pytest.mark.django_db
def test_the_filters_narrow_the_queue_and_its_count(rina):
    with at(MONDAY):
        calm()
        urgent = TicketFactory(impact="high", urgency="high")
        answer = signed_in(rina).get("/desk/", {"queue": "unassigned", "priority": ["1", "2"]})
    assert numbers(answer) == [urgent.number] and counts(answer)["unassigned"] == 1


@pytest.mark.django_db
def test_htmx_gets_only_the_rows_and_a_boosted_link_the_whole_page(world, rina):
    client = signed_in(rina)
    with at(MONDAY):
        rows = client.get("/desk/", {"queue": "groups"}, HTTP_HX_REQUEST="true")
        boosted = client.get(
            "/desk/", {"queue": "groups"}, HTTP_HX_REQUEST="true", HTTP_HX_BOOSTED="true"
        )
    body = rows.content.decode()
    assert rows.status_code == 200 and "<html" not in body and "<nav" not in body
    assert body.lstrip().startswith("<tr>") and len(numbers(rows)) == 5
    assert "HX-Request" in rows["Vary"]
    assert "<html" in boosted.content.decode()


def _varied_tickets(count: int, agents: list[User]) -> None:
    """Tickets with their own organisation, category and assignee each, so a lazy
    relation in the row would cost one query per ticket."""
    categories = list(
        Category.objects.filter(code__startswith="gps_unit.", kind__in=["incident", "both"])
    )
    for n in range(count):
        ticket = calm(contact=ContactFactory(), category=categories[n % len(categories)])
        ticket_assign(ticket=ticket, by=agents[0], assignee=agents[n % len(agents)])


@pytest.mark.django_db
@pytest.mark.parametrize("tickets", [3, 30])
def test_the_page_costs_the_same_queries_for_3_or_30_tickets(
    rina, tickets, django_assert_max_num_queries
):
    agents = [rina, *(UserFactory(role="agent") for _ in range(3))]
    group("customer_support", *agents)
    with at(MONDAY):
        _varied_tickets(tickets, agents)
        client = signed_in(rina)
        # Session, user, the user's roles, the side bar's counts, the page of tickets,
        # the bulk form's groups and people.
        with django_assert_max_num_queries(7):
            answer = client.get("/desk/", {"queue": "groups"})
        assert len(numbers(answer)) == tickets
        with django_assert_max_num_queries(4):  # the rows alone skip the counts
            client.get("/desk/", {"queue": "groups"}, HTTP_HX_REQUEST="true")


@pytest.mark.django_db
def test_a_queue_reads_highest_priority_first_across_its_pages(rina):
    group("customer_support", rina)
    with at(MONDAY):
        for n, level in enumerate(["low", "high", "medium"] * 20):
            with at(MONDAY + timedelta(minutes=n)):
                TicketFactory(impact=level, urgency=level)
    client = signed_in(rina)
    first = client.get("/desk/", {"queue": "unassigned", "sort": "priority"})
    rows = numbers(first)
    assert len(rows) == 50
    cursor = first.context["next_query"]
    rest = numbers(client.get(f"/desk/?{cursor}", HTTP_HX_REQUEST="true"))
    shown = Ticket.objects.in_bulk(rows + rest, field_name="number")
    priorities = [shown[n].priority for n in rows + rest]
    assert len(rows + rest) == 60 and priorities == sorted(priorities)
    assert priorities[0] == 1 and priorities[-1] == 5
    assert '<option value="priority" selected>' in first.content.decode()
