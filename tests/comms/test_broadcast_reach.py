"""The reached share: WhatsApp counts once delivered or read, e-mail once sent unless
a bounce failed it; a contact is reached when any of their deliveries reached them.
The KPI "notices reached" is the share over the broadcasts sent in the period."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine

from sigap.channels.choices import Delivery
from sigap.comms.broadcasts import broadcasts_reach_keep
from sigap.comms.outbox import message_build
from sigap.comms.selectors import broadcast_reach
from sigap.kpi.choices import Source
from sigap.kpi.realisations import realisation
from tests.comms.factories import BroadcastDeliveryFactory, BroadcastFactory
from tests.factories import ContactFactory
from tests.kpi.test_realisations import DAY_AFTER, FIRST_MOMENT, JAN, LAST_MINUTE

pytestmark = pytest.mark.django_db


def delivered(broadcast, contact, channel: str, status: str | None):
    """A delivery whose message is `status` (None: its batch has not come yet)."""
    message = None
    if status is not None:
        message = message_build(
            channel=channel, recipient="x", body="b", language="en", contact=contact
        )
        message.status = status
        message.save()
    return BroadcastDeliveryFactory(
        broadcast=broadcast, contact=contact, channel=channel, message=message
    )


def sent_broadcast(started_at, deliveries) -> object:
    broadcast = BroadcastFactory(status="sent", started_at=started_at)
    for channel, status in deliveries:
        delivered(broadcast, ContactFactory(), channel, status)
    return broadcast


def test_what_counts_as_reached(django_assert_num_queries):
    broadcast = BroadcastFactory(status="sending", started_at=FIRST_MOMENT)
    both = ContactFactory()
    delivered(broadcast, both, "email", Delivery.FAILED)  # bounced ...
    delivered(broadcast, both, "whatsapp", Delivery.READ)  # ... but read on WhatsApp: reached
    delivered(broadcast, ContactFactory(), "whatsapp", Delivery.DELIVERED)  # reached
    delivered(broadcast, ContactFactory(), "whatsapp", Delivery.SENT)  # not yet
    delivered(broadcast, ContactFactory(), "email", Delivery.SENT)  # reached, no bounce
    delivered(broadcast, ContactFactory(), "email", Delivery.QUEUED)  # not yet
    delivered(broadcast, ContactFactory(), "email", None)  # waiting for its batch
    with django_assert_num_queries(1):
        reach = broadcast_reach(broadcast)
    assert reach.__dict__ == {
        "deliveries": 7,
        "waiting": 1,
        "queued": 1,
        "sent": 2,
        "delivered": 1,
        "read": 1,
        "failed": 1,
        "contacts": 6,
        "reached": 3,
    }
    assert reach.share == Decimal("50.00")


def test_notices_reached_over_the_period(django_assert_num_queries):
    first = sent_broadcast(FIRST_MOMENT, [("email", "sent"), ("email", "failed")])  # 1 of 2
    last = sent_broadcast(  # 2 of 3
        LAST_MINUTE, [("whatsapp", "read"), ("whatsapp", "delivered"), ("whatsapp", "sent")]
    )
    sent_broadcast(DAY_AFTER, [("email", "sent")])
    BroadcastFactory(status="draft")
    with django_assert_num_queries(2):
        found = realisation(Source.NOTICES_REACHED, **JAN)
    # (1 + 2) of (2 + 3) contacts = 60%
    assert found.value == Decimal("60.00")
    assert found.tickets is None
    assert found.detail["contacts"] == 5 and found.detail["reached"] == 3
    assert [
        (b["id"], b["contacts"], b["reached"], b["percent"]) for b in found.detail["broadcasts"]
    ] == [
        (first.pk, 2, 1, 50.0),
        (last.pk, 3, 2, 66.67),
    ]
    assert found.basis == (
        "Notices sent in the period: 2, addressed to 5 contacts in all, of whom 3 were "
        "reached (WhatsApp delivered or read; e-mail sent and not bounced)."
    )


def test_no_notices_in_the_period_is_not_measured():
    sent_broadcast(dt.datetime(2022, 2, 3, tzinfo=dt.UTC), [("email", "sent")])
    found = realisation(Source.NOTICES_REACHED, **JAN)
    assert (found.value, found.basis) == (None, "No notices are recorded for the period.")


def test_the_reach_is_kept_once_no_report_can_change_it(django_assert_num_queries):
    old = sent_broadcast(FIRST_MOMENT, [("email", "sent"), ("whatsapp", "sent")])  # 1 of 2
    recent = sent_broadcast(LAST_MINUTE, [("whatsapp", "read")])  # 1 of 1
    with time_machine.travel(LAST_MINUTE + dt.timedelta(days=20)):
        assert broadcasts_reach_keep() == 1  # 30 days after the first; the last is recent
    old.refresh_from_db()
    assert (old.final_contacts, old.final_reached) == (2, 1)
    assert old.reach_final_at is not None
    recent.refresh_from_db()
    assert recent.reach_final_at is None
    with time_machine.travel(LAST_MINUTE + dt.timedelta(days=40)):
        assert broadcasts_reach_keep() == 1  # now the last one too
        assert broadcasts_reach_keep() == 0  # and each only once
    # Every broadcast's reach is now kept: the figure reads it without the deliveries.
    with django_assert_num_queries(1):
        found = realisation(Source.NOTICES_REACHED, **JAN)
    assert found.value == Decimal("66.67")
    assert [b["percent"] for b in found.detail["broadcasts"]] == [50.0, 100.0]
