"""Every demo ticket's timeline is one the desk could have produced."""

from __future__ import annotations

from collections import defaultdict
from zoneinfo import ZoneInfo

import holidays
import pytest

from sigap.tickets.choices import OPEN_STATUSES, TRANSITIONS, Action, EntryKind, Kind, Status
from sigap.tickets.creation import cause_applies
from sigap.tickets.models import Entry, Ticket

JAKARTA = ZoneInfo("Asia/Jakarta")


def timelines() -> dict[int, list[Entry]]:
    out: dict[int, list[Entry]] = defaultdict(list)
    for entry in Entry.objects.order_by("ticket_id", "at", "id"):
        out[entry.ticket_id].append(entry)
    return out


@pytest.mark.django_db
def test_every_timeline_starts_logged_and_follows_the_state_machine(demo):
    tickets = {t.pk: t for t in Ticket.objects.all()}
    for ticket_id, entries in timelines().items():
        ticket = tickets[ticket_id]
        first, *rest = entries
        assert first.kind == EntryKind.CREATED and first.at == ticket.reported_at
        status = Status.NEW
        for entry in rest:
            assert entry.at >= first.at
            if entry.kind != EntryKind.TRANSITION:
                continue
            sources, target = TRANSITIONS[Action(entry.action)]
            assert status in sources, (ticket.number, status, entry.action)
            if "status" in entry.changes:
                assert entry.changes["status"] == [status, target], ticket.number
            status = target
        assert status == ticket.status, ticket.number


@pytest.mark.django_db
def test_resolved_incidents_have_a_cause_that_fits_their_category(demo):
    resolved = Ticket.objects.filter(resolved_at__isnull=False).select_related("category", "cause")
    assert not resolved.filter(kind=Kind.INCIDENT, cause__isnull=True).exists()
    assert not resolved.filter(resolution_code="").exists()
    for ticket in resolved.filter(cause__isnull=False):
        assert cause_applies(cause=ticket.cause, category=ticket.category), ticket.number


@pytest.mark.django_db
def test_tickets_arrive_by_email_phone_and_whatsapp(demo):
    channels = set(Ticket.objects.values_list("channel", flat=True))
    assert channels == {"email", "phone", "whatsapp"}


@pytest.mark.django_db
def test_tickets_are_reported_in_business_hours_on_working_days(demo):
    closed = holidays.country_holidays("ID", years=2022)
    saturdays = 0
    for reported in Ticket.objects.values_list("reported_at", flat=True):
        local = reported.astimezone(JAKARTA)
        assert local.date() not in closed, local
        if local.weekday() == 5:
            saturdays += 1
            assert 8 <= local.hour < 12, local
        else:
            assert local.weekday() < 5 and 8 <= local.hour < 17, local
    assert 0 < saturdays < 849 * 0.05


@pytest.mark.django_db
def test_first_responses_are_mostly_within_fifteen_minutes(demo):
    waits = [
        (first - reported).total_seconds() / 60
        for reported, first in Ticket.objects.values_list("reported_at", "first_response_at")
    ]
    assert all(w > 0 for w in waits)
    assert 0.8 <= sum(w <= 15 for w in waits) / len(waits) < 1


@pytest.mark.django_db
def test_escalations_reach_second_line_the_vendor_and_the_head_of_infrastructure(demo):
    targets = defaultdict(int)
    for entry in Entry.objects.filter(action=Action.ESCALATE):
        targets[entry.changes["support_group"][1]] += 1
    assert targets["technicians"] > 300
    assert targets["vendor"] > 0 and targets["head_of_infrastructure"] > 0
    assert targets["head_of_infrastructure"] < targets["vendor"] < targets["technicians"]
    assert Entry.objects.filter(action=Action.PEND).exists()


@pytest.mark.django_db
def test_nearly_all_tickets_are_closed_by_the_end_of_may(demo):
    unfinished = Ticket.objects.exclude(status=Status.CLOSED)
    assert unfinished.count() <= 15
    assert not unfinished.filter(reported_at__month__lt=5).exists()
    assert Ticket.objects.filter(status__in=OPEN_STATUSES).count() <= 5
