"""A broadcast goes out in throttled batches, each contact in their language, as
messages on no ticket; WhatsApp outside the window by the notice template; a scheduled
one starts when its time comes, and the run is recorded."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from huey.contrib.djhuey import HUEY

from sigap.channels.models import Message
from sigap.comms.broadcasts import broadcast_cancel, broadcast_schedule, broadcast_send
from sigap.comms.models import BroadcastDelivery
from sigap.comms.tasks import broadcasts_minute
from sigap.core.models import JobRun
from tests.channels.whatsapp.queue import run_due_retries
from tests.comms.factories import BroadcastFactory
from tests.factories import ContactFactory, OrganisationFactory

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 4, 1, 3, 0, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def contacts(n: int, **fields) -> list:
    organisation = OrganisationFactory()
    return [ContactFactory(organisation=organisation, phone="", **fields) for _ in range(n)]


def test_batches_are_throttled_to_the_rate_a_minute(
    recorded, settings, django_capture_on_commit_callbacks
):
    settings.SIGAP_BROADCAST_PER_MINUTE = 2
    contacts(5)
    broadcast = BroadcastFactory(channels="email")
    with django_capture_on_commit_callbacks(execute=True):
        broadcast_send(broadcast=broadcast)
    assert len(recorded) == 2  # the first batch at once
    [batch] = HUEY.scheduled()
    assert batch.name.endswith("broadcast_batch")
    assert (batch.eta - datetime.datetime.now(datetime.UTC).replace(tzinfo=None)).seconds == 60
    assert BroadcastDelivery.objects.filter(message__isnull=True).count() == 3
    with django_capture_on_commit_callbacks(execute=True):
        assert run_due_retries(minutes=1) == 2  # two more batches, a minute apart
    assert len(recorded) == 5
    broadcast.refresh_from_db()
    assert broadcast.status == "sent" and broadcast.finished_at == NOW
    assert not HUEY.scheduled()
    sent = Message.objects.filter(direction="out")
    assert sent.count() == 5 and not sent.filter(ticket__isnull=False).exists()
    assert set(sent.values_list("automatic", "status")) == {(True, "sent")}


def test_each_contact_reads_their_own_language(smtp, django_capture_on_commit_callbacks, settings):
    [budi] = contacts(1, language="id")
    [sari] = contacts(1, language="en")
    broadcast = BroadcastFactory(channels="email")
    with django_capture_on_commit_callbacks(execute=True):
        broadcast_send(broadcast=broadcast)
    mails = {m.rcpt_tos[0]: m.message for m in smtp.received}
    assert mails[budi.email]["Subject"] == "Pemeliharaan server"  # no ticket, no tag
    assert mails[budi.email].get_content().strip() == broadcast.body_id
    assert mails[sari.email]["Subject"] == "Server maintenance"
    assert mails[sari.email]["Content-Language"] == "en"


def test_whatsapp_outside_the_window_goes_by_the_notice_template(
    graph, django_capture_on_commit_callbacks
):
    ContactFactory(organisation=OrganisationFactory(), email="", phone="+6281234567890")
    broadcast = BroadcastFactory(channels="whatsapp")
    with django_capture_on_commit_callbacks(execute=True):
        broadcast_send(broadcast=broadcast)
    [sent] = graph.sent
    assert sent["to"] == "6281234567890" and sent["type"] == "template"
    assert sent["template"]["name"] == "sigap_notice_id"
    assert sent["template"]["components"] == [
        {
            "type": "body",
            "parameters": [
                {
                    "type": "text",
                    "text": "*Pemeliharaan server* Server dipelihara Sabtu pukul 22.00-23.00 WIB.",
                }
            ],
        }
    ]
    message = Message.objects.get(direction="out")
    assert (message.template, message.status, message.ticket) == ("sigap_notice_id", "sent", None)


def test_a_scheduled_broadcast_starts_when_its_time_comes(
    recorded, clock, django_capture_on_commit_callbacks
):
    contacts(2)
    broadcast = BroadcastFactory(channels="email", scheduled_for=NOW + datetime.timedelta(hours=2))
    broadcast_schedule(broadcast=broadcast)
    clock.shift(datetime.timedelta(hours=1, minutes=59))
    with django_capture_on_commit_callbacks(execute=True):
        broadcasts_minute.call_local()
    broadcast.refresh_from_db()
    assert broadcast.status == "scheduled" and recorded == []
    clock.shift(datetime.timedelta(minutes=1))
    with django_capture_on_commit_callbacks(execute=True):
        broadcasts_minute.call_local()
    broadcast.refresh_from_db()
    assert (broadcast.status, broadcast.started_at) == ("sent", NOW + datetime.timedelta(hours=2))
    assert len(recorded) == 2
    run = JobRun.objects.filter(name="broadcasts").latest("started_at")
    assert (run.status, run.counts) == ("ok", {"started": 1, "linked": 0, "reach_final": 0})


def test_a_cancelled_broadcast_stops_after_the_batch_under_way(
    recorded, settings, django_capture_on_commit_callbacks
):
    settings.SIGAP_BROADCAST_PER_MINUTE = 1
    contacts(3)
    broadcast = BroadcastFactory(channels="email")
    with django_capture_on_commit_callbacks(execute=True):
        broadcast_send(broadcast=broadcast)
    broadcast_cancel(broadcast=broadcast)
    with django_capture_on_commit_callbacks(execute=True):
        run_due_retries(minutes=5)
    assert len(recorded) == 1
    assert BroadcastDelivery.objects.filter(message__isnull=True).count() == 2


def test_a_time_in_the_past_cannot_be_scheduled():
    from sigap.core.errors import ValidationFailed

    broadcast = BroadcastFactory(scheduled_for=NOW - datetime.timedelta(minutes=1))
    with pytest.raises(ValidationFailed):
        broadcast_schedule(broadcast=broadcast)
