"""The desk's broadcast pages: managers list, write (counting the recipients first),
send, schedule and cancel broadcasts and read their reach; other desk users are
refused."""

from __future__ import annotations

import datetime

import pytest
import time_machine

from sigap.comms.models import Broadcast
from tests.comms.factories import BroadcastFactory
from tests.desk.helpers import signed_in
from tests.factories import ContactFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 4, 1, 3, 0, tzinfo=datetime.UTC)
FORM = {
    "kind": "emergency",
    "subject_en": "GPS server outage",
    "body_en": "Positions are delayed; we are on it.",
    "subject_id": "Gangguan server GPS",
    "body_id": "Posisi tertunda; sedang kami tangani.",
    "tier": "",
    "region": "",
    "device_model": "",
    "channels": "both",
    "scheduled_for": "",
    "outage": "",
}


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def manager(db):
    return signed_in(UserFactory(role="manager", time_zone="Asia/Jakarta"))


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/desk/broadcasts/"),
        ("get", "/desk/broadcasts/new/"),
        ("post", "/desk/broadcasts/new/"),
        ("get", "/desk/broadcasts/{pk}/"),
        ("post", "/desk/broadcasts/{pk}/send/"),
        ("post", "/desk/broadcasts/{pk}/cancel/"),
    ],
)
def test_an_agent_is_refused(method, path):
    broadcast = BroadcastFactory()
    agent = signed_in(UserFactory(role="agent"))
    page = getattr(agent, method)(path.format(pk=broadcast.pk), FORM if method == "post" else {})
    assert page.status_code == 403
    assert "Broadcasts are sent by managers" in page.content.decode()
    assert "Broadcasts</a>" not in agent.get("/desk/").content.decode()
    broadcast.refresh_from_db()
    assert broadcast.status == "draft" and Broadcast.objects.count() == 1


def test_a_manager_counts_the_recipients_saves_and_sends(
    manager, recorded, django_capture_on_commit_callbacks
):
    organisation = OrganisationFactory(region="Jakarta")
    ContactFactory(organisation=organisation, phone="")
    ContactFactory(organisation=organisation, email="", phone="+6281200000001")
    ContactFactory(organisation=organisation, email="", phone="")
    assert "Broadcasts</a>" in manager.get("/desk/").content.decode()
    form = manager.get("/desk/broadcasts/new/").content.decode()
    assert '<option value="Jakarta">Jakarta</option>' in form
    for name in ("subject_en", "body_en", "subject_id", "body_id", "scheduled_for", "outage"):
        assert f'for="id_{name}"' in form  # every control has its label

    preview = manager.post("/desk/broadcasts/new/", FORM | {"preview": "1"})
    assert preview.status_code == 200
    assert (
        "It would reach 2 contacts now: 1 by e-mail, 1 by WhatsApp. 1 more in the segment "
        "have no address on the chosen channels."
    ) in " ".join(preview.content.decode().split())
    assert not Broadcast.objects.exists()

    saved = manager.post("/desk/broadcasts/new/", FORM | {"save": "1"})
    broadcast = Broadcast.objects.get()
    assert saved.status_code == 302 and saved["Location"] == f"/desk/broadcasts/{broadcast.pk}/"
    assert broadcast.status == "draft" and broadcast.created_by.roles == {"manager"}
    page = manager.get(saved["Location"]).content.decode()
    assert "Send now" in page and "It would reach 2 contacts now" in " ".join(page.split())

    with django_capture_on_commit_callbacks(execute=True):
        sent = manager.post(f"/desk/broadcasts/{broadcast.pk}/send/")
    assert sent.status_code == 302
    broadcast.refresh_from_db()
    assert (broadcast.status, broadcast.targeted) == ("sent", 2)
    assert len(recorded) == 2
    page = " ".join(manager.get(sent["Location"]).content.decode().split())
    assert "Sending to 2 addresses has started." in page
    # The recording transport marks them sent: the e-mail counts, WhatsApp waits for
    # its delivery report.
    assert "Contacts reached: 1 of 2 <strong>(50.00%)</strong>" in page
    listing = " ".join(manager.get("/desk/broadcasts/").content.decode().split())
    assert "GPS server outage" in listing and "1 / 2 (50.00%)" in listing


def test_a_broadcast_with_a_time_is_scheduled_and_can_be_cancelled(manager):
    form = FORM | {"save": "1", "scheduled_for": "2026-04-02T08:00"}  # Jakarta time
    manager.post("/desk/broadcasts/new/", form)
    broadcast = Broadcast.objects.get()
    assert broadcast.scheduled_for == datetime.datetime(2026, 4, 2, 1, 0, tzinfo=datetime.UTC)
    assert "Schedule</button>" in manager.get(f"/desk/broadcasts/{broadcast.pk}/").content.decode()
    manager.post(f"/desk/broadcasts/{broadcast.pk}/send/")
    broadcast.refresh_from_db()
    assert broadcast.status == "scheduled" and broadcast.started_at is None
    manager.post(f"/desk/broadcasts/{broadcast.pk}/cancel/")
    broadcast.refresh_from_db()
    assert broadcast.status == "cancelled"
    page = manager.get(f"/desk/broadcasts/{broadcast.pk}/").content.decode()
    assert "Send now" not in page and "Cancel the broadcast" not in page


def test_a_form_missing_a_language_comes_back_with_the_reason(manager):
    page = manager.post("/desk/broadcasts/new/", FORM | {"save": "1", "body_id": ""})
    assert page.status_code == 400
    assert "The broadcast was not saved." in page.content.decode()
    assert not Broadcast.objects.exists()


def test_an_unknown_outage_number_is_refused(manager):
    page = manager.post("/desk/broadcasts/new/", FORM | {"save": "1", "outage": "INC-999"})
    assert page.status_code == 400
    assert "No ticket has the number INC-999." in page.content.decode()
