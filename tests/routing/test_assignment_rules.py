"""A ticket that reaches a group finds its assignee by the group's rule."""

from __future__ import annotations

import pytest

from sigap.tickets.services import ticket_assign, ticket_escalate, ticket_start
from tests.factories import SupportGroupFactory, TicketFactory, UserFactory


def group_with(rule: str, *names: str, **fields):
    group = SupportGroupFactory(assignment=rule, **fields)
    members = [UserFactory(username=name, role="specialist") for name in names]
    group.members.add(*members)
    return group, members


def escalated_to(group, agent):
    ticket = ticket_start(ticket=TicketFactory(), by=agent)
    return ticket_escalate(ticket=ticket, by=agent, group=group, reason="Perlu teknisi")


@pytest.fixture
def agent(db):
    return UserFactory(role="agent")


@pytest.mark.django_db
def test_round_robin_takes_turns_and_starts_over(agent):
    group, _members = group_with("round_robin", "tek.ani", "tek.budi", "tek.citra")
    names = [escalated_to(group, agent).assignee.username for _ in range(4)]
    assert names == ["tek.ani", "tek.budi", "tek.citra", "tek.ani"]


@pytest.mark.django_db
def test_fewest_open_gives_the_ticket_to_the_least_loaded_member(agent):
    group, (ani, budi) = group_with("fewest_open", "tek.ani", "tek.budi")
    for _ in range(2):
        ticket_assign(ticket=TicketFactory(), by=agent, assignee=ani, group=group)
    ticket_assign(ticket=TicketFactory(), by=agent, assignee=budi, group=group)
    assert escalated_to(group, agent).assignee == budi


@pytest.mark.django_db
def test_an_inactive_member_is_skipped(agent):
    group, (ani, budi) = group_with("round_robin", "tek.ani", "tek.budi")
    ani.is_active = False
    ani.save()
    assert [escalated_to(group, agent).assignee for _ in range(2)] == [budi, budi]


@pytest.mark.django_db
def test_a_manual_group_leaves_the_ticket_for_someone_to_take(agent):
    group, _members = group_with("manual", "tek.ani")
    ticket = escalated_to(group, agent)
    assert ticket.assignee is None and ticket.support_group == group


@pytest.mark.django_db
def test_assigning_to_a_group_alone_follows_its_rule(agent):
    group, (ani,) = group_with("round_robin", "tek.ani")
    ticket = ticket_assign(ticket=TicketFactory(), by=agent, group=group)
    assert ticket.assignee == ani
    assert ticket.entries.get(action="assign").changes["assignee"] == [None, "tek.ani"]
