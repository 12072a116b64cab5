"""Each sweep leaves a record in the admin; a sweep that fails half-way leaves
nothing else: no flag set, no breach, no entry, so the next sweep does it all."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from sigap.core.models import JobRun
from sigap.sla import sweep as sweep_module
from sigap.sla.models import SlaBreach
from tests.factories import TicketFactory
from tests.sla.test_sla_clocks import at, wib


@pytest.mark.django_db
def test_a_sweep_failing_half_way_leaves_nothing_half_done(monkeypatch):
    with at(wib(2026, 11, 23, 9, 0)):
        ticket = TicketFactory(impact="medium", urgency="medium")

    def broken(ticket_ids):
        raise RuntimeError("disk full")

    monkeypatch.setattr(sweep_module, "tickets_escalate_to_second_line", broken)
    with at(wib(2026, 11, 24, 12, 0)), pytest.raises(RuntimeError):
        call_command("sla_sweep")
    ticket.refresh_from_db()
    assert not ticket.response_breached and ticket.escalate_at is not None
    assert not SlaBreach.objects.exists() and not ticket.entries.filter(kind="sla").exists()
    failed = JobRun.objects.get()
    assert (failed.name, failed.status) == ("sla_sweep", "failed")
    assert failed.error == "RuntimeError: disk full"

    monkeypatch.undo()
    with at(wib(2026, 11, 24, 12, 1)):
        call_command("sla_sweep")
    ticket.refresh_from_db()
    assert ticket.response_breached and ticket.support_level == "l2"
    done = JobRun.objects.filter(status="ok").get()
    assert done.acted and done.counts["response_breaches"] == 1
    assert done.counts["escalated_to_second_line"] == 1


@pytest.mark.django_db
def test_idle_sweeps_are_kept_for_a_day_and_busy_ones_for_good():
    with at(wib(2026, 11, 23, 9, 0)):
        TicketFactory(impact="medium", urgency="medium")
        call_command("sla_sweep")  # nothing due yet
    with at(wib(2026, 11, 23, 10, 1)):
        call_command("sla_sweep")  # the response breach
    with at(wib(2026, 11, 24, 10, 0)):
        call_command("sla_sweep")  # nothing new; the idle run of yesterday goes
    runs = list(JobRun.objects.order_by("started_at").values_list("acted", flat=True))
    assert runs == [True, False]
