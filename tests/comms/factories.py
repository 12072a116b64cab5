"""One factory per model of `comms`, with deterministic defaults. Surveys and
broadcasts are normally made by their services; these make the rows directly for
tests of what is read from them (the NPS, the reach)."""

from __future__ import annotations

import datetime

import factory

from sigap.comms.models import Broadcast, BroadcastDelivery, Survey
from tests.factories import ContactFactory, TicketFactory

SENT = datetime.datetime(2022, 1, 3, 2, 0, tzinfo=datetime.UTC)


class SurveyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Survey

    ticket = factory.SubFactory(TicketFactory)
    contact = factory.LazyAttribute(lambda s: s.ticket.contact)
    channel = "email"
    address = factory.LazyAttribute(lambda s: s.contact.email)
    language = "en"
    key = factory.Sequence(lambda n: f"survey-key-{n}")
    sent_at = SENT
    answer_by = SENT + datetime.timedelta(days=30)
    answered_via = factory.LazyAttribute(lambda s: "email" if s.score else "")
    answered_at = None
    score = None


class BroadcastFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Broadcast

    kind = "regular"
    subject_id = "Pemeliharaan server"
    subject_en = "Server maintenance"
    body_id = "Server dipelihara Sabtu pukul 22.00-23.00 WIB."
    body_en = "The server is maintained on Saturday from 22:00 to 23:00 WIB."
    channels = "both"
    created_at = SENT


class BroadcastDeliveryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BroadcastDelivery

    broadcast = factory.SubFactory(BroadcastFactory)
    contact = factory.SubFactory(ContactFactory)
    channel = "email"
    address = factory.LazyAttribute(lambda d: d.contact.email)
    language = "en"
    created_at = SENT
