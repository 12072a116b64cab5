"""A quarantined mail is replayed from the admin once its cause is fixed: taken in at
the address it was sent to, or left in the quarantine with the reason."""

from __future__ import annotations

import pytest

from sigap.channels.email.intake import Refused, take
from sigap.channels.models import Message, Quarantine
from sigap.channels.services import quarantine_replay
from tests.channels.email.samples import SUPPORT, corpus, mail
from tests.factories import QuarantineFactory

pytestmark = pytest.mark.django_db


def test_a_mail_that_still_cannot_be_parsed_stays_with_its_reason():
    with pytest.raises(Refused) as caught:
        take(corpus("28_malformed_not_email.eml"), source="hook", mailbox=SUPPORT)
    item = Quarantine.objects.get(pk=caught.value.quarantine_id)
    assert not quarantine_replay(item=item)
    item.refresh_from_db()
    assert item.replayed_at is None and "no sender" in item.error
    assert Quarantine.objects.count() == 1  # a replay does not quarantine it again


def test_a_replayed_mail_is_stored_at_the_address_it_was_sent_to():
    item = QuarantineFactory(raw=mail(), source="billing@sigap.localhost via pipe")
    assert quarantine_replay(item=item)
    item.refresh_from_db()
    message = Message.objects.get(direction="in")
    assert item.replayed_at is not None and item.message == message
    assert message.mailbox == "billing@sigap.localhost"
    assert message.ticket.title == "Unit B 1234 XYZ tidak update"


def test_a_mail_the_imap_poller_quarantined_replays_into_its_mailbox(settings):
    settings.SIGAP_IMAP_URLS = "imaps://sales%40sigap.localhost:pw@imap.example/INBOX"
    item = QuarantineFactory(raw=mail(), source="imap:sales@sigap.localhost@imap.example/INBOX")
    assert quarantine_replay(item=item)
    assert Message.objects.get(direction="in").mailbox == "sales@sigap.localhost"


def test_a_replay_of_a_mail_stored_meanwhile_changes_nothing():
    first = take(mail(), source="pipe", mailbox=SUPPORT)
    item = QuarantineFactory(raw=mail(), source=f"{SUPPORT} via hook")
    assert quarantine_replay(item=item)
    item.refresh_from_db()
    assert item.message == first.message
    assert Message.objects.filter(direction="in").count() == 1
