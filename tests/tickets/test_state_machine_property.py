"""Whatever agents click in whatever order, a ticket never reaches a status the
transition map forbids, and every change leaves exactly one timeline entry."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sigap.core.errors import DomainError, InvalidTransition
from sigap.routing.models import SupportGroup
from sigap.tickets import services
from sigap.tickets.choices import TRANSITIONS, Action
from sigap.tickets.models import Cause, Ticket
from tests.factories import TicketFactory


def perform(action: Action, ticket: Ticket, agent, groups) -> None:
    kwargs = {"ticket": ticket, "by": agent}
    match action:
        case Action.ASSIGN:
            services.ticket_assign(**kwargs, assignee=agent)
        case Action.START:
            services.ticket_start(**kwargs)
        case Action.PEND:
            services.ticket_pend(**kwargs, reason="customer")
        case Action.RESUME:
            services.ticket_resume(**kwargs)
        case Action.ESCALATE:
            group = groups[0] if ticket.support_group_id != groups[0].pk else groups[1]
            services.ticket_escalate(**kwargs, group=group, reason="needs second line")
        case Action.RESOLVE:
            services.ticket_resolve(
                **kwargs,
                resolution_code="resolved_remotely",
                summary="fixed",
                cause=Cause.objects.get(code="blank_spot"),
            )
        case Action.CLOSE:
            services.ticket_close(**kwargs)
        case Action.REOPEN:
            services.ticket_reopen(**kwargs, reason="again")
        case Action.CANCEL:
            services.ticket_cancel(**kwargs, reason="duplicate")


@pytest.mark.django_db
@settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(actions=st.lists(st.sampled_from(list(Action)), min_size=1, max_size=12))
def test_random_action_sequences_respect_the_map_and_leave_an_entry_each(agent, actions):
    groups = list(SupportGroup.objects.filter(code__in=["technicians", "it"]).order_by("code"))
    ticket = TicketFactory()
    for action in actions:
        before = Ticket.objects.get(pk=ticket.pk)
        entries_before = before.entries.count()
        sources, target = TRANSITIONS[action]
        try:
            perform(action, ticket, agent, groups)
        except InvalidTransition:
            assert before.status not in sources
            after = Ticket.objects.get(pk=ticket.pk)
            assert after.status == before.status
            assert after.entries.count() == entries_before
            continue
        except DomainError:  # refused for another reason (e.g. validation): nothing written
            after = Ticket.objects.get(pk=ticket.pk)
            assert (after.status, after.version) == (before.status, before.version)
            continue
        after = Ticket.objects.get(pk=ticket.pk)
        assert before.status in sources, f"{action} ran from {before.status}"
        assert after.status == target
        assert after.version == before.version + 1
        new_entries = list(after.entries.order_by("id")[entries_before:])
        assert len(new_entries) == 1
        assert new_entries[0].action == action
        if before.status != after.status:
            assert new_entries[0].changes["status"] == [before.status, after.status]
