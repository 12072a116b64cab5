from __future__ import annotations

import io

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command

from sigap.demo.models import DemoLoad
from sigap.tickets.models import Entry, Ticket

SIGAP_MODELS = [
    m for c in apps.get_app_configs() if c.name.startswith("sigap.") for m in c.get_models()
]


def counts() -> dict[str, int]:
    return {m._meta.label: m.objects.count() for m in SIGAP_MODELS}


@pytest.mark.django_db
def test_a_second_load_changes_nothing_and_says_so(demo):
    before = counts()
    last_entry = Entry.objects.order_by("-id").values_list("id", flat=True).first()
    out = io.StringIO()
    call_command("demo", stdout=out)
    assert "already loaded" in out.getvalue()
    assert counts() == before
    assert Entry.objects.order_by("-id").values_list("id", flat=True).first() == last_entry


@pytest.mark.django_db
def test_the_load_is_recorded_with_what_it_wrote(demo):
    record = DemoLoad.objects.get()
    assert record == demo.record and demo.created
    assert record.counts["tickets"] == Ticket.objects.count() == 849
    assert record.counts["entries"] == Entry.objects.count()
    assert record.counts["organisations"] == 240


@pytest.mark.django_db
def test_a_desk_that_already_has_tickets_is_refused_and_left_as_it_was(demo):
    DemoLoad.objects.all().delete()  # as if the tickets were someone else's
    before = counts()
    with pytest.raises(CommandError, match="empty"):
        call_command("demo", stdout=io.StringIO())
    assert counts() == before
